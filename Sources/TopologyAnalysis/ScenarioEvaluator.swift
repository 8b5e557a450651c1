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
  /// What a quorum needs.
  public let requirement: QuorumRequirement
  /// For each member: whether it is up, and whether it serves clients.
  public let up: [Bool]
  public let serving: [Bool]
}

/// The state of an app in a scenario (`spec`: ok, degraded, unavailable, down).
public enum AppStatus: String, Sendable, CaseIterable {
  /// Its preferred registry keeps a quorum it can reach.
  case ok
  /// Only a later registry does.
  case degraded
  /// No registry does.
  case unavailable
  /// The app's own datacenter failed.
  case down

  /// Worse statuses are greater: ok < degraded < unavailable (`down` is the app's own loss).
  public var severity: Int {
    switch self {
    case .ok: 0
    case .degraded: 1
    case .unavailable: 2
    case .down: 3
    }
  }
}

/// Why an app can or cannot use one of its registries in a scenario.
public enum RegistryState: Sendable, Equatable {
  /// Some server of its connect string is reachable and serves.
  case serving
  /// The connect string lists nothing (`connect: local`, no member in the app's datacenter).
  case nothingListed
  /// The ensemble lost its quorum.
  case noQuorum
  /// The quorum is on another side of the partition (this side index).
  case quorumElsewhere(side: Int)
  /// The ensemble keeps its quorum, but no server of the connect string is reachable.
  case listedUnreachable
  /// Servers of the connect string are reachable but none serves (observers cut from the
  /// quorum, for example).
  case listedNotServing
}

/// One registry of an app in a scenario.
public struct RegistryOutcome: Sendable {
  public let ensemble: Int
  /// Whether the app can reach a serving server of this registry.
  public var usable: Bool { state == .serving }
  /// Why.
  public let state: RegistryState
  /// Entries of the connect string in all, up and reachable, and serving.
  public let listed: Int
  public let reachable: Int
  public let servingReachable: Int
  /// Entries that became unreachable (failed, or on another side): the `k` of the model.
  public let unreachable: Int
  /// The client timing model for this registry.
  public let failover: FailoverModel

  /// Whether clients that were connected to a now unreachable server risk SESSION_EXPIRED.
  /// Never when the registry is not usable: with no serving server there is no fail-over to
  /// time, the app simply has no registry.
  public var expiryRisk: Bool { usable && unreachable > 0 && failover.risksExpiry(unreachable: unreachable) }

  /// The probability of that expiry for a client on an unreachable server; 0 when no risk
  /// applies (nothing unreachable, or the registry not usable).
  public var expiryProbability: Double {
    usable && unreachable > 0 ? failover.expiryProbability(unreachable: unreachable) : 0
  }
}

/// What happens to an app in a scenario.
public struct AppOutcome: Sendable {
  public let app: Int
  public let status: AppStatus
  /// The registry it uses now, if any.
  public let activeRegistry: Int?
  /// Every registry, in preference order.
  public let registries: [RegistryOutcome]

  /// Whether some of its clients risk SESSION_EXPIRED while they fail over, on any registry it
  /// can still use (with Dubbo multi-registry an app holds a session with every registry).
  public var sessionExpiryRisk: Bool { status != .down && registries.contains { $0.expiryRisk } }
}

/// Every ensemble's or app's outcome in one scenario, held as the outcomes with nothing failed
/// (shared by every scenario) and the ones this scenario changed: a row of an estate's survival
/// matrix costs what the scenario touches, not a copy of 50,000 outcomes.
public struct Outcomes<Element: Sendable>: RandomAccessCollection, Sendable {
  let base: [Element]
  /// The indices whose outcome this scenario changed, ascending, and those outcomes in the
  /// same order: nothing here is as long as the estate (a wide estate's matrix has millions of
  /// rows, each touching a handful of ensembles).
  let changedIndices: [Int32]
  let changed: [Element]

  /// Outcomes over `base`, `changes` in ascending index order.
  init(base: [Element], changes: [(index: Int, outcome: Element)]) {
    self.base = base
    changedIndices = changes.map { Int32($0.index) }
    changed = changes.map(\.outcome)
  }

