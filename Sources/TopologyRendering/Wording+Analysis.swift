public import TopologyAnalysis
import TopologyEmitters
public import TopologyModel

/// The words for the engine's typed facts: every sentence a command prints about a scenario,
/// an ensemble or an app is made here, from values.
public enum AnalysisWording {
  /// "1 voter", "3 voters", "no voters".
  public static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    Wording.count(n, noun, plural: plural)
  }

  /// "3 of 5 votes", "a weight majority in 2 of 3 groups".
  public static func requirement(_ r: QuorumRequirement) -> String {
    switch r.kind {
    case .majority: "\(r.needed) of \(r.of) \(r.of == 1 ? "vote" : "votes")"
    case .hierarchical: "a weight majority in \(r.needed) of \(r.of) \(r.of == 1 ? "group" : "groups")"
    }
  }

  /// "datacenter 'bj-b' fails; the network splits into {bj-a, bj-b} | {sh-a}".
  public static func scenario(_ s: FailureScenario, _ t: ValidatedTopology) -> String {
    var parts: [String] = []
    for d in s.failedDatacenters.sorted() { parts.append("datacenter '\(t.datacenters[d].name)' fails") }
    for r in s.failedRacks.sorted() { parts.append("rack '\(t.datacenters[r.datacenter].name)/\(r.rack)' fails") }
    for m in s.failedMachines.sorted() { parts.append("machine '\(t.machines[m].name)' fails") }
    if let lone = loneCutOff(s) {
      parts.append("'\(t.datacenters[lone].name)' is cut off from the rest")
    } else if s.isPartitioned {
      let sides = s.sideNames(t).filter { !$0.isEmpty }
      if sides.count == 2, let lone = sides.first(where: { $0.count == 1 }), sides[0].count != sides[1].count {
        parts.append("'\(lone[0])' is cut off from the rest")
      } else {
        parts.append(
          "the network splits into " + sides.map { "{\($0.joined(separator: ", "))}" }.joined(separator: " | "))
      }
    }
    return parts.isEmpty ? "nothing fails" : parts.joined(separator: "; ")
  }

  /// The one datacenter cut off from at least two others, read without naming every
  /// datacenter (the matrix has a cut-off row per datacenter).
  static func loneCutOff(_ s: FailureScenario) -> Int? {
    guard s.sides.off.count == 1, s.sides.count > 2, let d = s.sides.off.keys.first else { return nil }
    return d
  }

  /// A short label for a matrix row: "dc:bj-b", "cut:sh-a", "dc:a+dc:b", "rack:bj-a/r1".
  public static func scenarioLabel(_ s: FailureScenario, _ t: ValidatedTopology) -> String {
    var parts: [String] = []
    parts += s.failedDatacenters.sorted().map { "dc:\(t.datacenters[$0].name)" }
    parts += s.failedRacks.sorted().map { "rack:\(t.datacenters[$0.datacenter].name)/\($0.rack)" }
    parts += s.failedMachines.sorted().map { "machine:\(t.machines[$0].name)" }
    if let lone = loneCutOff(s) {
      parts.append("cut:\(t.datacenters[lone].name)")
    } else if s.isPartitioned {
      let sides = s.sideNames(t).filter { !$0.isEmpty }
      if sides.count == 2, sides[1].count == 1 {
        parts.append("cut:\(sides[1][0])")
      } else {
        parts.append("split:" + sides.map { $0.joined(separator: ",") }.joined(separator: "|"))
      }
    }
    return parts.isEmpty ? "none" : parts.joined(separator: "+")
  }

  /// Why an ensemble keeps or loses its quorum.
  public static func ensembleReason(_ o: EnsembleOutcome, _ s: FailureScenario, _ t: ValidatedTopology) -> String {
    let need = requirement(o.requirement)
    if let side = o.quorumSide {
      let sideText = s.isPartitioned ? " on the side of \(s.sideNames(t)[side].joined(separator: ", "))" : ""
      return "keeps its quorum\(sideText): \(o.aliveVoters) of \(o.totalVoters) voters up (needs \(need))"
    }
    if s.isPartitioned {
      return "loses its quorum: no side holds \(need) (at most \(o.aliveVoters) of \(o.totalVoters) voters on one side)"
    }
    return "loses its quorum: \(o.aliveVoters) of \(o.totalVoters) voters up, needs \(need)"
  }

  /// Why an app can or cannot use one registry.
  public static func registryReason(
    _ g: RegistryOutcome, _ ensemble: EnsembleOutcome?, _ s: FailureScenario, _ t: ValidatedTopology
  ) -> String {
    let name = "registry '\(t.ensembles[g.ensemble].name)'"
    switch g.state {
    case .serving:
      return "\(name) serves: \(g.servingReachable) of \(count(g.listed, "listed server")) reachable and serving"
    case .nothingListed:
      return "\(name) has no server in the app's connect string (connect: local)"
    case .noQuorum:
      return "\(name) " + (ensemble.map { ensembleReason($0, s, t) } ?? "loses its quorum")
    case .quorumElsewhere:
      return "\(name) holds its quorum on the other side of the partition"
    case .listedUnreachable:
      return
        "\(name) keeps its quorum, but none of the \(count(g.listed, "server")) in the app's connect string is reachable"
    case .listedNotServing:
      return "\(name) serves, but not from the servers in the app's connect string"
    }
  }

  /// Why an app is in its status.
  public static func appReason(
    _ o: AppOutcome, _ s: FailureScenario, _ t: ValidatedTopology, ensemble: (Int) -> EnsembleOutcome?
  ) -> String {
    let app = t.apps[o.app]
    let reasons = o.registries.map { registryReason($0, ensemble($0.ensemble), s, t) }
    switch o.status {
    case .down: return "its own datacenter '\(t.datacenters[app.datacenter].name)' failed"
    case .ok: return reasons.first ?? ""
    case .degraded:
      return "\(reasons.first ?? ""); falls back to registry '\(o.activeRegistry.map { t.ensembles[$0].name } ?? "")'"
    case .unavailable: return reasons.joined(separator: "; ")
    }
  }

  /// A failed scenario argument, in words naming the flags.
  public static func scenarioError(_ e: ScenarioError) -> String {
    func hint(_ s: String?) -> String { s.map { " (did you mean '\($0)'?)" } ?? "" }
    switch e {
    case .unknownDatacenter(let name, let suggestion, let known):
      return "unknown datacenter '\(name)'\(hint(suggestion)); datacenters: \(known.joined(separator: ", "))"
    case .missingKind(let item): return "--fail '\(item)' needs a kind: dc:NAME, rack:DC/RACK or machine:NAME"
    case .unknownKind(let kind): return "--fail kind '\(kind)' is not dc, rack or machine"
    case .rackSyntax(let name): return "--fail rack:'\(name)' must be DC/RACK, such as rack:bj-a/r1"
    case .unknownRack(let dc, let rack, let known):
      return
        "datacenter '\(dc)' has no rack '\(rack)'; its racks: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
    case .unknownMachine(let name, let suggestion): return "unknown machine '\(name)'\(hint(suggestion))"
    case .isolateWithPartition: return "use either --isolate or --partition, not both"
    case .tooFewSides(let p):
      return "--partition '\(p)' needs at least two sides separated by '|', such as \"a,b|c\""
    case .emptySideOrName(let p): return "--partition '\(p)' has an empty side or name"
    case .partitionRepeats(let n): return "--partition names datacenter '\(n)' more than once"
    case .partitionMisses(let missing):
      return "--partition must name every datacenter exactly once; missing: \(missing.joined(separator: ", "))"
    case .isolateRepeats(let n): return "--isolate names datacenter '\(n)' more than once"
    }
  }
}
