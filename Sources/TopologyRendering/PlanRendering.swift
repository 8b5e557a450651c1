public import TopologyAnalysis
public import TopologyDiagnostics
public import TopologyModel

/// `plan` as text and JSON, and the YAML to paste.
public enum PlanRendering {
  /// "the loss of any one datacenter".
  public static func goal(_ g: SurvivalGoal) -> String {
    switch g {
    case .datacenter: "the loss of any one datacenter"
    case .rack: "the loss of any one rack"
    case .machines(let n): "the loss of any \(AnalysisWording.count(n, "machine"))"
    }
  }

  public static func note(_ n: PlanNote) -> String {
    func quoted(_ names: [String]) -> String { names.map { "'\($0)'" }.joined(separator: " and ") }
    switch n {
    case .needsThreeDatacenters(let dcs):
      return
        "surviving the loss of any datacenter needs voters in at least three: only \(dcs.isEmpty ? "none" : quoted(dcs)) \(dcs.count == 1 ? "has" : "have") machines. With two datacenters one always holds at least half of the votes, so losing it loses the quorum."
    case .addTiebreakerSite(let pair):
      let placement = pair.count == 2 ? "2 voters in each of \(quoted(pair))" : "2 voters in each of two datacenters"
      return
        "add a third site with a single tiebreaker voter (the 2.5-datacenter pattern): \(placement) and 1 in the new site, which tolerates any one datacenter and 2 machines"
    case .smallestOddCount(let n, let k):
      return "\(n) voters is the smallest odd count that tolerates \(AnalysisWording.count(k, "failure"))"
    case .fewerCannotBeSpread(let n):
      return "fewer than \(n) voters cannot be spread so that no datacenter or rack holds a majority on these machines"
    case .racklessMachinesAreRacks: return "machines without a rack are counted as racks of their own"
    case .observersServeLocally:
      return "observers serve reads locally where apps run without a voter; they do not vote"
    case .needsMoreMachines(let v, let m):
      return "the goals need at least \(v) voters, and the topology has \(AnalysisWording.count(m, "machine"))"
    case .noPlacement(let max):
      return
        "no placement of at most \(AnalysisWording.count(max, "voter")) meets the goals on these machines (raise --max-voters, or add machines in more datacenters and racks)"
    case .ownPorts(let c, let q, let e):
      return
        "these machines already serve other ensembles: the plan uses ports \(c), \(q) and \(e), free on all of them"
    }
  }

  /// The ensemble as YAML, `indent` spaces in (its name at that indentation).
  public static func ensembleYAML(_ r: PlanResult, _ t: ValidatedTopology, indent: Int) -> String {
    let pad = String(repeating: " ", count: indent)
    var out = "\(pad)\(r.name):\n"
    out += "\(pad)  voters: [\(r.voters.map { t.machines[$0].name }.joined(separator: ", "))]\n"
    if !r.observers.isEmpty {
      out += "\(pad)  observers: [\(r.observers.map { t.machines[$0].name }.joined(separator: ", "))]\n"
    }
    if let p = r.ports {
      out += "\(pad)  clientPort: \(p.client)\n\(pad)  quorumPort: \(p.quorum)\n\(pad)  electionPort: \(p.election)\n"
    }
    return out
  }

  public static func snippet(_ r: PlanResult, _ t: ValidatedTopology) -> String {
    r.found ? "ensembles:\n" + ensembleYAML(r, t, indent: 2) : ""
  }

  public static func json(_ r: PlanResult, _ t: ValidatedTopology, verified: Bool) -> JSONValue {
    let names = { (ms: [Int]) in ms.map { t.machines[$0].name } }
    return .object([
      ("ensemble", .string(r.name)),
      ("goals", .strings(r.goals.map(\.argument))),
      ("found", .bool(r.found)),
      ("voters", .strings(names(r.voters))),
      ("observers", .strings(names(r.observers))),
      (
        "ports",
        r.ports.map {
          .object([
            ("clientPort", .int($0.client)), ("quorumPort", .int($0.quorum)), ("electionPort", .int($0.election)),
          ])
        } ?? .null
      ),
      ("toleratedMachineFailures", r.found ? .int(r.toleratedFailures) : .null),
      ("verified", .bool(verified)),
      ("explanation", .strings(r.explanation.map(note))),
      ("yaml", r.found ? .string(snippet(r, t)) : .null),
    ])
  }

  public static func text(_ r: PlanResult, _ t: ValidatedTopology, verified: Bool) -> String {
    let names = { (ms: [Int]) in ms.map { t.machines[$0].name } }
    var text = "Plan for '\(r.name)' to survive \(r.goals.map(goal).joined(separator: " and ")):\n"
    if r.found {
      var perDC: [(String, [String])] = []
      for d in t.datacenters.indices {
        let here = r.voters.filter { t.machines[$0].datacenter == d }
        if !here.isEmpty { perDC.append((t.datacenters[d].name, names(here))) }
      }
      text +=
        "  voters (\(r.voters.count)): "
        + perDC.map { "\($0.0) \($0.1.count) (\($0.1.joined(separator: ", ")))" }.joined(separator: ", ") + "\n"
      if !r.observers.isEmpty { text += "  observers: \(names(r.observers).joined(separator: ", "))\n" }
      text +=
        "  tolerates any \(AnalysisWording.count(r.toleratedFailures, "voter failure")); goals \(verified ? "checked with the quorum engine" : "NOT met")\n"
    } else {
      text += "  no placement exists\n"
    }
    for n in r.explanation { text += "  note: \(note(n))\n" }
    if r.found { text += "\nPaste into the topology, or write it with --output:\n\n" + snippet(r, t) }
    return text
  }
}

/// Availability figures for people.
public enum AvailabilityWording {
  /// A probability as a percentage with enough decimals to show its nines: `99.9996%`.
  public static func percent(_ p: Double) -> String {
    let decimals = max(2, min(9, Int(AvailabilityModel.nines(p)) + 1))
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int((p * 100 * scale).rounded())
    let whole = scaled / Int(scale)
    var frac = String(scaled % Int(scale))
    while frac.count < decimals { frac = "0" + frac }
    return "\(whole).\(frac)%"
  }

  /// Nines with one decimal: `5.4`.
  public static func nines(_ p: Double) -> String {
    let tenths = Int((AvailabilityModel.nines(p) * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }
}
