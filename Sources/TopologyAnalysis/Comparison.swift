public import TopologyModel

/// One design of a site's registry: a declared ensemble, or a proposed alternative.
public struct SiteDesign: Sendable {
  /// Shared (spans datacenters) or independent (inside the site).
  public enum Kind: String, Sendable {
    case shared
    case independent
  }

  public let kind: Kind
  /// The ensemble's name, or nil for a proposal.
  public let ensemble: String?
  /// Where the design comes from: the file (and which of the site's apps use it), a proposal,
  /// or why none can be built.
  public let origin: DesignOrigin
  /// Voters per datacenter name, in declaration order.
  public let voters: [(datacenter: String, count: Int)]
  /// Members in all (voters and observers): the machines it uses.
  public let machines: Int
  /// Whether a design exists at all (a proposal may be impossible).
  public let exists: Bool
  public let toleratedMachineFailures: Int
  /// For each other datacenter that holds a member of either design of the site: does the site
  /// keep this registry when that one fails? (Any other datacenter changes nothing: see
  /// ``survivesUnrelatedLoss``.)
  public internal(set) var survivesLossOf: [(datacenter: String, survives: Bool)]
  /// Whether the site keeps this registry when a datacenter holding none of its members fails
  /// (it does whenever the design works at all).
  public let survivesUnrelatedLoss: Bool
  /// Does the site keep this registry when the site is cut off from every other?
  public let survivesSiteCutOff: Bool
  /// Do the other sites keep it when this site is lost?
  public let othersSurviveSiteLoss: Bool
  /// Write and read latency from the site (see ``LatencyModel``).
  public let latency: LatencyModel.Figures
  /// P(quorum), when availabilities are set.
  public let availability: Double?
  /// For each other datacenter whose loss leaves the site's clients a fail-over that can
  /// outlast their session (and the registry still serving them): the datacenter, the worst
  /// case and the budget `T - R - P` (ms), and the probability for a client on a lost server.
  public let failoverRisks: [(datacenter: String, worstMs: Int, budgetMs: Int, probability: Double)]
  /// Only a shared ensemble registers every provider in one place.
  public var globallyUnique: Bool { kind == .shared }
}

/// Where a site design comes from.
public enum DesignOrigin: Sendable, Equatable {
  /// An ensemble of the file; `usedBy` names the site's apps that list it (empty when none do).
  case declared(usedBy: [String])
  /// A proposal: a majority of one voter on each of these machines (by name).
  case proposed(machines: [String], datacenters: [String])
  /// No datacenter has machines.
  case noMachines
  /// Only these datacenters have machines: two cannot survive losing either.
  case onlyTwoDatacenters([String])
  /// The site has too few machines for an independent ensemble of 3.
  case tooFewMachines(site: String, machines: Int)

  public var isDeclared: Bool { if case .declared = self { true } else { false } }
}

/// What `compare` advises for a site, and the fact that decides it.
public enum Recommendation: Sendable, Equatable {
  /// Neither design can be built; the site depends on these ensembles.
  case neitherPossible(dependsOn: [String])
  /// Only an independent ensemble can be built.
  case independentOnly
  /// The shared ensemble does not survive losing these datacenters: local first.
  case independentFirst(sharedFragileTo: [String])
  /// The shared ensemble does not survive losing these, and the site cannot hold its own.
  case fixShared(fragileTo: [String])
  /// The shared ensemble serves the site through anything only because the site holds a
  /// majority of its votes: the other sites lose it with this one.
  case spreadShared
  /// Shared survives every other datacenter, but the site cut off loses it and has no machines
  /// for a local one.
  case sharedWithoutLocalFallback
  /// Shared survives every single loss and the site being cut off.
  case shared
  /// Both, as the site's apps already use them (multi-registry).
  case bothAsUsed
  /// Both, through Dubbo multi-registry, local first.
  case both
}

/// The shared and the independent design of one site, side by side.
public struct SiteComparison: Sendable {
  public let site: String
  public let apps: [String]
  /// Each app of the site with its registries in preference order, as the file writes them.
  public let usage: [(app: String, registries: [String])]
  public let shared: SiteDesign
  public let independent: SiteDesign
  /// Whether some app of the site already lists both the shared and the independent ensemble.
  public let multiRegistry: Bool
  public let recommendation: Recommendation
}

