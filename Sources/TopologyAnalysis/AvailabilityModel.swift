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

  /// P(quorum), or nil when an availability is not set or the state space is too large (more
  /// than ``maxStates`` tallies, or too many to number in 63 bits; see ``Tallies``).
  public static func quorumProbability(_ e: Ensemble, in t: ValidatedTopology) -> Double? {
    quorumProbability(system: QuorumSystem(e), machines: e.members.map(\.machine), in: t)
  }

  /// P(quorum) for a quorum system whose members sit on these machines.
  static func quorumProbability(system: QuorumSystem, machines: [Int], in t: ValidatedTopology) -> Double? {
    var dcs: [Int: [Int]] = [:]  // datacenter -> voter member indices
    for (i, m) in machines.enumerated() where system.memberGroup[i] != nil {
      dcs[t.machines[m].datacenter, default: []].append(i)
    }
    guard let tallies = Tallies(bounds: system.groupWeights) else { return nil }
    var states = Tallies.Distribution.certain
    for d in dcs.keys.sorted() {
      guard let pDC = t.datacenters[d].availability else { return nil }
      // Distribution of this datacenter's alive tally, given it is up.
      var inside = Tallies.Distribution.certain
      for i in dcs[d] ?? [] {
        guard let p = t.machines[machines[i]].availability else { return nil }
        let vote = system.memberGroup[i].map { tallies.code(adding: system.memberWeight[i], to: $0) } ?? 0
        inside = inside.step(p) { $0 + vote }
      }
      states = states.combine(inside, up: pDC)
      guard states.count <= maxStates else { return nil }
    }
    return states.total { system.hasQuorum(aliveWeight: tallies.decode($0)) }
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
    var bounds: [Int] = []
    for part in parts {
      bounds += part.system.groupWeights
      if part.localSlot != nil { bounds.append(1) }
    }
    guard let tallies = Tallies(bounds: bounds) else { return nil }
    // A machine coming up adds its weight to its group in every registry it serves, and marks
    // a member in the app's datacenter present (a mark, not a count: it stays at 1).
    func up(_ state: Int, machine: Int) -> Int {
      var next = state
      for (p, i) in roles[machine] ?? [] {
        let part = parts[p]
        if let g = part.system.memberGroup[i] {
          next += tallies.code(adding: part.system.memberWeight[i], to: part.offset + g)
        }
        if let slot = part.localSlot, t.machines[machine].datacenter == app.datacenter,
          tallies.digit(next, slot) == 0
        {
          next += tallies.code(adding: 1, to: slot)
        }
      }
      return next
    }
    var states = Tallies.Distribution.certain
    let byDC = Dictionary(grouping: roles.keys.sorted()) { t.machines[$0].datacenter }
    for d in byDC.keys.sorted() {
      guard let pDC = datacenterAvailability(d) else { return nil }
      var inside = Tallies.Distribution.certain
      for m in byDC[d] ?? [] {
        guard let p = t.machines[m].availability else { return nil }
        inside = inside.step(p) { up($0, machine: m) }
      }
      states = states.combine(inside, up: pDC)
      guard states.count <= maxStates else { return nil }
    }
    return states.total { code in
      let tally = tallies.decode(code)
      return parts.contains { part in
        let groups = Array(tally[part.offset..<(part.offset + part.system.groupWeights.count)])
        return part.system.hasQuorum(aliveWeight: groups) && (part.localSlot.map { tally[$0] > 0 } ?? true)
      }
    }
  }

  /// Nines: -log10(1 - p), capped for p = 1.
  public static func nines(_ p: Double) -> Double {
    p >= 1 ? 99 : -Glibc.log10(1 - p)
  }

  /// Expected downtime per year in seconds.
  public static func downtimePerYear(_ p: Double) -> Double { (1 - p) * 365.25 * 86400 }

}
