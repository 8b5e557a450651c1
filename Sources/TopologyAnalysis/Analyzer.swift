public import TopologyModel

/// Which side of a two-way split keeps an ensemble's quorum.
public struct SplitOutcome: Sendable {
  /// Datacenter names on each side.
  public let sideA: [String]
  public let sideB: [String]
  /// 0 when side A keeps the quorum, 1 when side B does, nil when neither.
  public let holder: Int?
}

/// The failure tolerance of one ensemble.
public struct EnsembleReport: Sendable {
  public let ensemble: Int
  public let name: String
  public let quorum: QuorumKind
  public let voters: Int
  public let observers: Int
  public let requirement: QuorumRequirement
  /// Largest k such that every set of k failed voters leaves a quorum.
  public let toleratedMachineFailures: Int
  /// Voters, observers and vote weight per datacenter the ensemble uses, in declaration order.
  public let placement: [(datacenter: String, voters: Int, observers: Int, weight: Int)]
  /// Datacenters whose loss alone breaks the quorum, sorted.
  public let criticalDatacenters: [String]
  public let survivesAnyDatacenterFailure: Bool
  /// Every smallest-by-inclusion set of datacenters whose loss breaks the quorum.
  public let minimalBreakingDatacenterSets: [[String]]
  /// False when the ensemble spans too many datacenters to enumerate every set (then only sets
  /// of up to three are listed).
  public let datacenterSetsComplete: Bool
  /// Racks (`dc/rack`) whose loss alone breaks the quorum, sorted.
  public let criticalRacks: [String]
  /// Every minimal set of racks whose loss breaks the quorum (machines without a rack are
  /// never in a rack).
  public let minimalBreakingRackSets: [[String]]
  public let rackSetsComplete: Bool
  /// Every split of the ensemble's datacenters into two sides, when there are at most
  /// ``Analyzer/maxSplitDatacenters``; otherwise the splits that cut off one datacenter.
  public let splits: [SplitOutcome]
  /// False when only the one-datacenter cut-offs are listed.
  public let splitsComplete: Bool
  /// P(quorum) from the availabilities; nil when one is not set or the model is too large.
  public let availability: Double?
}

/// An app's outcome in one scenario, with the scenario and its registries' outcomes.
public struct AppScenarioOutcome: Sendable {
  /// The datacenter that fails or is cut off.
  public let datacenter: String
  public let scenario: FailureScenario
  public let outcome: AppOutcome
  /// The outcome of each of the app's registries, in the app's order.
  public let registryEnsembles: [EnsembleOutcome]

  /// The outcome of one of the app's registries (an ensemble index), if it is one.
  public func ensemble(_ ei: Int) -> EnsembleOutcome? { registryEnsembles.first { $0.ensemble == ei } }
}

/// How an app fares when one datacenter fails or is cut off. Only datacenters that hold a
/// server of one of its registries, or its own, are listed: the others change nothing.
public struct AppReport: Sendable {
  public let app: Int
  /// Apps with the same profile have the same datacenter, registries, connect lists and
  /// requested session: every outcome, timing and availability below is the same for them, and
  /// they differ only in name. A view can render that part once per profile.
  public let profile: Int
  public let name: String
  public let datacenter: String
  /// Outcome per single-datacenter failure of another datacenter, and per isolation.
  public var failures: [AppScenarioOutcome] { Self.outcomes(profileFailures, of: app) }
  public var isolations: [AppScenarioOutcome] { Self.outcomes(profileIsolations, of: app) }
  /// The same lists as computed for the first app of the profile, shared by every app of it:
  /// a copy per app, differing only in the app's index, was a third of `analyze`'s peak memory
  /// on an estate of 50,000 apps.
  let profileFailures: [AppScenarioOutcome]
  let profileIsolations: [AppScenarioOutcome]
  /// Per registry, in the app's order: its connect string's length and the client timings.
  public let sessions: [(ensemble: Int, servers: Int, timing: FailoverModel)]
  /// P(the preferred registry is usable), P(some registry is) while the app's datacenter is
  /// up; nil without availabilities.
  public let registryAvailability: Double?
  public let anyRegistryAvailability: Double?