  /// Outcomes over `base`, with the changed ones at `changedIndices` (ascending).
  init(base: [Element], changedIndices: [Int32], changed: [Element]) {
    self.base = base
    self.changedIndices = changedIndices
    self.changed = changed
  }

  /// Outcomes held whole.
  public init(_ all: [Element]) {
    base = all
    changedIndices = []
    changed = []
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { base.count }
  public subscript(i: Int) -> Element {
    guard !changedIndices.isEmpty, let at = position(of: Int32(i)) else { return base[i] }
    return changed[at]
  }

  /// Where index `i` sits in `changed`, if this scenario changed it.
  func position(of i: Int32) -> Int? {
    var low = 0
    var high = changedIndices.count
    while low < high {
      let mid = (low + high) / 2
      if changedIndices[mid] < i { low = mid + 1 } else { high = mid }
    }
    return low < changedIndices.count && changedIndices[low] == i ? low : nil
  }

  /// Whether a changed outcome satisfies `p`, or one of `candidates` (base indices whose
  /// outcome is known to satisfy it) is unchanged.
  func contains(changedWhere p: (Element) -> Bool, orUnchanged candidates: [Int32]) -> Bool {
    for e in changed where p(e) { return true }
    return candidates.contains { !isChanged($0) }
  }

  /// Whether index `i` holds a changed outcome.
  func isChanged(_ i: Int32) -> Bool { position(of: i) != nil }

  /// Whether some outcome's field satisfies `p`: reads the field in place, so a scan of an
  /// estate's outcomes per scenario retains nothing.
  public func contains<Field>(field: KeyPath<Element, Field>, where p: (Field) -> Bool) -> Bool {
    contains { p($0[keyPath: field]) }
  }

  /// Whether some outcome satisfies `p`, without copying the others.
  public func contains(where p: (Element) throws -> Bool) rethrows -> Bool {
    for e in changed where try p(e) { return true }
    // Through buffer pointers: the base outcomes are borrowed, never copied and released;
    // the changed indices are skipped in one merged walk.
    return try base.withUnsafeBufferPointer { b in
      var next = 0
      for i in 0..<b.count {
        if next < changedIndices.count && changedIndices[next] == Int32(i) {
          next += 1
          continue
        }
        if try p(b[i]) { return true }
      }
      return false
    }
  }
}

/// Evaluates scenarios against a validated topology: the one function that decides every
/// (scenario, ensemble) and (scenario, app) outcome, for every command.
public struct ScenarioEvaluator: Sendable {
  public let topology: ValidatedTopology
  let systems: [QuorumSystem]
  /// Each app's connect list per registry (member indices), computed once.
  let connectLists: [[[Int]]]

  /// Apps that cannot fare differently in any scenario (same datacenter, registries, connect
  /// lists and requested timeout) form a class, evaluated once per scenario: an estate has
  /// dozens of apps per ensemble and datacenter.
  let classApps: [[Int]]
  /// Each app's class (an index into the classes), so a caller can compute or render once per
  /// class what every app of it shares.
  public let appClass: [Int]
  /// The ensembles with a member in each datacenter, and the classes of apps in each datacenter
  /// and using each ensemble: what a failure there can change.
  let ensemblesIn: [[Int]]
  let classesIn: [[Int]]
  let classesUsing: [[Int]]
  /// Dense copies of what the hot loops read, so that evaluating an app or ensemble never
  /// copies a machine, app or ensemble (and their strings): each machine's datacenter and
  /// rack; each ensemble's member machines and which vote; each app's datacenter, registries
  /// and client timing per registry.
  let machineDatacenter: [Int]
  let machineRack: [String?]
  let memberMachines: [[Int]]
  let memberVotes: [[Bool]]
  let requirements: [QuorumRequirement]
  let appDatacenter: [Int]
  let appRegistries: [[Int]]
  let appTimings: [[FailoverModel]]
  /// Every outcome with nothing failed and no cut; a scenario changes only what it touches.
  private var baseline: (ensembles: [EnsembleOutcome], apps: [AppOutcome])
  /// The outcomes with nothing failed, which every scenario's ``Outcomes`` overlays.
  var baselineOutcomes: (ensembles: [EnsembleOutcome], apps: [AppOutcome]) { baseline }

