public import TopologyModel

/// What a plan must survive.
public enum SurvivalGoal: Sendable, Equatable {
  /// The loss of any one datacenter.
  case datacenter
  /// The loss of any one rack (a machine without a rack counts as a rack of its own).
  case rack
  /// The loss of any N machines.
  case machines(Int)

  /// The most machine failures a goal may ask for: 127 failures need 255 voters, the most
  /// ZooKeeper's ids (1..255) allow.
  public static let maxTolerated = 127

  /// Parses `datacenter`, `rack` or `machines:N` (N from 1 to ``maxTolerated``).
  public init?(argument: String) {
    switch argument {
    case "datacenter", "dc": self = .datacenter
    case "rack": self = .rack
    default:
      guard argument.hasPrefix("machines:"), let n = Int(argument.dropFirst(9)),
        (1...Self.maxTolerated).contains(n)
      else { return nil }
      self = .machines(n)
    }
  }

  /// The goal as the command line writes it: `datacenter`, `rack`, `machines:N`.
  public var argument: String {
    switch self {
    case .datacenter: "datacenter"
    case .rack: "rack"
    case .machines(let n): "machines:\(n)"
    }
  }
}

/// Why a plan looks as it does, or why none exists.
public enum PlanNote: Sendable, Equatable {
  /// Surviving a datacenter needs voters in three; only these have machines.
  case needsThreeDatacenters(withMachines: [String])
  /// Add a third site with one tiebreaker voter: 2 in each of these (or two datacenters).
  case addTiebreakerSite(pair: [String])
  /// `n` is the smallest odd count that tolerates the goal.
  case smallestOddCount(voters: Int, tolerates: Int)
  /// Fewer voters cannot be spread under the caps on these machines.
  case fewerCannotBeSpread(voters: Int)
  /// Machines without a rack count as racks of their own.
  case racklessMachinesAreRacks
  /// Observers where apps run without a voter.
  case observersServeLocally
  /// The goals need more voters than there are machines.
  case needsMoreMachines(voters: Int, machines: Int)
  /// No placement of at most this many voters meets the goals.
  case noPlacement(maxVoters: Int)
  /// The planned members share machines with other ensembles: these ports are free on all.
  case ownPorts(client: Int, quorum: Int, election: Int)
}

/// A voter placement that meets the goals, or why none exists.
public struct PlanResult: Sendable {
  /// The ensemble's name in the snippet.
  public let name: String
  public let goals: [SurvivalGoal]
  /// Chosen voters and observers (machine indices), empty when no plan exists.
  public let voters: [Int]
  public let observers: [Int]
  /// Why no plan exists, or notes on the plan.
  public let explanation: [PlanNote]
  /// Ports free on every planned member, when the default ones are taken there; nil when
  /// 2181/2888/3888 (or the defaults of the file) are free.
  public var ports: (client: Int, quorum: Int, election: Int)?
  /// Whether a plan was found.
  public var found: Bool { !voters.isEmpty }
  /// Voter failures the plan tolerates.
  public let toleratedFailures: Int

  public init(
    name: String, goals: [SurvivalGoal], voters: [Int], observers: [Int], explanation: [PlanNote],
    toleratedFailures: Int
  ) {
    self.name = name
    self.goals = goals
    self.voters = voters
    self.observers = observers
    self.explanation = explanation
    self.toleratedFailures = toleratedFailures
  }
}

/// Finds the smallest majority ensemble that meets survival goals on the topology's machines.
public enum Planner {
  public static func plan(
    _ t: ValidatedTopology, ensemble: String?, goals: [SurvivalGoal], maxVoters: Int
  ) -> PlanResult {
    let name = ensemble ?? "planned"
    let existing = ensemble.flatMap { t.ensembleIndex($0) }.map { t.ensembles[$0] }
    let preferred = Set(existing?.members.map(\.machine) ?? [])
    let sites = Set(t.apps.map(\.datacenter))
    let withMachines = t.datacenters.indices.filter { !t.datacenters[$0].machines.isEmpty }
    let needDC = goals.contains(.datacenter)
    let needRack = goals.contains(.rack)
    let needMachines = goals.compactMap { if case .machines(let n) = $0 { n } else { nil } }.max() ?? 0

    var notes: [PlanNote] = []
    if needDC && withMachines.count < 3 {
      let names = withMachines.map { t.datacenters[$0].name }
      notes.append(.needsThreeDatacenters(withMachines: names))
      notes.append(.addTiebreakerSite(pair: withMachines.count == 2 ? names : []))
      return PlanResult(name: name, goals: goals, voters: [], observers: [], explanation: notes, toleratedFailures: -1)
    }
    var n = max(3, 2 * needMachines + 1)
    if n % 2 == 0 { n += 1 }
    // No placement can use more voters than there are machines (nor than ZooKeeper's 255 ids).
    while n <= min(maxVoters, t.machines.count, 255) {
      let cap = (n - 1) / 2  // voters one domain may hold and still leave a majority
      if let chosen = place(
        n: n, t: t, dcCap: needDC ? cap : n, rackCap: needRack ? cap : n, preferred: preferred, sites: sites)
      {
        // Observers where clients are and no voter is: up to two per site.
        var observers: [Int] = []
        for d in t.datacenters.indices
        where sites.contains(d) && !chosen.contains(where: { t.machines[$0].datacenter == d }) {
          observers += t.datacenters[d].machines.filter { !chosen.contains($0) }.prefix(2)
        }
        if n == 2 * needMachines + 1 || n == 3 {
          notes.append(.smallestOddCount(voters: n, tolerates: (n - 1) / 2))
        } else {
          notes.append(.fewerCannotBeSpread(voters: n))
        }
        if needRack && t.machines.contains(where: { $0.rack == nil }) { notes.append(.racklessMachinesAreRacks) }
        if !observers.isEmpty { notes.append(.observersServeLocally) }
        var result = PlanResult(
          name: name, goals: goals, voters: chosen, observers: observers, explanation: notes, toleratedFailures: cap)
        result.ports = freePorts(for: chosen + observers, replacing: existing, in: t)
        if let p = result.ports {
          result = PlanResult(
            name: name, goals: goals, voters: chosen, observers: observers,
            explanation: notes + [.ownPorts(client: p.client, quorum: p.quorum, election: p.election)],
            toleratedFailures: cap)
          result.ports = p
        }
        return result
      }
      n += 2
    }
    let available = t.machines.count
    notes.append(
      available < max(3, 2 * needMachines + 1)
        ? .needsMoreMachines(voters: max(3, 2 * needMachines + 1), machines: available)
        : .noPlacement(maxVoters: maxVoters))
    return PlanResult(name: name, goals: goals, voters: [], observers: [], explanation: notes, toleratedFailures: -1)
  }

