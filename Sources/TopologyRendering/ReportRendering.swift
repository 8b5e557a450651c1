public import TopologyAnalysis
public import TopologyDiagnostics
import TopologyEmitters
public import TopologyModel

/// Renders `compare` and the combined `report`.
public enum ReportRendering {
  static func yes(_ b: Bool) -> String { b ? "yes" : "no" }

  /// Milliseconds for people: `1.5ms`, `28ms`.
  static func ms(_ v: Double) -> String { Duration.format(milliseconds: v) }

  /// "bj-a 2 + bj-b 2 + sh-a 1"; past six datacenters, the first four, the last and a count
  /// (a table cell as wide as 255 datacenters would pad every row of the site to it).
  static func placement(_ d: SiteDesign) -> String {
    let parts = d.voters.map { "\($0.datacenter) \($0.count)" }
    guard parts.count > 6, let last = parts.last else { return parts.joined(separator: " + ") }
    let voters = d.voters.reduce(0) { $0 + $1.count }
    return parts.prefix(4).joined(separator: " + ") + " + … + \(last) (\(voters) voters in \(parts.count) datacenters)"
  }

  static func name(_ d: SiteDesign) -> String {
    if let e = d.ensemble {
      if case .declared(let users) = d.origin, users.isEmpty { return "'\(e)' (declared, unused here)" }
      return "'\(e)'"
    }
    return d.exists ? "(proposed)" : "(none possible)"
  }

  static func quoted(_ names: [String]) -> String { names.map { "'\($0)'" }.joined(separator: ", ") }

  /// Where a design comes from, in words; nil for a declared ensemble the site's apps use.
  static func origin(_ d: SiteDesign) -> String? {
    switch d.origin {
    case .declared(let users):
      return users.isEmpty ? "'\(d.ensemble ?? "")' is declared, but no app of this site uses it" : nil
    case .proposed(let machines, let dcs):
      if d.kind == .shared {
        return
          "proposed: 3 voters, one in each of \(quoted(dcs)) (on \(machines.joined(separator: ", "))): the smallest ensemble that survives any one datacenter"
      }
      return
        "proposed: 3 voters on \(machines.joined(separator: ", ")) in \(quoted(dcs)) (own ports if they already serve another ensemble)"
    case .noMachines:
      return "no datacenter has machines"
    case .onlyTwoDatacenters(let dcs):
      return
        "only \(dcs.map { "'\($0)'" }.joined(separator: " and ")) have machines: an ensemble over two datacenters cannot survive losing either; add a third site with one tiebreaker voter (2+2+1)"
    case .tooFewMachines(let site, let n):
      return
        "'\(site)' has \(AnalysisWording.count(n, "machine")); an independent ensemble needs 3 to tolerate one failure"
    }
  }

  /// How the site's apps use their registries: "order-service: 'global'; payment-gateway:
  /// 'sh-local', then 'global' (multi-registry)".
  static func usage(_ c: SiteComparison) -> String {
    let out = TextOutput()
    usage(c, into: out)
    return out.finish()
  }

  /// ``usage(_:)``, written to `out` piece by piece: a site lists hundreds of apps, and
  /// building the line as a `String` cost more than comparing the site.
  static func usage(_ c: SiteComparison, into out: TextOutput) {
    for (k, u) in c.usage.enumerated() {
      if k > 0 { out.write(literal: "; ") }
      out.write(u.app)
      out.write(literal: ": ")
      for (i, registry) in u.registries.enumerated() {
        if i > 0 { out.write(literal: ", then ") }
        out.write(literal: "'")
        out.write(registry)
        out.write(literal: "'")
      }
      if u.registries.count > 1 { out.write(literal: " (multi-registry)") }
    }
  }

  /// The recommendation in words.
  static func recommendation(_ c: SiteComparison) -> String {
    let site = c.site
    switch c.recommendation {
    case .neitherPossible(let used):
      return
        "neither a shared nor an independent ensemble can be built from these datacenters; the apps depend on \(used.isEmpty ? "no registry" : quoted(used)), so '\(site)' has a registry only while those are reachable"
    case .independentOnly:
      return "independent: \(origin(c.shared) ?? "no shared design")"
    case .independentFirst(let fragile):
      let keep =
        c.multiRegistry
        ? "as the apps already do, keep the shared one second (Dubbo multi-registry) for cross-site discovery"
        : "keep the shared one second (Dubbo multi-registry) only for cross-site discovery"
      return "independent first: the shared ensemble does not survive losing \(quoted(fragile)) for '\(site)'; \(keep)"
    case .fixShared(let fragile):
      return
        "fix the shared ensemble: '\(site)' loses it with \(quoted(fragile)); spread its voters so that no datacenter holds a majority (2+2+1 over three datacenters). '\(site)' has too few machines for an independent one"
    case .spreadShared:
      return
        "the shared ensemble serves '\(site)' through anything only because '\(site)' holds a majority of its votes: every other site loses it with '\(site)'; spread its voters over three datacenters (2+2+1)"
    case .sharedWithoutLocalFallback:
      return
        "shared: it survives losing any other datacenter; cut off, '\(site)' loses its registry (add machines there for a local fallback)"
    case .shared:
      return
        "shared: it survives every single datacenter loss and the site being cut off, and keeps registrations globally unique"
    case .bothAsUsed:
      return
        "both, as the apps already do: the independent ensemble keeps '\(site)' working when cut off, the shared one gives cross-site discovery"
    case .both:
      return
        "both (Dubbo multi-registry, local first): the shared ensemble survives any one datacenter and keeps registrations unique, but cut off, '\(site)' keeps only the independent one"
    }
  }