  /// Creates an evaluator.
  public init(_ topology: ValidatedTopology) {
    self.topology = topology
    self.systems = topology.ensembles.map(QuorumSystem.init)
    // An app's connect list for a registry depends only on the ensemble, the app's datacenter
    // and its connect mode: each is computed once and numbered by its contents, so that apps
    // sharing lists share one array, and classes compare list numbers, not lists.
    struct ListKey: Hashable {
      let ensemble: Int
      let datacenter: Int
      let local: Bool
    }
    var listIDs: [ListKey: Int] = [:]
    var idOfList: [[Int]: Int] = [:]
    var distinctLists: [[Int]] = []
    var appListIDs: [[Int]] = []
    appListIDs.reserveCapacity(topology.apps.count)
    for app in topology.apps {
      appListIDs.append(
        app.registries.map { ei in
          let key = ListKey(ensemble: ei, datacenter: app.datacenter, local: app.connect == .local)
          if let id = listIDs[key] { return id }
          let list = ConnectList.members(app: app, ensemble: topology.ensembles[ei], in: topology)
          let id = idOfList[list] ?? distinctLists.count
          if id == distinctLists.count {
            idOfList[list] = id
            distinctLists.append(list)
          }
          listIDs[key] = id
          return id
        })
    }
    self.connectLists = appListIDs.map { $0.map { distinctLists[$0] } }
    var ensemblesIn = Array(repeating: [Int](), count: topology.datacenters.count)
    for (ei, e) in topology.ensembles.enumerated() {
      for d in Set(e.members.map { topology.machines[$0.machine].datacenter }).sorted() { ensemblesIn[d].append(ei) }
    }
    struct ClassKey: Hashable {
      let datacenter: Int
      let registries: [Int]
      /// The connect lists, by their numbers (equal numbers, equal lists).
      let lists: [Int]
      let requestedMs: Int
    }
    var classOf: [ClassKey: Int] = [:]
    var classApps: [[Int]] = []
    var classesIn = Array(repeating: [Int](), count: topology.datacenters.count)
    var classesUsing = Array(repeating: [Int](), count: topology.ensembles.count)
    var appClass: [Int] = []
    appClass.reserveCapacity(topology.apps.count)
    for (ai, app) in topology.apps.enumerated() {
      let key = ClassKey(
        datacenter: app.datacenter, registries: app.registries, lists: appListIDs[ai],
        requestedMs: app.requestedSessionTimeoutMs)
      if let c = classOf[key] {
        classApps[c].append(ai)
        appClass.append(c)
        continue
      }
      let c = classApps.count
      appClass.append(c)
      classOf[key] = c
      classApps.append([ai])
      classesIn[app.datacenter].append(c)
      for ei in Set(app.registries) { classesUsing[ei].append(c) }
    }
    self.classApps = classApps
    self.appClass = appClass
    self.ensemblesIn = ensemblesIn
    self.classesIn = classesIn
    self.classesUsing = classesUsing
    self.machineDatacenter = topology.machines.map(\.datacenter)
    self.machineRack = topology.machines.map(\.rack)
    self.memberMachines = topology.ensembles.map { $0.members.map(\.machine) }
    self.memberVotes = topology.ensembles.map { $0.members.map { $0.role == .voter } }
    let systems = self.systems
    self.requirements = topology.ensembles.indices.map { systems[$0].requirement(topology.ensembles[$0].quorum) }
    self.appDatacenter = topology.apps.map(\.datacenter)
    self.appRegistries = topology.apps.map(\.registries)
    // Client timings depend on what a class shares (registries, lists, requested timeout):
    // made once per class, the same array for each of its apps.
    let lists = self.connectLists
    let classTimings = classApps.map { members in
      let (ai, app) = (members[0], topology.apps[members[0]])
      return app.registries.enumerated().map { r, ei in
        FailoverModel(
          requestedMs: app.requestedSessionTimeoutMs, ensemble: topology.ensembles[ei], servers: lists[ai][r].count)
      }
    }
    self.appTimings = appClass.map { classTimings[$0] }
    self.baseline = ([], [])
    let none = FailureScenario(datacenterCount: topology.datacenters.count)
    let ensembles = topology.ensembles.indices.map { evaluate(ensemble: $0, none) }
    var apps: [AppOutcome?] = Array(repeating: nil, count: topology.apps.count)
    for c in classApps.indices {
      for o in outcomes(ofClass: c, none, { ensembles[$0] }) { apps[o.app] = o }
    }
    self.baseline = (ensembles, apps.map { $0! })
  }

