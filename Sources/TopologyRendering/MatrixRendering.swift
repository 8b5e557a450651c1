public import TopologyAnalysis
public import TopologyDiagnostics
public import TopologyModel

/// Renders the survival matrix: text (a compact grid), Markdown (a full table) and JSON (one
/// `what-if` document per scenario).
public enum MatrixRendering {
  /// `matrix --format json`: `{"scenarios": [...]}`, each element shaped as `what-if`'s JSON.
  /// Each scenario's value is made as it is written and dropped after: the rows of an estate
  /// (thousands of scenarios of tens of thousands of apps) are never held at once.
  public static func json(_ rows: MatrixRows, _ t: ValidatedTopology) -> JSONValue {
    .object([
      (
        "scenarios",
        .elements(
          JSONElements(rows) { AnalysisRendering.whatIfJSON($0.scenario, (Array($0.ensembles), Array($0.apps)), t) })
      )
    ])
  }

  /// An ensemble's cell: `Q` (quorum), `Q1` (quorum on side 1 of a cut), `--` (none).
  static func ensembleCell(_ o: EnsembleOutcome, _ s: FailureScenario) -> String {
    guard let side = o.quorumSide else { return "--" }
    return s.isPartitioned ? "Q\(side)" : "Q"
  }

  /// An app's cell: `ok`, `deg`, `UNAV`, `down`; `!` when clients risk SESSION_EXPIRED.
  static func appCell(_ o: AppOutcome) -> String {
    let status =
      switch o.status {
      case .ok: "ok"
      case .degraded: "deg"
      case .unavailable: "UNAV"
      case .down: "down"
      }
    return status + (o.sessionExpiryRisk ? "!" : "")
  }

  /// The width the text grid keeps to, and the most rows it shows; the rest is counted.
  public static let textWidth = 120
  public static let maxTextRows = 200

  /// `matrix` as text: a grid with numbered columns and a legend, fitting a terminal for a
  /// dozen datacenters. What does not fit is counted, never dropped silently.
  public static func text(_ rows: MatrixRows, _ t: ValidatedTopology, gates: [FailureGate] = []) -> String {
    textAndFailing(rows, t, gates: gates).text
  }