  /// The lowest `2181+k`, `2888+k`, `3888+k` (k = 0, 1, ...) that no other ensemble binds on
  /// any of these machines, or nil when no other ensemble uses them (the file's defaults are
  /// then free). An ensemble being replaced (`--ensemble` naming an existing one) does not count.
  static func freePorts(for machines: [Int], replacing: Ensemble?, in t: ValidatedTopology)
    -> (client: Int, quorum: Int, election: Int)?
  {
    let mine = Set(machines)
    var taken: Set<Int> = []
    for e in t.ensembles where e.name != replacing?.name {
      for m in e.members where mine.contains(m.machine) {
        taken.formUnion([m.clientPort, m.quorumPort, m.electionPort])
      }
    }
    guard !taken.isEmpty else { return nil }
    for k in 0..<1000 {
      let ports = (client: 2181 + k, quorum: 2888 + k, election: 3888 + k)
      if taken.isDisjoint(with: [ports.client, ports.quorum, ports.election]) { return ports }
    }
    return nil
  }

  /// Balanced greedy filling under per-datacenter and per-rack caps. Racks nest inside
  /// datacenters (a laminar family), so filling the least-filled domain first finds a
  /// placement whenever one exists.
  static func place(
    n: Int, t: ValidatedTopology, dcCap: Int, rackCap: Int, preferred: Set<Int>, sites: Set<Int>
  ) -> [Int]? {
    func rack(_ m: Int) -> String { rackKey(m, in: t) }
    var chosen: [Int] = []
    var perDC: [Int: Int] = [:]
    var perRack: [String: Int] = [:]
    while chosen.count < n {
      var best: (score: (Int, Int, Int, Int, Int), machine: Int)?
      for m in t.machines.indices where !chosen.contains(m) {
        let d = t.machines[m].datacenter
        guard perDC[d, default: 0] < dcCap, perRack[rack(m), default: 0] < rackCap else { continue }
        // Fewest voters in its datacenter, then in its rack; existing members and sites first.
        let score = (
          perDC[d, default: 0], perRack[rack(m), default: 0], preferred.contains(m) ? 0 : 1, sites.contains(d) ? 0 : 1,
          m
        )
        if let current = best, !(score < current.score) { continue }
        best = (score, m)
      }
      guard let pick = best?.machine else { return nil }
      chosen.append(pick)
      perDC[t.machines[pick].datacenter, default: 0] += 1
      perRack[rack(pick), default: 0] += 1
    }
    return chosen.sorted()
  }

  /// A machine's rack as a failure domain: `dc/rack`, or a domain of its own without a rack.
  static func rackKey(_ m: Int, in t: ValidatedTopology) -> String {
    t.machines[m].rack.map { "\(t.machines[m].datacenter)/\($0)" } ?? "machine/\(m)"
  }

  /// Re-checks a plan with the quorum engine: every goal must hold.
  public static func verify(_ r: PlanResult, in t: ValidatedTopology) -> Bool {
    guard r.found else { return false }
    let system = QuorumSystem(
      memberGroup: r.voters.map { _ in 0 }, memberWeight: r.voters.map { _ in 1 }, groupCount: 1)
    let everyone = Set(r.voters.indices)
    for goal in r.goals {
      switch goal {
      case .machines(let k):
        if system.toleratedFailures < k { return false }
      case .datacenter:
        for d in t.datacenters.indices {
          let alive = everyone.filter { t.machines[r.voters[$0]].datacenter != d }
          if !system.hasQuorum(members: alive) { return false }
        }
      case .rack:
        for rack in Set(r.voters.map { rackKey($0, in: t) }) {
          let alive = everyone.filter { rackKey(r.voters[$0], in: t) != rack }
          if !system.hasQuorum(members: alive) { return false }
        }
      }
    }
    return true
  }
}