/// Compares shared against independent clusters for every datacenter that hosts apps.
public enum Comparison {
  /// A design as voters per datacenter index, evaluated with ZooKeeper's quorum rule.
  struct Votes {
    let system: QuorumSystem
    let memberDC: [Int]
    let memberMachine: [Int]

    /// Whether the members in `datacenters` hold a quorum.
    func quorum(among datacenters: Set<Int>) -> Bool {
      system.hasQuorum(members: memberDC.indices.filter { datacenters.contains(memberDC[$0]) })
    }

    /// Whether the members outside datacenter `d` hold a quorum (cost: the members, not the
    /// datacenters of the topology).
    func quorum(without d: Int) -> Bool {
      system.hasQuorum(members: memberDC.indices.filter { memberDC[$0] != d })
    }

    /// The datacenters holding members, other than `site`, in index order.
    func datacenters(besides site: Int) -> [Int] { Set(memberDC).subtracting([site]).sorted() }
  }

  public static func compare(_ t: ValidatedTopology) -> [SiteComparison] {
    compare(t, evaluator: ScenarioEvaluator(t))
  }

  /// Compares, deciding every declared design's outcome for the site's apps with `evaluator`
  /// (the same function `what-if`, `analyze` and `matrix` use: `connect: local` included).
  public static func compare(_ t: ValidatedTopology, evaluator: ScenarioEvaluator) -> [SiteComparison] {
    let all = Set(t.datacenters.indices)
    var appsBySite: [Int: [Int]] = [:]
    for (i, app) in t.apps.enumerated() { appsBySite[app.datacenter, default: []].append(i) }
    let sites = appsBySite.keys.sorted()
    let ranked = rankedByMachines(t)
    // Once for every site: which datacenters each ensemble's voters are in, the first
    // stretched ensemble, and each datacenter's first ensemble inside it alone. Nothing per
    // site may cost the number of datacenters or ensembles: a wide estate has thousands.
    let voterDCs = t.ensembles.map { e in Set(e.voters.map { t.machines[$0.machine].datacenter }) }
    let firstStretched = t.ensembles.indices.first { voterDCs[$0].count >= 2 }
    var firstInside: [Int: Int] = [:]
    for ei in t.ensembles.indices where voterDCs[ei].count == 1 {
      if let d = voterDCs[ei].first, firstInside[d] == nil { firstInside[d] = ei }
    }
    var dcIndex: [String: Int] = [:]
    for (i, d) in t.datacenters.enumerated() { dcIndex[d.name] = i }
    // Each site is compared on its own: the sites are split in two halves of about as many
    // apps each (a site's cost follows its apps), compared on two cores.
    let firstHalf = sites.count < 2 ? sites.count : halfByApps(sites, appsBySite)
    let (first, second) = TwoCores.run {
      compareSites(
        sites[..<firstHalf], t, evaluator, appsBySite, all, ranked, voterDCs, firstStretched, firstInside, dcIndex)
    } alongside: { [sites, appsBySite, all, ranked, voterDCs, firstInside, dcIndex] in
      compareSites(
        sites[firstHalf...], t, evaluator, appsBySite, all, ranked, voterDCs, firstStretched, firstInside, dcIndex)
    }
    return first + second
  }

  /// Where to cut `sites` so that each side holds about half of the apps.
  static func halfByApps(_ sites: [Int], _ appsBySite: [Int: [Int]]) -> Int {
    let total = sites.reduce(0) { $0 + (appsBySite[$1]?.count ?? 0) }
    var sum = 0
    for (i, s) in sites.enumerated() {
      sum += appsBySite[s]?.count ?? 0
      if 2 * sum >= total { return i + 1 }
    }
    return sites.count
  }

