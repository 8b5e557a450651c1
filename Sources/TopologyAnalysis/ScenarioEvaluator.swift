public import TopologyModel

/// What happens to an ensemble in a scenario.
public struct EnsembleOutcome: Sendable {
  /// Index of the ensemble.
  public let ensemble: Int
  /// Whether some side of the network holds a quorum.
  public let quorum: Bool
  /// The side that holds it (sides are numbered as in the scenario).
  public let quorumSide: Int?
  /// Voters up and reachable on the quorum side, or on the best side when none holds a quorum.
  public let aliveVoters: Int
  /// Voters in all.
  public let totalVoters: Int
  /// What a quorum needs, in words ("3 of 5 votes").
  public let requirement: String
  /// For each member: whether it is up, and whether it serves clients.
  public let up: [Bool]
  public let serving: [Bool]
  /// Why, in words.
  public let reason: String
}

/// The state of an app in a scenario (`spec`: ok, degraded, unavailable, down).
public enum AppStatus: String, Sendable {
  /// Its preferred registry keeps a quorum it can reach.
  case ok
  /// Only a later registry does.
  case degraded
  /// No registry does.
  case unavailable
  /// The app's own datacenter failed.
  case down
}

/// One registry of an app in a scenario.
public struct RegistryOutcome: Sendable {
  public let ensemble: Int
  /// Whether the app can reach a serving server of this registry.
  public let usable: Bool
  /// Entries of the connect string in all, up and reachable, and serving.
  public let listed: Int
  public let reachable: Int
  public let servingReachable: Int
  /// Entries that became unreachable (failed, or on another side): the `k` of the model.
  public let unreachable: Int
  /// The client timing model for this registry.
  public let failover: FailoverModel
  /// Why, in words.
  public let reason: String

  /// Whether clients that were connected to a now unreachable server risk SESSION_EXPIRED.
  public var expiryRisk: Bool { usable && unreachable > 0 && failover.risksExpiry(unreachable: unreachable) }
}

/// What happens to an app in a scenario.
public struct AppOutcome: Sendable {
  public let app: Int
  public let status: AppStatus
  /// The registry it uses now, if any.
  public let activeRegistry: Int?
  public let registries: [RegistryOutcome]
  /// Why, in words.
  public let reason: String
}

/// Evaluates scenarios against a validated topology.
public struct ScenarioEvaluator: Sendable {
  public let topology: ValidatedTopology
  let systems: [QuorumSystem]

  /// Creates an evaluator.
  public init(_ topology: ValidatedTopology) {
    self.topology = topology
    self.systems = topology.ensembles.map(QuorumSystem.init)
  }

  /// The quorum system of an ensemble.
  public func system(_ e: Int) -> QuorumSystem { systems[e] }

  /// Evaluates every ensemble and app.
  public func evaluate(_ s: FailureScenario) -> (ensembles: [EnsembleOutcome], apps: [AppOutcome]) {
    let ensembles = topology.ensembles.indices.map { evaluate(ensemble: $0, s) }
    let apps = topology.apps.indices.map { evaluate(app: $0, s, ensembles: ensembles) }
    return (ensembles, apps)
  }

