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
  /// What a proposal assumes (which machines, why), or why none can be built.
  public let assumption: String?
  /// Voters per datacenter name, in declaration order.
  public let voters: [(datacenter: String, count: Int)]
  /// Members in all (voters and observers): the machines it uses.
  public let machines: Int
  /// Whether a design exists at all (a proposal may be impossible).
  public let exists: Bool
  public let toleratedMachineFailures: Int
  /// For each other datacenter: does the site keep this registry when that one fails?
  public let survivesLossOf: [(datacenter: String, survives: Bool)]
  /// Does the site keep this registry when the site is cut off from every other?
  public let survivesSiteCutOff: Bool
  /// Do the other sites keep it when this site is lost?
  public let othersSurviveSiteLoss: Bool
  /// Write and read latency from the site (see ``LatencyModel``).
  public let latency: LatencyModel.Figures
  /// P(quorum), when availabilities are set.
  public let availability: Double?
  /// For each other datacenter whose loss leaves the site's clients a fail-over that can
  /// outlast their session: the datacenter, the worst case and the budget `T - R` (ms), and the
  /// probability for a client on a lost server.
  public let failoverRisks: [(datacenter: String, worstMs: Int, budgetMs: Int, probability: Double)]
  /// Only a shared ensemble registers every provider in one place.
  public var globallyUnique: Bool { kind == .shared }
}