  /// The rows of the side-by-side table: label, shared, independent.
  static func rows(_ c: SiteComparison) -> [(String, String, String)] {
    let s = c.shared
    let i = c.independent
    var rows: [(String, String, String)] = [
      ("ensemble", name(s), name(i)),
      ("voters", s.exists ? placement(s) : "-", i.exists ? placement(i) : "-"),
      ("machines used", s.exists ? "\(s.machines)" : "-", i.exists ? "\(i.machines)" : "-"),
      (
        "tolerated voter failures", s.exists ? "\(s.toleratedMachineFailures)" : "-",
        i.exists ? "\(i.toleratedMachineFailures)" : "-"
      ),
    ]
    func cell(_ d: SiteDesign, _ b: Bool) -> String { d.exists ? yes(b) : "-" }
    for (a, b) in zip(s.survivesLossOf, i.survivesLossOf) {
      rows.append(("'\(c.site)' keeps it when '\(a.datacenter)' is lost", cell(s, a.survives), cell(i, b.survives)))
    }
    rows.append(("'\(c.site)' keeps it when cut off", cell(s, s.survivesSiteCutOff), cell(i, i.survivesSiteCutOff)))
    rows.append(
      (
        "other sites keep it when '\(c.site)' is lost", cell(s, s.othersSurviveSiteLoss),
        i.exists ? "n/a (local only)" : "-"
      ))
    func latency(_ d: SiteDesign) -> String {
      guard d.exists else { return "-" }
      guard let best = d.latency.bestWriteMs, let worst = d.latency.worstWriteMs else {
        return "unknown (missing links)"
      }
      return best == worst ? "\(ms(best))" : "\(ms(best)) to \(ms(worst))"
    }
    func reads(_ d: SiteDesign) -> String {
      guard d.exists else { return "-" }
      if d.latency.localReads { return "local" }
      return d.latency.readMs.map { "remote, \(ms($0))" } ?? "remote, unknown"
    }
    func availability(_ d: SiteDesign) -> String {
      guard d.exists else { return "-" }
      guard let p = d.availability else { return "not set" }
      return "\(AvailabilityWording.percent(p)) (\(AvailabilityWording.nines(p)) nines)"
    }
    func failover(_ d: SiteDesign) -> String {
      guard d.exists else { return "-" }
      if d.failoverRisks.isEmpty { return "none" }
      return d.failoverRisks.map {
        "'\($0.datacenter)' lost: \(AnalysisLints.fmt($0.worstMs)) > \(AnalysisLints.fmt($0.budgetMs)) (\(AnalysisLints.percent($0.probability)))"
      }.joined(separator: "; ")
    }
    rows.append(("write latency from '\(c.site)' (by leader)", latency(s), latency(i)))
    rows.append(("reads from '\(c.site)'", reads(s), reads(i)))
    rows.append(("quorum availability", availability(s), availability(i)))
    rows.append(("SESSION_EXPIRED risk in fail-over", failover(s), failover(i)))
    let localUnique =
      c.multiRegistry ? "no; the apps also register in the shared one (multi-registry)" : "no (needs multi-registry)"
    rows.append(("globally unique registrations", yes(s.exists), i.exists ? localUnique : "-"))
    return rows
  }

  /// `compare` as text.
  public static func compareText(_ comparisons: [SiteComparison]) -> String {
    let out = TextOutput()
    compareText(comparisons, into: out)
    return out.finish()
  }

