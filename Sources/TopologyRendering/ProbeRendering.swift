public import TopologyAnalysis
public import TopologyDiagnostics
public import TopologyModel

/// `probe` as text and JSON, and its diagnostics (pointing at the machines in the topology).
public enum ProbeRendering {
  /// Where reality differs from the plan, as diagnostics at each machine's declaration.
  public static func diagnostics(_ live: [LiveEnsemble], _ t: ValidatedTopology) -> [Diagnostic] {
    var out: [Diagnostic] = []
    for l in live {
      let e = t.ensembles[l.ensemble]
      for p in l.members {
        let machine = t.machines[e.members[p.member].machine]
        if l.unexpectedServerLists.contains(p.member) {
          out.append(
            Diagnostic(
              DiagnosticCatalog.probeServerList,
              message:
                "'\(machine.name)' answers for '\(e.name)' with a server list other than the topology's",
              file: t.file, range: machine.range,
              notes: (p.servers ?? []).map { "it reports \($0)" }))
        }
        if p.mode == .down || p.mode == .notServing || p.mode == .readOnly {
          out.append(
            Diagnostic(
              DiagnosticCatalog.probeNotServing,
              message: "'\(machine.name)' of '\(e.name)' is \(p.mode.rawValue)\(p.failure.map { ": \($0)" } ?? "")",
              file: t.file, range: machine.range))
        }
        if l.roleMismatches.contains(p.member) {
          out.append(
            Diagnostic(
              DiagnosticCatalog.probeRole,
              message:
                "'\(machine.name)' of '\(e.name)' runs as \(p.mode.rawValue), but the topology makes it a \(e.members[p.member].role.rawValue)",
              file: t.file, range: machine.range))
        }
      }
    }
    return out
  }

  public static func json(_ live: [LiveEnsemble], _ t: ValidatedTopology) -> JSONValue {
    .object([
      (
        "ensembles",
        .array(
          live.map { l in
            let e = t.ensembles[l.ensemble]
            return .object([
              ("name", .string(e.name)),
              ("quorum", .bool(l.quorum)),
              ("leader", .optional(l.leader.map { t.machines[e.members[$0].machine].name })),
              ("liveToleratedFailures", l.liveToleratedFailures.map { .int($0) } ?? .null),
              ("criticalDatacentersNow", .strings(l.criticalDatacentersNow.map { t.datacenters[$0].name })),
              ("zxidSpread", l.zxidSpread.map { .int(Int(truncatingIfNeeded: $0)) } ?? .null),
              ("differsFromPlan", .bool(l.differsFromPlan)),
              (
                "members",
                .array(
                  l.members.map { p in
                    .object([
                      ("machine", .string(t.machines[e.members[p.member].machine].name)),
                      ("mode", .string(p.mode.rawValue)),
                      ("plannedRole", .string(e.members[p.member].role.rawValue)),
                      ("zxid", p.zxid.map { .string("0x" + String($0, radix: 16)) } ?? .null),
                      (
                        "serverListMatches",
                        p.servers.map { _ in .bool(!l.unexpectedServerLists.contains(p.member)) } ?? .null
                      ),
                      ("failure", .optional(p.failure)),
                    ])
                  })
              ),
            ])
          })
      ),
      ("diagnostics", .array(diagnostics(live, t).map(DiagnosticRenderer.json))),
    ])
  }

  public static func text(_ live: [LiveEnsemble], _ t: ValidatedTopology) -> String {
    var out = ""
    for l in live {
      let e = t.ensembles[l.ensemble]
      out += "ensemble '\(e.name)': "
      if l.quorum, let tolerated = l.liveToleratedFailures {
        out +=
          "quorum, leader '\(l.leader.map { t.machines[e.members[$0].machine].name } ?? "?")'; "
          + (tolerated <= 0
            ? "one more voter failure breaks it"
            : "keeps its quorum if \(AnalysisWording.count(tolerated, "more voter")) \(tolerated == 1 ? "fails" : "fail")")
        if !l.criticalDatacentersNow.isEmpty {
          out +=
            "; losing \(l.criticalDatacentersNow.map { "'\(t.datacenters[$0].name)'" }.joined(separator: " or ")) now would break it"
        }
        out += "\n"
      } else {
        out += "NO QUORUM\n"
      }
      for p in l.members {
        let m = e.members[p.member]
        var line = "  \(t.machines[m.machine].name): \(p.mode.rawValue)"
        if l.roleMismatches.contains(p.member) { line += " (planned \(m.role.rawValue))" }
        if let z = p.zxid { line += ", zxid 0x\(String(z, radix: 16))" }
        if let f = p.failure { line += " (\(f))" }
        if l.unexpectedServerLists.contains(p.member) { line += "; ANOTHER SERVER LIST" }
        out += line + "\n"
      }
      if let spread = l.zxidSpread, spread > 0 { out += "  zxid spread: \(spread)\n" }
    }
    let d = diagnostics(live, t)
    if !d.isEmpty {
      out += "\n" + DiagnosticRenderer(color: false, sources: []).text(d)
    } else {
      out += "\nevery member is as the topology plans\n"
    }
    return out
  }
}