  /// ``compare(_:evaluator:)`` for some of the sites, in their order.
  static func compareSites(
    _ sites: ArraySlice<Int>, _ t: ValidatedTopology, _ evaluator: ScenarioEvaluator, _ appsBySite: [Int: [Int]],
    _ all: Set<Int>, _ ranked: [Int], _ voterDCs: [Set<Int>], _ firstStretched: Int?, _ firstInside: [Int: Int],
    _ dcIndex: [String: Int]
  ) -> [SiteComparison] {
    // Apps with the same registries share one list of their names: an estate's 50,000 apps
    // name a few thousand lists, and a list each was 3 MB of the report's peak.
    var registryNames: [[Int]: [String]] = [:]
    func names(_ registries: [Int]) -> [String] {
      if let known = registryNames[registries] { return known }
      let list = registries.map { t.ensembles[$0].name }
      registryNames[registries] = list
      return list
    }
    return sites.map { s in
      let apps = appsBySite[s] ?? []
      let requested = apps.map { t.apps[$0].requestedSessionTimeoutMs }.min()
      // The site's registries in the order its apps prefer them.
      var used: [Int] = []
      for a in apps { for e in t.apps[a].registries where !used.contains(e) { used.append(e) } }
      // Shared: stretched over datacenters (a remote ensemble inside one other site is neither).
      let sharedIndex = used.first { voterDCs[$0].count >= 2 } ?? firstStretched
      let localIndex = used.first { voterDCs[$0] == [s] } ?? firstInside[s]

      let sharedDesign =
        sharedIndex.map {
          design(
            .shared, declared: $0, site: s, apps: apps, in: t, all: all, evaluator: evaluator,
            siteRequestedMs: requested)
        }
        ?? proposedShared(site: s, in: t, all: all, ranked: ranked, siteRequestedMs: requested)
      let independentDesign =
        localIndex.map {
          design(
            .independent, declared: $0, site: s, apps: apps, in: t, all: all, evaluator: evaluator,
            siteRequestedMs: requested)
        } ?? proposedIndependent(site: s, in: t, all: all, siteRequestedMs: requested)
      // Both designs list the same datacenters: those holding a member of either, in order.
      let order = Set((sharedDesign.survivesLossOf + independentDesign.survivesLossOf).map(\.datacenter))
        .compactMap { dcIndex[$0] }.sorted().map { t.datacenters[$0].name }
      func aligned(_ d: SiteDesign) -> SiteDesign {
        var copy = d
        let known = Dictionary(d.survivesLossOf.map { ($0.datacenter, $0.survives) }) { a, _ in a }
        copy.survivesLossOf = order.map { ($0, known[$0] ?? d.survivesUnrelatedLoss) }
        return copy
      }
      let (shared, independent) = (aligned(sharedDesign), aligned(independentDesign))
      let multi = apps.contains { a in
        let r = t.apps[a].registries
        return sharedIndex.map(r.contains) == true && localIndex.map(r.contains) == true
      }
      return SiteComparison(
        site: t.datacenters[s].name, apps: apps.map { t.apps[$0].name },
        usage: apps.map { a in (t.apps[a].name, names(t.apps[a].registries)) },
        shared: shared, independent: independent, multiRegistry: multi,
        recommendation: recommend(shared: shared, independent: independent, apps: apps, multi: multi, in: t))
    }
  }

  /// A design's facts for a site, its clients listing every member (`connect: all`), from its
  /// votes alone: used for proposals, which no app uses yet.
  static func evaluate(
    _ kind: SiteDesign.Kind, name: String?, origin: DesignOrigin, votes: Votes, members: Int,
    site s: Int, in t: ValidatedTopology, all: Set<Int>, sessionBounds: (Int, Int) = (4000, 40_000),
    tickTimeMs: Int = 2000, siteRequestedMs: Int? = nil
  ) -> SiteDesign {
    // The site's clients list every member; the shortest requested session is the worst.
    // Proposals assume ZooKeeper's default bounds (tickTime 2000ms: 4s to 40s).
    let requested =
      siteRequestedMs ?? t.apps.filter { $0.datacenter == s }.map(\.requestedSessionTimeoutMs).min() ?? 60_000
    let negotiated = min(max(requested, sessionBounds.0), sessionBounds.1)
    let model = FailoverModel(
      requestedMs: requested, negotiatedMs: negotiated, servers: votes.memberDC.count, tickTimeMs: tickTimeMs)
    let others = votes.datacenters(besides: s)
    let survives = others.map { votes.quorum(without: $0) }
    var risks: [(String, Int, Int, Double)] = []
    for (d, keeps) in zip(others, survives) where keeps {
      // A loss that breaks the quorum is not a fail-over risk: there is nothing to fail over to.
      let k = votes.memberDC.filter { $0 == d }.count
      guard k >= 1, k < votes.memberDC.count, model.risksExpiry(unreachable: k) else { continue }
      risks.append(
        (
          t.datacenters[d].name, model.worstCaseMs(unreachable: k), model.budgetMs,
          model.expiryProbability(unreachable: k)
        ))
    }
    return SiteDesign(
      kind: kind, ensemble: name, origin: origin, voters: perDC(votes, t), machines: members,
      exists: true, toleratedMachineFailures: votes.system.toleratedFailures,
      survivesLossOf: zip(others, survives).map { (t.datacenters[$0.0].name, $0.1) },
      survivesUnrelatedLoss: votes.system.hasQuorum(members: votes.memberDC.indices),
      survivesSiteCutOff: votes.quorum(among: [s]),
      othersSurviveSiteLoss: votes.quorum(without: s),
      latency: LatencyModel.figures(
        site: s, memberDC: votes.memberDC, isVoter: votes.system.memberGroup.map { $0 != nil },
        system: votes.system, rtt: t.rtt),
      availability: AvailabilityModel.quorumProbability(system: votes.system, machines: votes.memberMachine, in: t),
      failoverRisks: risks)
  }