  /// `matrix` as text, and how many rows trip the gates: the one pass over the rows gives both,
  /// so `--fail-on` does not evaluate every scenario a second time for the exit code.
  public static func textAndFailing(
    _ rows: MatrixRows, _ t: ValidatedTopology, gates: [FailureGate] = []
  ) -> (text: String, failing: Int) {
    var out =
      "Survival matrix of '\(t.name)': \(AnalysisWording.count(rows.count, "scenario")), "
      + "\(AnalysisWording.count(t.ensembles.count, "ensemble")), \(AnalysisWording.count(t.apps.count, "app"))\n\n"
    guard rows.count > 0 else { return (out, 0) }
    let labels = rows.scenarios.prefix(maxTextRows).map { AnalysisWording.scenarioLabel($0, t) }
    let labelWidth = min(40, max("scenario".count, labels.map(\.count).max() ?? 0))
    // Columns of 6 characters after the label; at least four whatever the width.
    let columns = max(4, (textWidth - labelWidth - 3) / 6)
    let ensembleColumns = Array(t.ensembles.indices.prefix(columns))
    let appColumns = Array(t.apps.indices.prefix(max(0, columns - ensembleColumns.count)))
    func cut(_ s: String) -> String { s.count > labelWidth ? String(s.prefix(labelWidth - 1)) + "…" : s }
    let cellWidth = 5
    func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) + " " }
    var header = pad("scenario", labelWidth) + "  "
    header += ensembleColumns.map { pad("E\($0 + 1)", cellWidth) }.joined()
    if !appColumns.isEmpty { header += " " + appColumns.map { pad("A\($0 + 1)", cellWidth) }.joined() }
    out += header.trimmingTrailingSpaces() + "\n"
    var tripped = 0
    // Every row counts for the gates; the first maxTextRows are shown.
    for (index, row) in rows.enumerated() {
      // Without gates, the rows past the shown ones need not be evaluated at all.
      if gates.isEmpty && index >= labels.count { break }
      let fails = !rows.tripped(gates, row).isEmpty
      if fails { tripped += 1 }
      guard index < labels.count else { continue }
      var line = pad(cut(labels[index]), labelWidth) + "  "
      line += ensembleColumns.map { pad(ensembleCell(row.ensembles[$0], row.scenario), cellWidth) }.joined()
      if !appColumns.isEmpty { line += " " + appColumns.map { pad(appCell(row.apps[$0]), cellWidth) }.joined() }
      if fails { line += " <- fails the gate" }
      out += line.trimmingTrailingSpaces() + "\n"
    }
    if rows.count > maxTextRows {
      out +=
        "… \(AnalysisWording.count(rows.count - maxTextRows, "more scenario")) not shown (--format json or markdown lists all)\n"
    }
    let hiddenEnsembles = t.ensembles.count - ensembleColumns.count
    let hiddenApps = t.apps.count - appColumns.count
    if hiddenEnsembles + hiddenApps > 0 {
      out +=
        "… \(AnalysisWording.count(hiddenEnsembles, "more ensemble")) and \(AnalysisWording.count(hiddenApps, "more app")) not shown as columns (--format json or markdown shows all)\n"
    }
    out += "\n"
    out += wrap(ensembleColumns.map { "E\($0 + 1) \(t.ensembles[$0].name)" }, separator: "  ")
    if !appColumns.isEmpty {
      out += wrap(
        appColumns.map { "A\($0 + 1) \(t.apps[$0].name) (\(t.datacenters[t.apps[$0].datacenter].name))" },
        separator: "  ")
    }
    out += wrap(
      [
        "Q keeps its quorum (Q0: on the side of the rest, Q1: on the cut-off side),", "-- no quorum;",
        "ok, deg(raded), UNAV(ailable), down (its own datacenter failed);",
        "! clients risk SESSION_EXPIRED while they fail over",
      ], separator: " ")
    if !gates.isEmpty {
      out +=
        "gates \(gates.map(\.rawValue).joined(separator: ", ")): "
        + (tripped == 0
          ? "no scenario fails them\n"
          : "\(AnalysisWording.count(tripped, "scenario")) \(tripped == 1 ? "fails" : "fail") them\n")
    }
    return (out, tripped)
  }

  /// Items joined on lines of at most 100 characters.
  static func wrap(_ items: [String], separator: String, width: Int = 100) -> String {
    var out = ""
    var line = ""
    for item in items {
      if !line.isEmpty && line.count + separator.count + item.count > width {
        out += line + "\n"
        line = ""
      }
      line += (line.isEmpty ? "" : separator) + item
    }
    return line.isEmpty ? out : out + line + "\n"
  }

  /// `matrix --format markdown`: every scenario and every ensemble and app, named.
  public static func markdown(_ rows: MatrixRows, _ t: ValidatedTopology, gates: [FailureGate] = []) -> String {
    markdownAndFailing(rows, t, gates: gates).text
  }

  /// `matrix --format markdown`, and how many rows trip the gates (one pass, as for text).
  public static func markdownAndFailing(
    _ rows: MatrixRows, _ t: ValidatedTopology, gates: [FailureGate] = []
  ) -> (text: String, failing: Int) {
    let out = TextOutput()
    let failing = markdown(rows, t, gates: gates, into: out)
    return (out.finish(), failing)
  }

  /// `matrix --format markdown` written to `out` a row at a time, as each scenario is
  /// evaluated (an estate's table is hundreds of megabytes: it is never held whole); returns
  /// how many rows trip the gates.
  public static func markdown(
    _ rows: MatrixRows, _ t: ValidatedTopology, gates: [FailureGate] = [], into out: TextOutput
  ) -> Int {
    out += "# Survival matrix of `\(t.name)`\n\n"
    out +=
      "\(AnalysisWording.count(rows.count, "scenario")); ensembles: quorum (side of a cut) or none; apps: status, ⚠ when clients risk SESSION_EXPIRED while they fail over.\n\n"
    let header =
      ["scenario"] + t.ensembles.map { "ensemble \($0.name)" }
      + t.apps.map { "\($0.name) (\(t.datacenters[$0.datacenter].name))" } + (gates.isEmpty ? [] : ["gates"])
    out.write(ReportRendering.markdownRow(header))
    out.write(ReportRendering.markdownRule(columns: header.count))
    var failing = 0
    for row in rows {
      var cells = [AnalysisWording.scenario(row.scenario, t)]
      cells += row.ensembles.map { o in
        guard let side = o.quorumSide else { return "**no quorum**" }
        return row.scenario.isPartitioned
          ? "quorum ({\(row.scenario.sideNames(t)[side].joined(separator: ", "))})" : "quorum"
      }
      cells += row.apps.map { o in
        let status = o.status == .ok || o.status == .down ? o.status.rawValue : "**\(o.status.rawValue)**"
        return status + (o.sessionExpiryRisk ? " ⚠" : "")
      }
      if !gates.isEmpty {
        let tripped = rows.tripped(gates, row)
        if !tripped.isEmpty { failing += 1 }
        cells.append(tripped.isEmpty ? "pass" : "**fails** " + tripped.map(\.rawValue).joined(separator: ", "))
      }
      out.write(ReportRendering.markdownRow(cells))
    }
    return failing
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var s = self
    while s.hasSuffix(" ") { s.removeLast() }
    return s
  }
}