  /// The outcome of every app of a class: one evaluation, the same outcome for each app.
  func outcomes(ofClass c: Int, _ s: FailureScenario, _ outcome: (Int) -> EnsembleOutcome) -> [AppOutcome] {
    let members = classApps[c]
    let o = evaluate(app: members[0], s, outcome: outcome)
    return members.map {
      $0 == members[0]
        ? o : AppOutcome(app: $0, status: o.status, activeRegistry: o.activeRegistry, registries: o.registries)
    }
  }

  /// The quorum system of an ensemble.
  public func system(_ e: Int) -> QuorumSystem { systems[e] }

  /// Evaluates every ensemble and app. Only the ensembles with a member in a datacenter the
  /// scenario touches (failed, cut off, or holding a failed rack or machine), and the apps in
  /// those datacenters or using those ensembles, are evaluated; every other outcome is the one
  /// with nothing failed, since nothing it depends on changed.
  public func evaluate(_ s: FailureScenario) -> (ensembles: [EnsembleOutcome], apps: [AppOutcome]) {
    let r = changes(s)
    return (Array(r.ensembles), Array(r.apps))
  }

  /// Evaluates every ensemble and app, as ``evaluate(_:)``, holding only what changed.
  public func changes(_ s: FailureScenario) -> (ensembles: Outcomes<EnsembleOutcome>, apps: Outcomes<AppOutcome>) {
    let t = topology
    var touched = s.failedDatacenters
    for r in s.failedRacks { touched.insert(r.datacenter) }
    for m in s.failedMachines { touched.insert(t.machines[m].datacenter) }
    for d in s.sides.off.keys { touched.insert(d) }
    var affectedEnsembles = Set<Int>()
    var affectedClasses = Set<Int>()
    for d in touched {
      affectedEnsembles.formUnion(ensemblesIn[d])
      affectedClasses.formUnion(classesIn[d])
    }
    for ei in affectedEnsembles { affectedClasses.formUnion(classesUsing[ei]) }
    var changedEnsembles: [(index: Int, outcome: EnsembleOutcome)] = []
    changedEnsembles.reserveCapacity(affectedEnsembles.count)
    for ei in affectedEnsembles.sorted() { changedEnsembles.append((ei, evaluate(ensemble: ei, s))) }
    let ensembles = Outcomes(base: baseline.ensembles, changes: changedEnsembles)
    // One outcome per affected class, and every app of those classes as its index and its
    // class's slot in one 64-bit key: sorting the keys puts the apps in order without moving
    // outcomes around (sorting the outcomes themselves was most of a matrix row's cost).
    var classOutcomes: [AppOutcome] = []
    classOutcomes.reserveCapacity(affectedClasses.count)
    var keys: [UInt64] = []
    for c in affectedClasses {
      let members = classApps[c]
      let slot = UInt64(classOutcomes.count)
      classOutcomes.append(evaluate(app: members[0], s) { ensembles[$0] })
      for a in members { keys.append(UInt64(a) << 32 | slot) }
    }
    keys.sort()
    var indices: [Int32] = []
    var changedApps: [AppOutcome] = []
    indices.reserveCapacity(keys.count)
    changedApps.reserveCapacity(keys.count)
    for key in keys {
      let app = Int(key >> 32)
      let o = classOutcomes[Int(key & 0xFFFF_FFFF)]
      indices.append(Int32(app))
      changedApps.append(
        o.app == app
          ? o : AppOutcome(app: app, status: o.status, activeRegistry: o.activeRegistry, registries: o.registries))
    }
    return (ensembles, Outcomes(base: baseline.apps, changedIndices: indices, changed: changedApps))
  }

