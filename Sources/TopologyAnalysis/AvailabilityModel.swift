public import TopologyModel

#if canImport(Glibc)
  import Glibc
#endif

/// The probability that an ensemble has a quorum, from machine and datacenter availabilities.
///
/// Failures are independent: a datacenter is up with its availability; a machine is up when
/// its datacenter is up and it is up itself. The computation is a dynamic program over the
/// datacenters, carrying the distribution of alive vote weight per quorum group; within a
/// datacenter, over its voters one by one. It never enumerates sets of machines: its cost is
/// the number of voters times the number of distinct weight tallies.
public enum AvailabilityModel {
  /// The largest number of distinct tallies carried (hierarchical quorums with many groups).
  public static let maxStates = 200_000

  /// P(quorum), or nil when an availability is not set or the state space is too large.
  public static func quorumProbability(_ e: Ensemble, in t: ValidatedTopology) -> Double? {
    quorumProbability(system: QuorumSystem(e), machines: e.members.map(\.machine), in: t)
  }

  /// P(quorum) for a quorum system whose members sit on these machines.
  static func quorumProbability(system: QuorumSystem, machines: [Int], in t: ValidatedTopology) -> Double? {
    var dcs: [Int: [Int]] = [:]  // datacenter -> voter member indices
    for (i, m) in machines.enumerated() where system.memberGroup[i] != nil {
      dcs[t.machines[m].datacenter, default: []].append(i)
    }
    var states: [[Int]: Double] = [Array(repeating: 0, count: system.groupWeights.count): 1]
    for d in dcs.keys.sorted() {
      guard let pDC = t.datacenters[d].availability else { return nil }
      // Distribution of this datacenter's alive tally, given it is up.
      var inside: [[Int]: Double] = [Array(repeating: 0, count: system.groupWeights.count): 1]
      for i in dcs[d] ?? [] {
        guard let p = t.machines[machines[i]].availability else { return nil }
        var next: [[Int]: Double] = [:]
        for (tally, q) in sorted(inside) {
          next[tally, default: 0] += q * (1 - p)
          var up = tally
          if let g = system.memberGroup[i] { up[g] += system.memberWeight[i] }
          next[up, default: 0] += q * p
        }
        inside = next
      }
      var next: [[Int]: Double] = [:]
      for (tally, q) in sorted(states) {
        next[tally, default: 0] += q * (1 - pDC)
        for (add, r) in sorted(inside) {
          next[zip(tally, add).map(+), default: 0] += q * pDC * r
        }
      }
      guard next.count <= maxStates else { return nil }
      states = next
    }
    return sorted(states).reduce(0) { $0 + (system.hasQuorum(aliveWeight: $1.0) ? $1.1 : 0) }
  }

  /// Dictionary entries in key order: Swift's hashing is seeded per process, and floating-point
  /// sums must not depend on it, or the same input would not give the same bytes.
  static func sorted(_ d: [[Int]: Double]) -> [([Int], Double)] {
    d.map { ($0.key, $0.value) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
  }

  /// P(the app's preferred registry is usable | the app's datacenter is up): a quorum, and for
  /// `connect: local` at least one member up in the app's datacenter.
  public static func registryProbability(app: App, in t: ValidatedTopology) -> Double? {
    guard let ei = app.registries.first else { return nil }
    let e = t.ensembles[ei]
    // Condition on the app's datacenter being up: the same program with its availability 1.
    let conditioned = t.withDatacenterUp(app.datacenter)
    guard let pQuorum = quorumProbability(e, in: conditioned) else { return nil }
    guard app.connect == .local else { return pQuorum }
    // Local: also needs a member up in its own datacenter. Joint with the quorum, exactly:
    // split on how many local members are up (all local members share the datacenter).
    return localJoint(e, app: app, in: conditioned)
  }

  /// P(quorum and at least one local member up), conditioned datacenter up.
  static func localJoint(_ e: Ensemble, app: App, in t: ValidatedTopology) -> Double? {
    let locals = e.members.indices.filter { t.machines[e.members[$0].machine].datacenter == app.datacenter }
    // P(quorum) - P(quorum and every local member down).
    guard let pQuorum = quorumProbability(e, in: t) else { return nil }
    var pAllDown = 1.0
    for i in locals {
      guard let p = t.machines[e.members[i].machine].availability else { return nil }
      pAllDown *= 1 - p
    }
    let withoutLocals = t.withMachinesDown(locals.map { e.members[$0].machine })
    guard let pQuorumWithout = quorumProbability(e, in: withoutLocals) else { return nil }
    return pQuorum - pAllDown * pQuorumWithout
  }

  /// Nines: -log10(1 - p), capped for p = 1.
  public static func nines(_ p: Double) -> Double {
    p >= 1 ? 99 : -Glibc.log10(1 - p)
  }

  /// A probability as a percentage with enough decimals to show its nines: `99.9996%`.
  public static func percent(_ p: Double) -> String {
    let decimals = max(2, min(9, Int(nines(p)) + 1))
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int((p * 100 * scale).rounded())
    let whole = scaled / Int(scale)
    var frac = String(scaled % Int(scale))
    while frac.count < decimals { frac = "0" + frac }
    return "\(whole).\(frac)%"
  }

  /// Nines with one decimal, for people: `5.4`.
  public static func ninesText(_ p: Double) -> String {
    let tenths = Int((nines(p) * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }

  /// Expected downtime per year in seconds.
  public static func downtimePerYear(_ p: Double) -> Double { (1 - p) * 365.25 * 86400 }

}
