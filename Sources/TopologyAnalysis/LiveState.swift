public import TopologyModel

/// What a member answered (or not) when probed, as ZooKeeper's `srvr` says it.
public enum LiveMode: String, Sendable, CaseIterable {
  case leader, follower, observer, standalone
  case readOnly = "read-only"
  /// Answered, but "not currently serving requests" (no quorum, or still electing).
  case notServing = "not-serving"
  /// No answer within the timeout, refused, or unreachable.
  case down
}

/// A member's probe result.
public struct MemberProbe: Sendable {
  public let member: Int
  public let mode: LiveMode
  /// The last zxid it reports, when it answered `srvr`.
  public let zxid: UInt64?
  /// The server lines it reports through `conf` (`server.N=...`), nil when `conf` is not
  /// allowed or it did not answer.
  public let servers: [String]?
  /// Why it is down, for people (the socket's error).
  public let failure: String?

  public init(member: Int, mode: LiveMode, zxid: UInt64?, servers: [String]?, failure: String?) {
    self.member = member
    self.mode = mode
    self.zxid = zxid
    self.servers = servers
    self.failure = failure
  }
}

/// An ensemble as probed, judged with the ensemble's own quorum system.
public struct LiveEnsemble: Sendable {
  public let ensemble: Int
  public let members: [MemberProbe]
  /// Whether the members that lead or follow hold a quorum (and one of them leads).
  public let quorum: Bool
  /// The member that leads, if exactly one answers `leader`.
  public let leader: Int?
  /// How many more voters may fail now and leave a quorum; nil without a quorum.
  public let liveToleratedFailures: Int?
  /// Datacenters whose loss now would break the quorum (indices), though it holds.
  public let criticalDatacentersNow: [Int]
  /// Members whose reported server list differs from the topology's.
  public let unexpectedServerLists: [Int]
  /// Differences from the plan: members not in their planned role.
  public let roleMismatches: [Int]
  /// Largest zxid minus smallest, among members that answered.
  public let zxidSpread: UInt64?

  /// Whether reality differs from the plan (anything down, not serving, in another role, with
  /// another server list, or no quorum).
  public var differsFromPlan: Bool {
    !quorum || !roleMismatches.isEmpty || !unexpectedServerLists.isEmpty
      || members.contains { $0.mode == .down || $0.mode == .notServing || $0.mode == .readOnly }
  }
}

extension LiveEnsemble {
  /// Judges probe results against the ensemble: serving voters are those that lead or follow.
  public static func judge(
    _ ei: Int, probes: [MemberProbe], expectedServers: [String], in t: ValidatedTopology
  ) -> LiveEnsemble {
    let e = t.ensembles[ei]
    let system = QuorumSystem(e)
    let serving = probes.filter { $0.mode == .leader || $0.mode == .follower }.map(\.member)
    let leaders = probes.filter { $0.mode == .leader }.map(\.member)
    let quorum = leaders.count == 1 && system.hasQuorum(members: serving)
    var tolerated: Int?
    var critical: [Int] = []
    if quorum {
      tolerated = liveTolerance(system, alive: serving)
      let dcs = Set(serving.map { t.machines[e.members[$0].machine].datacenter })
      critical = dcs.sorted().filter { d in
        !system.hasQuorum(members: serving.filter { t.machines[e.members[$0].machine].datacenter != d })
      }
    }
    let expected = Set(expectedServers)
    let unexpected = probes.filter { p in p.servers.map { Set($0) != expected } ?? false }.map(\.member)
    let mismatches = probes.filter { p in
      switch p.mode {
      case .leader, .follower: e.members[p.member].role != .voter
      case .observer: e.members[p.member].role != .observer
      case .standalone: true
      case .readOnly, .notServing, .down: false
      }
    }.map(\.member)
    let zxids = probes.compactMap(\.zxid)
    return LiveEnsemble(
      ensemble: ei, members: probes, quorum: quorum, leader: leaders.count == 1 ? leaders[0] : nil,
      liveToleratedFailures: tolerated, criticalDatacentersNow: critical, unexpectedServerLists: unexpected,
      roleMismatches: mismatches, zxidSpread: zxids.isEmpty ? nil : (zxids.max()! - zxids.min()!))
  }

  /// The largest k such that every set of k more failures among `alive` leaves a quorum.
  /// Breaking a group costs its heaviest alive voters until it holds at most half its weight;
  /// breaking the quorum costs the cheapest groups that drop the count of majority groups to
  /// half of the non-zero groups.
  static func liveTolerance(_ system: QuorumSystem, alive: [Int]) -> Int {
    let tally = system.tally(alive)
    var costs: [Int] = []
    for (g, total) in system.groupWeights.enumerated() where total > 0 && tally[g] > total / 2 {
      let weights = alive.filter { system.memberGroup[$0] == g }.map { system.memberWeight[$0] }.sorted(by: >)
      var remaining = tally[g]
      var removed = 0
      for w in weights where remaining > total / 2 {
        remaining -= w
        removed += 1
      }
      costs.append(removed)
    }
    let mustBreak = costs.count - system.nonZeroGroups / 2
    guard mustBreak > 0 else { return -1 }
    return costs.sorted().prefix(mustBreak).reduce(0, +) - 1
  }
}