  /// A profile's outcomes as this app's: the same outcomes, naming `app`.
  static func outcomes(_ list: [AppScenarioOutcome], of app: Int) -> [AppScenarioOutcome] {
    guard list.contains(where: { $0.outcome.app != app }) else { return list }
    return list.map {
      AppScenarioOutcome(
        datacenter: $0.datacenter, scenario: $0.scenario,
        outcome: AppOutcome(
          app: app, status: $0.outcome.status, activeRegistry: $0.outcome.activeRegistry,
          registries: $0.outcome.registries),
        registryEnsembles: $0.registryEnsembles)
    }
  }
}

/// Everything `analyze` reports.
public struct AnalysisReport: Sendable {
  public let ensembles: [EnsembleReport]
  public let apps: [AppReport]
}

/// Computes failure tolerance without enumerating sets of machines: votes are counted per
/// datacenter and rack, and datacenter sets are bitmasks over the datacenters an ensemble spans.
public enum Analyzer {
  /// The largest number of datacenters whose every subset is enumerated.
  public static let maxEnumeratedDatacenters = 20
  /// The largest number of racks whose every subset is enumerated.
  public static let maxEnumeratedRacks = 16
  /// The most datacenters (holding voters) whose every two-way split is listed: 2^(n-1) - 1
  /// splits, 2,047 at 12.
  public static let maxSplitDatacenters = 12

  /// The ensembles' reports need only each ensemble's quorum system, and the apps' need the
  /// evaluator: on two cores, the ensembles are analyzed while the evaluator is built and the
  /// apps are (on an estate of 1,000 ensembles and 50,000 apps, callgrind: 0.20 G instructions
  /// beside 0.19 G for the evaluator and 0.29 G for the apps).
  public static func analyze(_ t: ValidatedTopology) -> AnalysisReport {
    let (apps, ensembles) = TwoCores.run {
      appReports(t, evaluator: ScenarioEvaluator(t))
    } alongside: {
      ensembleReports(t, systems: t.ensembles.map(QuorumSystem.init))
    }
    return AnalysisReport(ensembles: ensembles, apps: apps)
  }

  /// Analyzes with `evaluator`, so a caller that also compares or builds the matrix builds
  /// the quorum systems and connect lists once. The ensembles and the apps are analyzed on two
  /// cores.
  public static func analyze(_ t: ValidatedTopology, evaluator: ScenarioEvaluator) -> AnalysisReport {
    let (apps, ensembles) = TwoCores.run {
      appReports(t, evaluator: evaluator)
    } alongside: {
      ensembleReports(t, systems: evaluator.systems)
    }
    return AnalysisReport(ensembles: ensembles, apps: apps)
  }

  /// Every ensemble's report, in the topology's order.
  static func ensembleReports(_ t: ValidatedTopology, systems: [QuorumSystem]) -> [EnsembleReport] {
    t.ensembles.indices.map { ensembleReport($0, t, systems[$0]) }
  }