  /// Voters per datacenter, in datacenter order: a pass over the members, not the datacenters.
  static func perDC(_ votes: Votes, _ t: ValidatedTopology) -> [(String, Int)] {
    var counts: [Int: Int] = [:]
    for i in votes.memberDC.indices where votes.system.memberGroup[i] != nil {
      counts[votes.memberDC[i], default: 0] += 1
    }
    return counts.keys.sorted().map { (t.datacenters[$0].name, counts[$0] ?? 0) }
  }

  /// A declared ensemble: when apps of the site use it, whether the site keeps it and the
  /// fail-over risks come from evaluating those apps (their own connect strings, `connect:
  /// local` included) with the evaluator every command shares.
  static func design(
    _ kind: SiteDesign.Kind, declared ei: Int, site s: Int, apps: [Int], in t: ValidatedTopology, all: Set<Int>,
    evaluator: ScenarioEvaluator, siteRequestedMs: Int?
  ) -> SiteDesign {
    let e = t.ensembles[ei]
    let votes = Votes(
      system: evaluator.system(ei), memberDC: e.members.map { t.machines[$0.machine].datacenter },
      memberMachine: e.members.map(\.machine))
    let users = apps.filter { t.apps[$0].registries.contains(ei) }
    let base = evaluate(
      kind, name: e.name, origin: .declared(usedBy: users.map { t.apps[$0].name }), votes: votes,
      members: e.members.count, site: s, in: t, all: all,
      sessionBounds: (e.minSessionTimeoutMs, e.maxSessionTimeoutMs), tickTimeMs: e.tickTimeMs,
      siteRequestedMs: siteRequestedMs)
    guard !users.isEmpty else { return base }
    func registry(_ a: Int, _ scenario: FailureScenario) -> RegistryOutcome? {
      let o = evaluator.evaluate(app: a, scenario) { evaluator.evaluate(ensemble: $0, scenario) }
      return o.registries.first { $0.ensemble == ei }
    }
    // Only a datacenter holding a member can change what the site's apps get from it.
    let others = votes.datacenters(besides: s)
    var survives: [(String, Bool)] = []
    var risks: [(String, Int, Int, Double)] = []
    for d in others {
      var scenario = FailureScenario(datacenterCount: t.datacenters.count)
      scenario.failedDatacenters = [d]
      let outcomes = users.compactMap { registry($0, scenario) }
      survives.append((t.datacenters[d].name, outcomes.allSatisfy(\.usable)))
      if let worst = outcomes.filter(\.expiryRisk).max(by: { $0.expiryProbability < $1.expiryProbability }) {
        risks.append(
          (
            t.datacenters[d].name, worst.failover.worstCaseMs(unreachable: worst.unreachable), worst.failover.budgetMs,
            worst.expiryProbability
          ))
      }
    }
    var cut = FailureScenario(datacenterCount: t.datacenters.count)
    cut.sides[s] = 1
    let keepsWhenCut = users.allSatisfy { registry($0, cut)?.usable == true }
    return SiteDesign(
      kind: kind, ensemble: e.name, origin: base.origin, voters: base.voters, machines: base.machines,
      exists: true, toleratedMachineFailures: base.toleratedMachineFailures, survivesLossOf: survives,
      survivesUnrelatedLoss: users.allSatisfy {
        registry($0, FailureScenario(datacenterCount: t.datacenters.count))?.usable == true
      },
      survivesSiteCutOff: keepsWhenCut, othersSurviveSiteLoss: base.othersSurviveSiteLoss, latency: base.latency,
      availability: base.availability, failoverRisks: risks)
  }

