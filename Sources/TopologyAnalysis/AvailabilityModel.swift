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
    guard let first = app.registries.first else { return nil }
    return usableProbability(app: app, registries: [first], in: t)
  }

  /// P(at least one of the app's registries is usable | its datacenter is up). Registries that
  /// share machines are not independent, so this is one program over all of them at once.
  public static func anyRegistryProbability(app: App, in t: ValidatedTopology) -> Double? {
    usableProbability(app: app, registries: app.registries, in: t)
  }

  /// The joint program: the state holds, for every registry, its alive weight per group and
  /// (for `connect: local`) whether a member in the app's datacenter is up; a machine that
  /// serves several registries updates all of them. Conditioned on the app's datacenter by
  /// giving it availability 1.
  static func usableProbability(app: App, registries: [Int], in t: ValidatedTopology) -> Double? {
    // The app's datacenter is up (availability 1): read in place, never a copy of the topology
    // per app (a wide estate has thousands of datacenters).
    func datacenterAvailability(_ d: Int) -> Double? { d == app.datacenter ? 1 : t.datacenters[d].availability }
    let local = app.connect == .local
    struct Part {
      let system: QuorumSystem
      let offset: Int
      let localSlot: Int?
    }
    var parts: [Part] = []
    var width = 0
    var roles: [Int: [(part: Int, member: Int)]] = [:]  // machine -> memberships
    for ei in registries {
      let e = t.ensembles[ei]
      let system = QuorumSystem(e)
      let groups = system.groupWeights.count
      parts.append(Part(system: system, offset: width, localSlot: local ? width + groups : nil))
      for (i, m) in e.members.enumerated() { roles[m.machine, default: []].append((parts.count - 1, i)) }
      width += groups + (local ? 1 : 0)
    }
    func up(_ state: [Int], machine: Int) -> [Int] {
      var next = state
      for (p, i) in roles[machine] ?? [] {
        let part = parts[p]
        if let g = part.system.memberGroup[i] { next[part.offset + g] += part.system.memberWeight[i] }
        if let slot = part.localSlot, t.machines[machine].datacenter == app.datacenter { next[slot] = 1 }
      }
      return next
    }
    let zero = Array(repeating: 0, count: width)
    var states: [[Int]: Double] = [zero: 1]
    let byDC = Dictionary(grouping: roles.keys.sorted()) { t.machines[$0].datacenter }
    for d in byDC.keys.sorted() {
      guard let pDC = datacenterAvailability(d) else { return nil }
      var inside: [[Int]: Double] = [zero: 1]
      for m in byDC[d] ?? [] {
        guard let p = t.machines[m].availability else { return nil }
        var next: [[Int]: Double] = [:]
        for (state, q) in sorted(inside) {
          next[state, default: 0] += q * (1 - p)
          next[up(state, machine: m), default: 0] += q * p
        }
        inside = next
      }
      var next: [[Int]: Double] = [:]
      for (state, q) in sorted(states) {
        next[state, default: 0] += q * (1 - pDC)
        for (add, r) in sorted(inside) { next[zip(state, add).map(+), default: 0] += q * pDC * r }
      }
      guard next.count <= maxStates else { return nil }
      states = next
    }
    return sorted(states).reduce(0) { total, entry in
      let usable = parts.contains { part in
        let tally = Array(entry.0[part.offset..<(part.offset + part.system.groupWeights.count)])
        return part.system.hasQuorum(aliveWeight: tally) && (part.localSlot.map { entry.0[$0] > 0 } ?? true)
      }
      return total + (usable ? entry.1 : 0)
    }
  }

  /// Nines: -log10(1 - p), capped for p = 1.
  public static func nines(_ p: Double) -> Double {
    p >= 1 ? 99 : -Glibc.log10(1 - p)
  }

  /// Expected downtime per year in seconds.
  public static func downtimePerYear(_ p: Double) -> Double { (1 - p) * 365.25 * 86400 }

}