  /// Every app's report, in the topology's order.
  static func appReports(_ t: ValidatedTopology, evaluator: ScenarioEvaluator) -> [AppReport] {
    // A datacenter that holds no server of an app's registries, and is not its own, changes
    // nothing for it: only those pairs are evaluated, with each ensemble's outcome per
    // scenario computed once. The cost grows with the estate, not with its square.
    let memberDCs: [Set<Int>] = t.ensembles.map { e in Set(e.members.map { t.machines[$0.machine].datacenter }) }
    var failedOutcome: [Int: [Int: EnsembleOutcome]] = [:]  // datacenter -> ensemble -> outcome
    var isolatedOutcome: [Int: [Int: EnsembleOutcome]] = [:]
    func scenario(_ d: Int, isolate: Bool) -> FailureScenario {
      var s = FailureScenario(datacenterCount: t.datacenters.count)
      if isolate { s.sides[d] = 1 } else { s.failedDatacenters = [d] }
      return s
    }
    func outcome(_ ei: Int, _ d: Int, isolate: Bool) -> EnsembleOutcome {
      if let o = (isolate ? isolatedOutcome : failedOutcome)[d]?[ei] { return o }
      let o = evaluator.evaluate(ensemble: ei, scenario(d, isolate: isolate))
      if isolate { isolatedOutcome[d, default: [:]][ei] = o } else { failedOutcome[d, default: [:]][ei] = o }
      return o
    }
    // Availability depends on the app only through its datacenter, registries and connect mode:
    // apps that share them (an estate's dozens of apps per ensemble) share one computation.
    struct AvailabilityKey: Hashable {
      let datacenter: Int
      let registries: [Int]
      let local: Bool
    }
    var availability: [AvailabilityKey: (Double?, Double?)] = [:]
    // Everything below is the same for the apps of one class (the evaluator's): computed for
    // the first, and shared with the others (``AppReport/failures`` names each its own app).
    var byClass: [Int: AppReport] = [:]
    let apps = t.apps.indices.map { ai -> AppReport in
      let app = t.apps[ai]
      let profile = evaluator.appClass[ai]
      if let first = byClass[profile] {
        return AppReport(
          app: ai, profile: profile, name: app.name, datacenter: first.datacenter,
          profileFailures: first.profileFailures, profileIsolations: first.profileIsolations,
          sessions: first.sessions, registryAvailability: first.registryAvailability,
          anyRegistryAvailability: first.anyRegistryAvailability)
      }
      let key = AvailabilityKey(datacenter: app.datacenter, registries: app.registries, local: app.connect == .local)
      let (preferred, any): (Double?, Double?)
      if let known = availability[key] {
        (preferred, any) = known
      } else {
        preferred = AvailabilityModel.registryProbability(app: app, in: t)
        any = app.registries.count > 1 ? AvailabilityModel.anyRegistryProbability(app: app, in: t) : preferred
        availability[key] = (preferred, any)
      }
      // The evaluator already holds each registry's connect-list length and timings.
      let sessions = zip(app.registries, evaluator.appTimings[ai]).map { ei, timing in
        (ensemble: ei, servers: timing.servers, timing: timing)
      }
      let relevant = app.registries.reduce(into: Set([app.datacenter])) { $0.formUnion(memberDCs[$1]) }
      var failures: [AppScenarioOutcome] = []
      var isolations: [AppScenarioOutcome] = []
      func entry(_ d: Int, isolate: Bool) -> AppScenarioOutcome {
        let s = scenario(d, isolate: isolate)
        return AppScenarioOutcome(
          datacenter: t.datacenters[d].name, scenario: s,
          outcome: evaluator.evaluate(app: ai, s) { outcome($0, d, isolate: isolate) },
          registryEnsembles: app.registries.map { outcome($0, d, isolate: isolate) })
      }
      for d in relevant.sorted() {
        if d != app.datacenter { failures.append(entry(d, isolate: false)) }
        if t.datacenters.count > 1 { isolations.append(entry(d, isolate: true)) }
      }
      let report = AppReport(
        app: ai, profile: profile, name: app.name, datacenter: t.datacenters[app.datacenter].name,
        profileFailures: failures, profileIsolations: isolations, sessions: sessions, registryAvailability: preferred,
        anyRegistryAvailability: any)
      byClass[profile] = report
      return report
    }
    return apps
  }

  /// Domains (datacenters or racks) as weight-per-group vectors, and a breaking test on masks.
  struct Domains {
    let names: [String]
    let weights: [[Int]]  // [domain][group]
    let total: [Int]
    let system: QuorumSystem

    func breaks(_ mask: UInt64) -> Bool {
      var alive = total
      var m = mask
      while m != 0 {
        let d = m.trailingZeroBitCount
        for g in alive.indices { alive[g] -= weights[d][g] }
        m &= m - 1
      }
      return !system.hasQuorum(aliveWeight: alive)
    }

    /// Whether losing these domains (indices) breaks the quorum.
    func breaks(domains: [Int]) -> Bool {
      var alive = total
      for d in domains { for g in alive.indices { alive[g] -= weights[d][g] } }
      return !system.hasQuorum(aliveWeight: alive)
    }

    /// Minimal breaking sets by enumeration of every mask (count <= limit), or sets of at most
    /// three domains otherwise.
    func minimalBreakingSets(limit: Int) -> (sets: [[String]], complete: Bool) {
      let n = names.count
      var sets: [[String]] = []
      let complete = n <= limit
      if complete {
        // One evaluation per mask, then minimality by table look-ups.
        let count = 1 << n
        var broken = [Bool](repeating: false, count: count)
        for mask in 0..<count { broken[mask] = breaks(UInt64(mask)) }
        for mask in 1..<count where broken[mask] {
          var m = mask
          var minimalHere = true
          while m != 0 {
            if broken[mask & ~(m & -m)] {
              minimalHere = false
              break
            }
            m &= m - 1
          }
          if minimalHere { sets.append((0..<n).filter { mask & (1 << $0) != 0 }.map { names[$0] }.sorted()) }
        }
      } else {
        // Too many domains for masks of every subset (and possibly for 64-bit masks at all):
        // sets of up to three, as index lists.
        sets = smallBreakingSets().map { set in set.map { names[$0] }.sorted() }
      }
      return (sortedSets(sets), complete)
    }