  /// Evaluates one ensemble.
  public func evaluate(ensemble ei: Int, _ s: FailureScenario) -> EnsembleOutcome {
    let t = topology
    let e = t.ensembles[ei]
    let system = systems[ei]
    let up = e.members.map { s.isUp(machine: $0.machine, in: t) }
    let sideCount = (s.sides.max() ?? 0) + 1
    var quorumSide: Int?
    var bestAlive = 0
    var aliveOnQuorumSide = 0
    for side in 0..<sideCount {
      let alive = e.members.indices.filter { up[$0] && s.side(ofMachine: e.members[$0].machine, in: t) == side }
      let voters = alive.filter { e.members[$0].role == .voter }.count
      if system.hasQuorum(members: alive) {
        quorumSide = side
        aliveOnQuorumSide = voters
      }
      bestAlive = max(bestAlive, voters)
    }
    let serving = e.members.indices.map { i in
      up[i] && quorumSide != nil && s.side(ofMachine: e.members[i].machine, in: t) == quorumSide
    }
    let total = e.voters.count
    let requirement = system.requirement(e)
    let reason: String
    if let side = quorumSide {
      let sideText = s.isPartitioned ? " on the side of \(s.sideNames(t)[side].joined(separator: ", "))" : ""
      reason = "keeps its quorum\(sideText): \(aliveOnQuorumSide) of \(total) voters up (needs \(requirement))"
    } else if s.isPartitioned {
      reason = "loses its quorum: no side holds \(requirement) (at most \(bestAlive) of \(total) voters on one side)"
    } else {
      reason = "loses its quorum: \(bestAlive) of \(total) voters up, needs \(requirement)"
    }
    return EnsembleOutcome(
      ensemble: ei, quorum: quorumSide != nil, quorumSide: quorumSide,
      aliveVoters: quorumSide != nil ? aliveOnQuorumSide : bestAlive, totalVoters: total,
      requirement: requirement, up: up, serving: serving, reason: reason)
  }

  /// Evaluates one app, given the ensembles' outcomes.
  public func evaluate(app ai: Int, _ s: FailureScenario, ensembles: [EnsembleOutcome]) -> AppOutcome {
    evaluate(app: ai, s) { ensembles[$0] }
  }

  /// Evaluates one app, asking for the outcome of each of its registries.
  public func evaluate(app ai: Int, _ s: FailureScenario, outcome: (Int) -> EnsembleOutcome) -> AppOutcome {
    let t = topology
    let app = t.apps[ai]
    let appSide = s.sides[app.datacenter]
    var registries: [RegistryOutcome] = []
    for ei in app.registries {
      let e = t.ensembles[ei]
      let o = outcome(ei)
      let list = ConnectList.members(app: app, ensemble: e, in: t)
      let reachable = list.filter { o.up[$0] && s.side(ofMachine: e.members[$0].machine, in: t) == appSide }
      let serving = reachable.filter { o.serving[$0] }
      let model = FailoverModel(requestedMs: app.requestedSessionTimeoutMs, ensemble: e, servers: list.count)
      let reason: String
      if list.isEmpty {
        reason = "registry '\(e.name)' has no server in the app's connect string"
      } else if !serving.isEmpty {
        reason = "registry '\(e.name)' serves: \(serving.count) of \(list.count) listed servers reachable and serving"
      } else if !o.quorum {
        reason = "registry '\(e.name)' \(o.reason)"
      } else if let q = o.quorumSide, q != appSide {
        reason = "registry '\(e.name)' holds its quorum on the other side of the partition"
      } else if reachable.isEmpty {
        reason =
          "registry '\(e.name)' keeps its quorum, but none of the \(list.count) servers in the app's connect string is reachable"
      } else {
        reason = "registry '\(e.name)' serves, but not from the servers in the app's connect string"
      }
      registries.append(
        RegistryOutcome(
          ensemble: ei, usable: !serving.isEmpty, listed: list.count, reachable: reachable.count,
          servingReachable: serving.count, unreachable: list.count - reachable.count,
          failover: model, reason: reason))
    }
    if s.failedDatacenters.contains(app.datacenter) {
      return AppOutcome(
        app: ai, status: .down, activeRegistry: nil, registries: registries,
        reason: "its own datacenter '\(t.datacenters[app.datacenter].name)' failed")
    }
    if let first = registries.first, first.usable {
      return AppOutcome(
        app: ai, status: .ok, activeRegistry: first.ensemble, registries: registries, reason: first.reason)
    }
    if let later = registries.first(where: \.usable) {
      return AppOutcome(
        app: ai, status: .degraded, activeRegistry: later.ensemble, registries: registries,
        reason: "\(registries[0].reason); falls back to registry '\(t.ensembles[later.ensemble].name)'")
    }
    return AppOutcome(
      app: ai, status: .unavailable, activeRegistry: nil, registries: registries,
      reason: registries.map(\.reason).joined(separator: "; "))
  }
}