  /// `compare` as text, written to `out` as it is made.
  public static func compareText(_ comparisons: [SiteComparison], into out: TextOutput) {
    if comparisons.isEmpty {
      out += "No datacenter hosts apps: nothing to compare.\n"
      return
    }
    for c in comparisons {
      out += "site '\(c.site)' (apps: "
      for (i, app) in c.apps.enumerated() {
        if i > 0 { out.write(literal: ", ") }
        out.write(app)
      }
      out += ")\n  as written: "
      usage(c, into: out)
      out += "\n"
      let r = rows(c)
      let w0 = r.map { $0.0.unicodeScalars.count }.max() ?? 0
      let w1 = max(6, r.map { $0.1.unicodeScalars.count }.max() ?? 0)
      out += "  \("".padding(w0))  \("shared".padding(w1))  independent\n"
      for (label, a, b) in r {
        out += "  \(label.padding(w0))  \(a.padding(w1))  \(b)\n"
      }
      for d in [c.shared, c.independent] {
        if let words = origin(d) { out += "  \(d.kind.rawValue): \(words)\n" }
      }
      out += "  recommendation: \(recommendation(c))\n\n"
    }
  }

  /// `compare --format json`.
  public static func compareJSON(_ comparisons: [SiteComparison]) -> JSONValue {
    func design(_ d: SiteDesign) -> JSONValue {
      .object([
        ("ensemble", .optional(d.ensemble)),
        ("exists", .bool(d.exists)),
        ("declared", .bool(d.origin.isDeclared)),
        ("usedBy", { if case .declared(let u) = d.origin { return .strings(u) } else { return .strings([]) } }()),
        ("assumption", .optional(origin(d))),
        ("voters", .object(d.voters.map { ($0.datacenter, .int($0.count)) })),
        ("machines", .int(d.machines)),
        ("toleratedMachineFailures", .int(d.toleratedMachineFailures)),
        ("survivesLossOf", .object(d.survivesLossOf.map { ($0.datacenter, .bool($0.survives)) })),
        ("survivesSiteCutOff", .bool(d.survivesSiteCutOff)),
        ("othersSurviveSiteLoss", .bool(d.othersSurviveSiteLoss)),
        ("globallyUnique", .bool(d.exists && d.globallyUnique)),
        (
          "latency",
          .object([
            ("bestWriteMs", d.latency.bestWriteMs.map { .double($0) } ?? .null),
            ("worstWriteMs", d.latency.worstWriteMs.map { .double($0) } ?? .null),
            ("readMs", d.latency.readMs.map { .double($0) } ?? .null),
            ("localReads", .bool(d.latency.localReads)),
          ])
        ),
        ("availability", d.availability.map { .double($0) } ?? .null),
        (
          "failoverRisks",
          .array(
            d.failoverRisks.map {
              .object([
                ("datacenter", .string($0.datacenter)), ("worstCaseMs", .int($0.worstMs)),
                ("budgetMs", .int($0.budgetMs)), ("probability", .double($0.probability)),
              ])
            })
        ),
      ])
    }
    return .object([
      (
        "sites",
        .array(
          comparisons.map { c in
            .object([
              // A site's apps and their usage are made as they are written: an estate's
              // 50,000 apps held as values were 10 MB of report --format json's peak.
              ("site", .string(c.site)), ("apps", .elements(JSONElements(c.apps) { .string($0) })),
              (
                "usage",
                .elements(
                  JSONElements(c.usage) {
                    .object([("app", .string($0.app)), ("registries", .strings($0.registries))])
                  })
              ),
              ("multiRegistry", .bool(c.multiRegistry)),
              ("shared", design(c.shared)), ("independent", design(c.independent)),
              ("recommendation", .string(recommendation(c))),
            ])
          })
      )
    ])
  }

  static func markdownTable(_ header: [String], _ rows: [[String]]) -> String {
    markdownRow(header) + markdownRule(columns: header.count) + rows.map(markdownRow).joined()
  }

  /// A row of a Markdown table, `|` in a cell escaped.
  static func markdownRow(_ cells: [String]) -> String {
    "| " + cells.map { $0.replacingAll("|", "\\|") }.joined(separator: " | ") + " |\n"
  }

  /// The line under a Markdown table's header.
  static func markdownRule(columns: Int) -> String {
    "|" + String(repeating: "---|", count: columns) + "\n"
  }

  /// `report --format json`: the same facts as the text, under one document.
  public static func reportJSON(_ t: ValidatedTopology, diagnostics: [Diagnostic]) -> JSONValue {
    let evaluator = ScenarioEvaluator(t)
    return .object([
      ("topology", .string(t.name)),
      ("diagnostics", .array(diagnostics.map(DiagnosticRenderer.json))),
      ("analysis", AnalysisRendering.analyzeJSON(Analyzer.analyze(t, evaluator: evaluator), t)),
      ("comparison", compareJSON(Comparison.compare(t, evaluator: evaluator))),
      ("connect", ConnectStrings.json(t, apps: t.apps)),
    ])
  }