    /// Every minimal breaking set of one, two or three domains, by branch and bound: a set is
    /// extended only while its best completion could still break the quorum. The quorum is lost
    /// when `groupsToLose` groups each lose `weightToLose` (``QuorumSystem``); a domain can only
    /// take weight from the groups it has voters in, so three datacenters of 255 single-group
    /// ones, or three of 255 equal voters, are ruled out without trying every triple.
    func smallBreakingSets() -> [[Int]] {
      let n = names.count
      let groups = total.indices
      // Nothing to find when the quorum is lost with nothing failed (the empty set breaks).
      guard system.groupsToLose > 0, !breaks(domains: []) else { return [] }
      let need = groups.map { system.weightToLose(group: $0) }
      let touches: [[(group: Int, weight: Int)]] = weights.map { row in
        row.indices.compactMap { row[$0] > 0 ? ($0, row[$0]) : nil }
      }
      // The most any one or two domains take from each group, and the most groups any one or
      // two domains touch: the optimistic completion of a partial set.
      var top1 = Array(repeating: 0, count: total.count)
      var top2 = Array(repeating: 0, count: total.count)
      for t in touches {
        for (g, w) in t {
          if w > top1[g] {
            top2[g] = top1[g]
            top1[g] = w
          } else if w > top2[g] {
            top2[g] = w
          }
        }
      }
      let widths = touches.map(\.count).sorted(by: >)
      let mostTouched = [0, widths.first ?? 0, widths.prefix(2).reduce(0, +)]
      func lost(_ removed: [Int]) -> Int { groups.filter { removed[$0] >= need[$0] }.count }
      /// Whether adding `slots` more domains could break a quorum with `removed` taken.
      func couldBreak(_ removed: [Int], slots: Int) -> Bool {
        var now = 0
        var more = 0
        for g in groups {
          if removed[g] >= need[g] {
            now += 1
          } else if removed[g] + (slots == 1 ? top1[g] : top1[g] + top2[g]) >= need[g] {
            more += 1
          }
        }
        return now + min(more, mostTouched[slots]) >= system.groupsToLose
      }
      func removing(_ base: [Int], _ d: Int) -> [Int] {
        var out = base
        for (g, w) in touches[d] { out[g] += w }
        return out
      }
      let none = Array(repeating: 0, count: total.count)
      let single = (0..<n).map { removing(none, $0) }
      let alone = single.map { lost($0) >= system.groupsToLose }
      var out: [[Int]] = []
      for a in 0..<n {
        if alone[a] {
          out.append([a])
          continue
        }
        guard couldBreak(single[a], slots: 2) else { continue }
        for b in (a + 1)..<n where !alone[b] {
          let ab = removing(single[a], b)
          if lost(ab) >= system.groupsToLose {
            out.append([a, b])
            continue
          }
          guard couldBreak(ab, slots: 1) else { continue }
          for c in (b + 1)..<n where !alone[c] {
            guard lost(removing(ab, c)) >= system.groupsToLose else { continue }
            // Minimal: neither pair with c breaks (a, b does not, or it was taken above).
            if lost(removing(single[a], c)) < system.groupsToLose && lost(removing(single[b], c)) < system.groupsToLose
            {
              out.append([a, b, c])
            }
          }
        }
      }
      return out
    }
  }

  static func sortedSets(_ sets: [[String]]) -> [[String]] {
    sets.sorted { $0.lexicographicallyPrecedes($1) }
  }