  /// Whether a machine is up in a scenario (it, its rack and its datacenter have not failed).
  func isUp(_ m: Int, _ s: FailureScenario) -> Bool {
    if !s.failedMachines.isEmpty && s.failedMachines.contains(m) { return false }
    if !s.failedDatacenters.isEmpty && s.failedDatacenters.contains(machineDatacenter[m]) { return false }
    if !s.failedRacks.isEmpty, let rack = machineRack[m],
      s.failedRacks.contains(FailureScenario.RackID(datacenter: machineDatacenter[m], rack: rack))
    {
      return false
    }
    return true
  }

  /// Evaluates one ensemble.
  public func evaluate(ensemble ei: Int, _ s: FailureScenario) -> EnsembleOutcome {
    let system = systems[ei]
    let machines = memberMachines[ei]
    let votes = memberVotes[ei]
    let up = machines.map { isUp($0, s) }
    let sideOf = machines.map { s.sides[machineDatacenter[$0]] }
    let sideCount = (sideOf.max() ?? 0) + 1
    var quorumSide: Int?
    var bestAlive = 0
    var aliveOnQuorumSide = 0
    for side in 0..<sideCount {
      let alive = machines.indices.filter { up[$0] && sideOf[$0] == side }
      let voters = alive.filter { votes[$0] }.count
      if system.hasQuorum(members: alive) {
        quorumSide = side
        aliveOnQuorumSide = voters
      }
      bestAlive = max(bestAlive, voters)
    }
    let serving = machines.indices.map { i in up[i] && quorumSide != nil && sideOf[i] == quorumSide }
    return EnsembleOutcome(
      ensemble: ei, quorum: quorumSide != nil, quorumSide: quorumSide,
      aliveVoters: quorumSide != nil ? aliveOnQuorumSide : bestAlive, totalVoters: votes.count { $0 },
      requirement: requirements[ei], up: up, serving: serving)
  }

  /// Evaluates one app, given the ensembles' outcomes.
  public func evaluate(app ai: Int, _ s: FailureScenario, ensembles: [EnsembleOutcome]) -> AppOutcome {
    evaluate(app: ai, s) { ensembles[$0] }
  }

  /// Evaluates one app, asking for the outcome of each of its registries.
  public func evaluate(app ai: Int, _ s: FailureScenario, outcome: (Int) -> EnsembleOutcome) -> AppOutcome {
    let appSide = s.sides[appDatacenter[ai]]
    var registries: [RegistryOutcome] = []
    registries.reserveCapacity(appRegistries[ai].count)
    for (r, ei) in appRegistries[ai].enumerated() {
      let o = outcome(ei)
      let machines = memberMachines[ei]
      let list = connectLists[ai][r]
      var reachable = 0
      var serving = 0
      for i in list where o.up[i] && s.sides[machineDatacenter[machines[i]]] == appSide {
        reachable += 1
        if o.serving[i] { serving += 1 }
      }
      let state: RegistryState
      if list.isEmpty {
        state = .nothingListed
      } else if serving > 0 {
        state = .serving
      } else if !o.quorum {
        state = .noQuorum
      } else if let q = o.quorumSide, q != appSide {
        state = .quorumElsewhere(side: q)
      } else if reachable == 0 {
        state = .listedUnreachable
      } else {
        state = .listedNotServing
      }
      registries.append(
        RegistryOutcome(
          ensemble: ei, state: state, listed: list.count, reachable: reachable,
          servingReachable: serving, unreachable: list.count - reachable, failover: appTimings[ai][r]))
    }
    let status: AppStatus
    let active: Int?
    if s.failedDatacenters.contains(appDatacenter[ai]) {
      (status, active) = (.down, nil)
    } else if let first = registries.first, first.usable {
      (status, active) = (.ok, first.ensemble)
    } else if let later = registries.first(where: \.usable) {
      (status, active) = (.degraded, later.ensemble)
    } else {
      (status, active) = (.unavailable, nil)
    }
    return AppOutcome(app: ai, status: status, activeRegistry: active, registries: registries)
  }
}