  /// The whole report: check, analyze, compare and connect, as text or Markdown.
  public static func report(
    _ t: ValidatedTopology, diagnostics: [Diagnostic], markdown: Bool
  ) -> String {
    let out = TextOutput()
    report(t, diagnostics: diagnostics, markdown: markdown, into: out)
    return out.finish()
  }

  /// The whole report, written to `out` as it is made.
  public static func report(
    _ t: ValidatedTopology, diagnostics: [Diagnostic], markdown: Bool, into out: TextOutput
  ) {
    let evaluator = ScenarioEvaluator(t)
    let analysis = Analyzer.analyze(t, evaluator: evaluator)
    let comparisons = Comparison.compare(t, evaluator: evaluator)
    func heading(_ text: String, level: Int = 2) {
      if markdown {
        out.write(String(repeating: "#", count: level) + " \(text)\n\n")
      } else {
        out.write(text + "\n" + String(repeating: level == 1 ? "=" : "-", count: text.count) + "\n\n")
      }
    }
    heading("quorate report: \(t.name)", level: 1)
    out +=
      "\(t.datacenters.count) datacenters, \(t.machines.count) machines, \(t.ensembles.count) ensembles, \(t.apps.count) apps (from \(t.file)).\n\n"

    heading("Check")
    let warnings = diagnostics.filter { $0.severity == .warning }
    if warnings.isEmpty {
      out += "No warnings.\n\n"
    } else {
      for d in warnings.sortedByPosition() {
        out += markdown ? "- `\(d.code)` " : "- \(d.code) "
        out += "line \(d.range.start.line): \(d.message)\n"
        if let help = d.help { out += "  help: \(help)\n" }
      }
      out += "\n"
    }

    heading("Ensembles")
    if markdown {
      out.write(
        markdownTable(
          [
            "ensemble", "quorum", "voters", "observers", "tolerates", "critical datacenters",
            "minimal breaking datacenter sets",
          ],
          analysis.ensembles.map { e in
            [
              e.name, "\(e.quorum.rawValue) (\(AnalysisWording.requirement(e.requirement)))", "\(e.voters)",
              "\(e.observers)",
              "\(e.toleratedMachineFailures) voter failure\(e.toleratedMachineFailures == 1 ? "" : "s")",
              e.criticalDatacenters.isEmpty ? "none" : e.criticalDatacenters.joined(separator: ", "),
              AnalysisRendering.setList(e.minimalBreakingDatacenterSets),
            ]
          }) + "\n")
      for a in analysis.apps {
        let lost = a.failures.filter { $0.outcome.status == .unavailable }.map(\.datacenter)
        let cut = a.isolations.filter { $0.outcome.status == .unavailable }.map(\.datacenter)
        out += "- app **\(a.name)** (\(a.datacenter)): "
        if lost.isEmpty && cut.isEmpty {
          out += "keeps a registry through any single datacenter failure or cut\n"
        } else {
          let parts = [
            lost.isEmpty ? nil : "when \(lost.joined(separator: ", ")) fails",
            cut.isEmpty ? nil : "when \(cut.joined(separator: ", ")) is cut off",
          ].compactMap { $0 }
          out += "loses its registry \(parts.joined(separator: "; "))\n"
        }
      }
      out += "\n"
    } else {
      // analyze's text without its title line and the blank line after it.
      AnalysisRendering.analyzeBody(analysis, t, into: out, leadingBlankLine: false)
      out += "\n"
    }

    heading("Shared or independent, per site")
    if markdown {
      if comparisons.isEmpty { out += "No datacenter hosts apps.\n\n" }
      for c in comparisons {
        out += "### Site \(c.site)\n\nApps: \(c.apps.joined(separator: ", ")). As written: \(usage(c)).\n\n"
        out.write(markdownTable(["", "shared", "independent"], rows(c).map { [$0.0, $0.1, $0.2] }) + "\n")
        for d in [c.shared, c.independent] {
          if let words = origin(d) { out += "- \(d.kind.rawValue): \(words)\n" }
        }
        out += "- **Recommendation**: \(recommendation(c))\n\n"
      }
    } else {
      compareText(comparisons, into: out)
    }

    heading("Connect strings")
    if markdown {
      var known = ConnectStrings.ServerLists()
      for app in t.apps {
        out += "### \(app.name)\n\n"
        for r in ConnectStrings.addresses(app: app, in: t, known: &known) {
          out +=
            "- registry `\(r.ensemble)`\n  - connect string: `\(r.connectString)`\n  - Dubbo address: `\(r.dubboAddress)`\n"
        }
        out += "\n"
      }
      if !t.apps.isEmpty {
        out += "The ZooKeeper client shuffles its server list once, so the order is not a preference.\n"
      }
    } else {
      ConnectStrings.text(t, apps: t.apps, into: out)
    }
  }
}