  static func ensembleReport(_ ei: Int, _ t: ValidatedTopology, _ system: QuorumSystem) -> EnsembleReport {
    let e = t.ensembles[ei]
    let groups = system.groupWeights.count
    // Per-datacenter placement and vote weights, in declaration order.
    var placement: [(String, Int, Int, Int)] = []
    var dcNames: [String] = []
    var dcWeights: [[Int]] = []
    // Members by datacenter, in datacenter order: a pass over the members, not the estate.
    var membersIn: [Int: [Int]] = [:]
    for i in e.members.indices { membersIn[t.machines[e.members[i].machine].datacenter, default: []].append(i) }
    for d in membersIn.keys.sorted() {
      let dc = t.datacenters[d]
      let here = membersIn[d] ?? []
      let voters = here.filter { e.members[$0].role == .voter }
      let weight = system.tally(voters)
      placement.append((dc.name, voters.count, here.count - voters.count, weight.reduce(0, +)))
      if !voters.isEmpty {
        dcNames.append(dc.name)
        dcWeights.append(weight)
      }
    }
    let total = system.tally(e.members.indices)
    let dcs = Domains(names: dcNames, weights: dcWeights, total: total, system: system)
    let (dcSets, dcComplete) = dcs.minimalBreakingSets(limit: maxEnumeratedDatacenters)
    let critical = dcSets.filter { $0.count == 1 }.map { $0[0] }.sorted()
    // Racks: voters grouped by (datacenter, rack); machines without a rack are in none.
    var rackNames: [String] = []
    var rackWeights: [[Int]] = []
    var rackIndex: [String: Int] = [:]
    for i in e.members.indices where e.members[i].role == .voter {
      let m = t.machines[e.members[i].machine]
      guard let rack = m.rack else { continue }
      let key = "\(t.datacenters[m.datacenter].name)/\(rack)"
      if rackIndex[key] == nil {
        rackIndex[key] = rackNames.count
        rackNames.append(key)
        rackWeights.append(Array(repeating: 0, count: groups))
      }
      if let g = system.memberGroup[i], let r = rackIndex[key] { rackWeights[r][g] += system.memberWeight[i] }
    }
    let racks = Domains(names: rackNames, weights: rackWeights, total: total, system: system)
    let (rackSets, rackComplete) = racks.minimalBreakingSets(limit: maxEnumeratedRacks)
    // Every split of the voters' datacenters into two non-empty sides (side A holds the first).
    var splits: [SplitOutcome] = []
    let n = dcNames.count
    let splitsComplete = n <= maxSplitDatacenters
    if n >= 2 && splitsComplete {
      for mask in UInt64(0)..<(UInt64(1) << UInt64(n - 1)) {
        let sideB = mask << 1  // datacenter 0 always on side A
        guard sideB != 0 else { continue }
        let a = (0..<n).filter { sideB & (UInt64(1) << UInt64($0)) == 0 }.map { dcNames[$0] }
        let b = (0..<n).filter { sideB & (UInt64(1) << UInt64($0)) != 0 }.map { dcNames[$0] }
        let aHolds = !dcs.breaks(sideB)
        let bHolds = !dcs.breaks(((UInt64(1) << UInt64(n)) - 1) & ~sideB)
        splits.append(SplitOutcome(sideA: a, sideB: b, holder: aHolds ? 0 : (bHolds ? 1 : nil)))
      }
    } else if n >= 2 {
      // Too many datacenters for every split: each one cut off from the rest (n splits).
      for d in 0..<n {
        let a = (0..<n).filter { $0 != d }.map { dcNames[$0] }
        let aHolds = !dcs.breaks(domains: [d])
        let bHolds = !dcs.breaks(domains: (0..<n).filter { $0 != d })
        splits.append(SplitOutcome(sideA: a, sideB: [dcNames[d]], holder: aHolds ? 0 : (bHolds ? 1 : nil)))
      }
    }
    return EnsembleReport(
      ensemble: ei, name: e.name, quorum: e.quorum, voters: e.voters.count,
      observers: e.observers.count, requirement: system.requirement(e.quorum),
      toleratedMachineFailures: system.toleratedFailures,
      placement: placement.map { ($0.0, $0.1, $0.2, $0.3) }, criticalDatacenters: critical,
      survivesAnyDatacenterFailure: critical.isEmpty, minimalBreakingDatacenterSets: dcSets,
      datacenterSetsComplete: dcComplete,
      criticalRacks: rackSets.filter { $0.count == 1 }.map { $0[0] }.sorted(),
      minimalBreakingRackSets: rackSets, rackSetsComplete: rackComplete, splits: splits,
      splitsComplete: splitsComplete, availability: AvailabilityModel.quorumProbability(e, in: t))
  }
}