  static func majority(_ machines: [Int], in t: ValidatedTopology) -> Votes {
    Votes(
      system: QuorumSystem(memberGroup: machines.map { _ in 0 }, memberWeight: machines.map { _ in 1 }, groupCount: 1),
      memberDC: machines.map { t.machines[$0].datacenter }, memberMachine: machines)
  }

  static func impossible(_ kind: SiteDesign.Kind, _ why: DesignOrigin, site s: Int, in t: ValidatedTopology)
    -> SiteDesign
  {
    SiteDesign(
      kind: kind, ensemble: nil, origin: why, voters: [], machines: 0, exists: false,
      toleratedMachineFailures: -1,
      survivesLossOf: [], survivesUnrelatedLoss: false,
      survivesSiteCutOff: false, othersSurviveSiteLoss: false,
      latency: LatencyModel.Figures(bestWriteMs: nil, worstWriteMs: nil, readMs: nil, localReads: false),
      availability: nil, failoverRisks: [])
  }

  /// Datacenters with machines, the most machines first (ties: declaration order).
  static func rankedByMachines(_ t: ValidatedTopology) -> [Int] {
    t.datacenters.indices.filter { !t.datacenters[$0].machines.isEmpty }.sorted {
      (t.datacenters[$0].machines.count, -$0) > (t.datacenters[$1].machines.count, -$1)
    }
  }

  /// The smallest shared ensemble that survives any one datacenter: one voter in each of three
  /// datacenters (the site and the two others with the most machines).
  static func proposedShared(
    site s: Int, in t: ValidatedTopology, all: Set<Int>, ranked: [Int], siteRequestedMs: Int?
  ) -> SiteDesign {
    // `ranked` (the datacenters with the most machines first) is computed once for every site;
    // a site needs at most the top three besides itself.
    let others = Array(ranked.lazy.filter { $0 != s }.prefix(3))
    guard !t.datacenters[s].machines.isEmpty || !others.isEmpty else {
      return impossible(.shared, .noMachines, site: s, in: t)
    }
    var chosen = (!t.datacenters[s].machines.isEmpty ? [s] : []) + others
    chosen = Array(chosen.prefix(3))
    if chosen.count < 3 {
      return impossible(.shared, .onlyTwoDatacenters(chosen.map { t.datacenters[$0].name }), site: s, in: t)
    }
    let machines = chosen.map { t.datacenters[$0].machines[0] }
    return evaluate(
      .shared, name: nil,
      origin: .proposed(
        machines: machines.map { t.machines[$0].name }, datacenters: chosen.map { t.datacenters[$0].name }),
      votes: majority(machines, in: t), members: 3, site: s, in: t, all: all, siteRequestedMs: siteRequestedMs)
  }

  /// The smallest independent ensemble that tolerates a machine failure: 3 voters in the site.
  static func proposedIndependent(
    site s: Int, in t: ValidatedTopology, all: Set<Int>, siteRequestedMs: Int?
  ) -> SiteDesign {
    let machines = t.datacenters[s].machines
    guard machines.count >= 3 else {
      return impossible(
        .independent, .tooFewMachines(site: t.datacenters[s].name, machines: machines.count), site: s, in: t)
    }
    let picks = Array(machines.prefix(3))
    return evaluate(
      .independent, name: nil,
      origin: .proposed(machines: picks.map { t.machines[$0].name }, datacenters: [t.datacenters[s].name]),
      votes: majority(picks, in: t), members: 3, site: s, in: t, all: all, siteRequestedMs: siteRequestedMs)
  }

  static func recommend(
    shared: SiteDesign, independent: SiteDesign, apps: [Int], multi: Bool, in t: ValidatedTopology
  ) -> Recommendation {
    if !shared.exists && !independent.exists {
      var used: [String] = []
      for a in apps {
        for e in t.apps[a].registries where !used.contains(t.ensembles[e].name) { used.append(t.ensembles[e].name) }
      }
      return .neitherPossible(dependsOn: used)
    }
    if !shared.exists { return .independentOnly }
    let fragile = shared.survivesLossOf.filter { !$0.survives }.map(\.datacenter)
    if !fragile.isEmpty {
      return independent.exists ? .independentFirst(sharedFragileTo: fragile) : .fixShared(fragileTo: fragile)
    }
    if !shared.othersSurviveSiteLoss { return .spreadShared }
    if !independent.exists { return .sharedWithoutLocalFallback }
    if shared.survivesSiteCutOff { return .shared }
    return multi ? .bothAsUsed : .both
  }
}