/// The shared and the independent design of one site, side by side.
public struct SiteComparison: Sendable {
  public let site: String
  public let apps: [String]
  public let shared: SiteDesign
  public let independent: SiteDesign
  public let recommendation: String
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
  }

  public static func compare(_ t: ValidatedTopology) -> [SiteComparison] {
    let all = Set(t.datacenters.indices)
    let sites = t.datacenters.indices.filter { d in t.apps.contains { $0.datacenter == d } }
    // Once for every site: which datacenters each ensemble's voters are in.
    let voterDCs = t.ensembles.map { e in Set(e.voters.map { t.machines[$0.machine].datacenter }) }
    let spanning = t.ensembles.indices.filter { voterDCs[$0].count >= 2 }
    return sites.map { s in
      let apps = t.apps.filter { $0.datacenter == s }
      let used = Set(apps.flatMap(\.registries))
      let inside = t.ensembles.indices.filter { voterDCs[$0] == [s] }
      let sharedIndex = spanning.first { used.contains($0) } ?? spanning.first
      let localIndex = inside.first { used.contains($0) } ?? inside.first

      let shared: SiteDesign
      if let i = sharedIndex {
        shared = design(.shared, declared: t.ensembles[i], site: s, in: t, all: all)
      } else {
        shared = proposedShared(site: s, in: t, all: all)
      }
      let independent: SiteDesign
      if let i = localIndex {
        independent = design(.independent, declared: t.ensembles[i], site: s, in: t, all: all)
      } else {
        independent = proposedIndependent(site: s, in: t, all: all)
      }
      return SiteComparison(
        site: t.datacenters[s].name, apps: apps.map(\.name), shared: shared,
        independent: independent,
        recommendation: recommend(
          site: t.datacenters[s].name, shared: shared, independent: independent, apps: apps, in: t))
    }
  }

  static func evaluate(
    _ kind: SiteDesign.Kind, name: String?, assumption: String?, votes: Votes, members: Int,
    site s: Int, in t: ValidatedTopology, all: Set<Int>, sessionBounds: (Int, Int) = (4000, 40_000)
  ) -> SiteDesign {
    // The site's clients list every member (connect: all); the shortest requested session is
    // the worst. Proposals assume ZooKeeper's default bounds (tickTime 2000ms: 4s to 40s).
    let requested = t.apps.filter { $0.datacenter == s }.map(\.requestedSessionTimeoutMs).min() ?? 60_000
    let negotiated = min(max(requested, sessionBounds.0), sessionBounds.1)
    let model = FailoverModel(requestedMs: requested, negotiatedMs: negotiated, servers: votes.memberDC.count)
    var risks: [(String, Int, Int, Double)] = []
    for d in t.datacenters.indices where d != s {
      let k = votes.memberDC.filter { $0 == d }.count
      guard k >= 1, k < votes.memberDC.count, model.risksExpiry(unreachable: k) else { continue }
      risks.append(
        (
          t.datacenters[d].name, model.worstCaseMs(unreachable: k), model.budgetMs,
          model.expiryProbability(unreachable: k)
        ))
    }
    var perDC: [(String, Int)] = []
    for d in t.datacenters.indices {
      let n = votes.memberDC.indices.filter { votes.memberDC[$0] == d && votes.system.memberGroup[$0] != nil }.count
      if n > 0 { perDC.append((t.datacenters[d].name, n)) }
    }
    let others = t.datacenters.indices.filter { $0 != s }
    return SiteDesign(
      kind: kind, ensemble: name, assumption: assumption, voters: perDC, machines: members,
      exists: true, toleratedMachineFailures: votes.system.toleratedFailures,
      survivesLossOf: others.map { (t.datacenters[$0].name, votes.quorum(among: all.subtracting([$0]))) },
      survivesSiteCutOff: votes.quorum(among: [s]),
      othersSurviveSiteLoss: votes.quorum(among: all.subtracting([s])),
      latency: LatencyModel.figures(
        site: s, memberDC: votes.memberDC, isVoter: votes.system.memberGroup.map { $0 != nil },
        system: votes.system, rtt: t.rtt),
      availability: AvailabilityModel.quorumProbability(system: votes.system, machines: votes.memberMachine, in: t),
      failoverRisks: risks)
  }

  static func design(
    _ kind: SiteDesign.Kind, declared e: Ensemble, site s: Int, in t: ValidatedTopology, all: Set<Int>
  ) -> SiteDesign {
    let votes = Votes(
      system: QuorumSystem(e), memberDC: e.members.map { t.machines[$0.machine].datacenter },
      memberMachine: e.members.map(\.machine))
    return evaluate(
      kind, name: e.name, assumption: nil, votes: votes, members: e.members.count, site: s, in: t,
      all: all, sessionBounds: (e.minSessionTimeoutMs, e.maxSessionTimeoutMs))
  }

  static func majority(_ machines: [Int], in t: ValidatedTopology) -> Votes {
    Votes(
      system: QuorumSystem(memberGroup: machines.map { _ in 0 }, memberWeight: machines.map { _ in 1 }, groupCount: 1),
      memberDC: machines.map { t.machines[$0].datacenter }, memberMachine: machines)
  }

  static func impossible(_ kind: SiteDesign.Kind, _ why: String, site s: Int, in t: ValidatedTopology) -> SiteDesign {
    SiteDesign(
      kind: kind, ensemble: nil, assumption: why, voters: [], machines: 0, exists: false,
      toleratedMachineFailures: -1,
      survivesLossOf: t.datacenters.indices.filter { $0 != s }.map { (t.datacenters[$0].name, false) },
      survivesSiteCutOff: false, othersSurviveSiteLoss: false,
      latency: LatencyModel.Figures(bestWriteMs: nil, worstWriteMs: nil, readMs: nil, localReads: false),
      availability: nil, failoverRisks: [])
  }

  /// The smallest shared ensemble that survives any one datacenter: one voter in each of three
  /// datacenters (the site and the two others with the most machines).
  static func proposedShared(site s: Int, in t: ValidatedTopology, all: Set<Int>) -> SiteDesign {
    let withMachines = t.datacenters.indices.filter { !t.datacenters[$0].machines.isEmpty }
    let others = withMachines.filter { $0 != s }.sorted {
      (t.datacenters[$0].machines.count, -$0) > (t.datacenters[$1].machines.count, -$1)
    }
    guard withMachines.contains(s) || !others.isEmpty else {
      return impossible(.shared, "no datacenter has machines", site: s, in: t)
    }
    var chosen = (withMachines.contains(s) ? [s] : []) + others
    chosen = Array(chosen.prefix(3))
    if chosen.count < 3 {
      let names = chosen.map { "'\(t.datacenters[$0].name)'" }.joined(separator: " and ")
      return impossible(
        .shared,
        "only \(names) have machines: an ensemble over two datacenters cannot survive losing either; add a third site with one tiebreaker voter (2+2+1)",
        site: s, in: t)
    }
    let machines = chosen.map { t.datacenters[$0].machines[0] }
    let picks = machines.map { t.machines[$0].name }
    return evaluate(
      .shared, name: nil,
      assumption:
        "proposed: 3 voters, one in each of \(chosen.map { "'\(t.datacenters[$0].name)'" }.joined(separator: ", ")) (on \(picks.joined(separator: ", "))): the smallest ensemble that survives any one datacenter",
      votes: majority(machines, in: t), members: 3, site: s, in: t, all: all)
  }

  /// The smallest independent ensemble that tolerates a machine failure: 3 voters in the site.
  static func proposedIndependent(site s: Int, in t: ValidatedTopology, all: Set<Int>) -> SiteDesign {
    let machines = t.datacenters[s].machines
    guard machines.count >= 3 else {
      return impossible(
        .independent,
        "'\(t.datacenters[s].name)' has \(machines.count) machine\(machines.count == 1 ? "" : "s"); an independent ensemble needs 3 to tolerate one failure",
        site: s, in: t)
    }
    let picks = machines.prefix(3).map { t.machines[$0].name }
    return evaluate(
      .independent, name: nil,
      assumption:
        "proposed: 3 voters on \(picks.joined(separator: ", ")) in '\(t.datacenters[s].name)' (own ports if they already serve another ensemble)",
      votes: majority(Array(machines.prefix(3)), in: t), members: 3, site: s, in: t, all: all)
  }

  static func recommend(
    site: String, shared: SiteDesign, independent: SiteDesign, apps: [App], in t: ValidatedTopology
  ) -> String {
    if !shared.exists && !independent.exists {
      let used = Set(apps.flatMap(\.registries)).sorted().map { ei -> String in
        let e = t.ensembles[ei]
        let dcs = Set(e.voters.map { t.machines[$0.machine].datacenter }).sorted().map { "'\(t.datacenters[$0].name)'" }
        return "'\(e.name)' (voters in \(dcs.joined(separator: ", ")))"
      }
      return "neither a shared nor an independent ensemble can be built from these datacenters; the apps depend on "
        + used.joined(separator: ", ") + ", so '\(site)' has a registry only while those datacenters are reachable"
    }
    if !shared.exists {
      return "independent: \(shared.assumption ?? "no shared design")"
    }
    let fragile = shared.survivesLossOf.filter { !$0.survives }.map { "'\($0.datacenter)'" }.joined(separator: ", ")
    if !fragile.isEmpty {
      if independent.exists {
        return
          "independent first: the shared ensemble does not survive losing \(fragile); keep the shared one second (Dubbo multi-registry) only for cross-site discovery"
      }
      return
        "fix the shared ensemble: it does not survive losing \(fragile); spread its voters so that no datacenter holds a majority (2+2+1 over three datacenters). '\(site)' has too few machines for an independent one"
    }
    if !shared.othersSurviveSiteLoss {
      return
        "the shared ensemble serves '\(site)' through anything only because '\(site)' holds a majority of its votes: every other site loses it with '\(site)'; spread its voters over three datacenters (2+2+1)"
    }
    if !independent.exists {
      return
        "shared: it survives losing any other datacenter; cut off, '\(site)' loses its registry (add machines there for a local fallback)"
    }
    if shared.survivesSiteCutOff {
      return
        "shared: it survives every single datacenter loss and the site being cut off, and keeps registrations globally unique"
    }
    let usesBoth = apps.allSatisfy { app in
      app.registries.count >= 2
        && app.registries.contains { t.ensembles[$0].name == independent.ensemble }
        && app.registries.contains { t.ensembles[$0].name == shared.ensemble }
    }
    if usesBoth {
      return
        "both, as the apps already do: the independent ensemble keeps '\(site)' working when cut off, the shared one gives cross-site discovery"
    }
    return
      "both (Dubbo multi-registry, local first): the shared ensemble survives any one datacenter and keeps registrations unique, but cut off, '\(site)' keeps only the independent one"
  }
}
