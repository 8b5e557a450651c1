public import TopologyAnalysis
public import TopologyDiagnostics
import TopologyEmitters
public import TopologyModel

/// Renders `analyze` and `what-if` results as text or JSON.
public enum AnalysisRendering {
  // MARK: analyze

  /// `analyze --format json`.
  public static func analyzeJSON(_ r: AnalysisReport, _ t: ValidatedTopology) -> JSONValue {
    .object([
      ("topology", .string(t.name)),
      ("ensembles", .array(r.ensembles.map { ensembleJSON($0, t) })),
      ("apps", appsJSON(r.apps, t)),
    ])
  }

  /// Every app's object, each made as it is written. Apps of one profile share every member
  /// but their name: those are built once per profile and shared (a JSON value holds them by
  /// reference). Made as written, not held: an object per app, each with its own array of
  /// members, was 15 MB of `analyze --format json`'s peak on an estate of 50,000 apps.
  static func appsJSON(_ apps: [AppReport], _ t: ValidatedTopology) -> JSONValue {
    var shared: [Int: [(String, JSONValue)]] = [:]
    for a in apps where shared[a.profile] == nil { shared[a.profile] = appJSONMembers(a, t) }
    let members = shared
    return .elements(JSONElements(apps) { a in .object([("name", .string(a.name))] + (members[a.profile] ?? [])) })
  }

  static func sets(_ s: [[String]]) -> JSONValue { .array(s.map { .strings($0) }) }

  /// `{probability, nines, downtimeSecondsPerYear}`, or null when availabilities are not set.
  static func availabilityJSON(_ p: Double?) -> JSONValue {
    guard let p else { return .null }
    return .object([
      ("probability", .double(p)), ("nines", .double(AvailabilityModel.nines(p))),
      ("downtimeSecondsPerYear", .double(AvailabilityModel.downtimePerYear(p))),
    ])
  }

  /// "99.999624% (5.4 nines, 2m downtime a year)".
  static func availabilityText(_ p: Double) -> String {
    let seconds = Int(AvailabilityModel.downtimePerYear(p).rounded())
    let downtime =
      seconds >= 3600
      ? "\(seconds / 3600)h\(seconds % 3600 / 60)m" : (seconds >= 60 ? "\(seconds / 60)m" : "\(seconds)s")
    return "\(AvailabilityWording.percent(p)) (\(AvailabilityWording.nines(p)) nines, about \(downtime) down a year)"
  }

  static func ensembleJSON(_ e: EnsembleReport, _ t: ValidatedTopology) -> JSONValue {
    .object([
      ("name", .string(e.name)),
      ("quorumRule", .string(e.quorum.rawValue)),
      ("voters", .int(e.voters)),
      ("observers", .int(e.observers)),
      ("requirement", .string(AnalysisWording.requirement(e.requirement))),
      ("toleratedMachineFailures", .int(e.toleratedMachineFailures)),
      ("availability", availabilityJSON(e.availability)),
      ("criticalDatacenters", .strings(e.criticalDatacenters)),
      ("survivesAnyDatacenterFailure", .bool(e.survivesAnyDatacenterFailure)),
      ("minimalBreakingDatacenterSets", sets(e.minimalBreakingDatacenterSets)),
      ("datacenterSetsComplete", .bool(e.datacenterSetsComplete)),
      ("criticalRacks", .strings(e.criticalRacks)),
      ("minimalBreakingRackSets", sets(e.minimalBreakingRackSets)),
      ("rackSetsComplete", .bool(e.rackSetsComplete)),
      (
        "placement",
        .array(
          e.placement.map {
            .object([
              ("datacenter", .string($0.datacenter)), ("voters", .int($0.voters)),
              ("observers", .int($0.observers)), ("weight", .int($0.weight)),
            ])
          })
      ),
      (
        "splits",
        .array(
          e.splits.map {
            .object([
              ("sideA", .strings($0.sideA)), ("sideB", .strings($0.sideB)),
              ("quorumSide", $0.holder.map { .string($0 == 0 ? "A" : "B") } ?? .null),
            ])
          })
      ),
      ("splitsComplete", .bool(e.splitsComplete)),
    ])
  }

  /// An app's JSON members after its name.
  static func appJSONMembers(_ a: AppReport, _ t: ValidatedTopology) -> [(String, JSONValue)] {
    let registries: [JSONValue] = a.sessions.map { ei, n, m in
      let e = t.ensembles[ei]
      return .object([
        ("ensemble", .string(e.name)),
        ("requestedSessionTimeoutMs", .int(m.requestedMs)),
        ("negotiatedSessionTimeoutMs", .int(m.negotiatedMs)),
        ("servers", .int(n)),
        ("connectTimeoutMs", .int(m.connectTimeoutMs)),
        ("readTimeoutMs", .int(m.readTimeoutMs)),
        ("pingIntervalMs", .int(m.pingIntervalMs)),
        ("failoverBudgetMs", .int(m.budgetMs)),
      ])
    }
    func outcomes(_ list: [AppScenarioOutcome]) -> JSONValue {
      .array(
        list.map { item in
          .object([
            ("datacenter", .string(item.datacenter)),
            ("status", .string(item.outcome.status.rawValue)),
            ("registry", .optional(item.outcome.activeRegistry.map { t.ensembles[$0].name })),
            ("expiryRisk", .bool(item.outcome.sessionExpiryRisk)),
            ("reason", .string(AnalysisWording.appReason(item.outcome, item.scenario, t, ensemble: item.ensemble))),
          ])
        })
    }
    return [
      ("datacenter", .string(a.datacenter)),
      ("registries", .array(registries)),
      ("registryAvailability", availabilityJSON(a.registryAvailability)),
      ("anyRegistryAvailability", availabilityJSON(a.anyRegistryAvailability)),
      ("datacenterFailures", outcomes(a.failures)),
      ("isolations", outcomes(a.isolations)),
      ("losesRegistryWhenFailed", .strings(a.failures.filter { $0.outcome.status == .unavailable }.map(\.datacenter))),
      (
        "losesRegistryWhenIsolated",
        .strings(a.isolations.filter { $0.outcome.status == .unavailable }.map(\.datacenter))
      ),
    ]
  }

  static func list(_ items: [String]) -> String {
    items.isEmpty ? "none" : items.map { "'\($0)'" }.joined(separator: ", ")
  }

  static func setList(_ sets: [[String]]) -> String {
    sets.isEmpty ? "none" : sets.map { "{" + $0.joined(separator: ", ") + "}" }.joined(separator: " ")
  }

  /// `analyze` as text.
  public static func analyzeText(_ r: AnalysisReport, _ t: ValidatedTopology) -> String {
    let out = TextOutput()
    analyzeText(r, t, into: out)
    return out.finish()
  }

  /// `analyze` as text, written to `out` as it is made.
  public static func analyzeText(_ r: AnalysisReport, _ t: ValidatedTopology, into out: TextOutput) {
    out +=
      "Topology '\(t.name)': \(AnalysisWording.count(t.datacenters.count, "datacenter")), \(AnalysisWording.count(t.machines.count, "machine")), \(AnalysisWording.count(t.ensembles.count, "ensemble")), \(AnalysisWording.count(t.apps.count, "app"))\n"
    analyzeBody(r, t, into: out)
  }

  /// `analyze`'s text after its first line: every ensemble and app, each after a blank line
  /// (but the first, without `leadingBlankLine`).
  static func analyzeBody(
    _ r: AnalysisReport, _ t: ValidatedTopology, into out: TextOutput, leadingBlankLine: Bool = true
  ) {
    var blank = leadingBlankLine
    func section() {
      if blank { out += "\n" }
      blank = true
    }
    for e in r.ensembles {
      section()
      out +=
        "ensemble '\(e.name)' (\(e.quorum.rawValue) quorum: \(AnalysisWording.count(e.voters, "voter")), \(AnalysisWording.count(e.observers, "observer")))\n"
      let placement = e.placement.map {
        "\($0.datacenter) \($0.voters)v" + ($0.observers > 0 ? "+\($0.observers)o" : "")
          + (e.quorum == .hierarchical ? " (weight \($0.weight))" : "")
      }
      out += "  placement:       \(placement.joined(separator: ", "))\n"
      out += "  quorum needs:    \(AnalysisWording.requirement(e.requirement))\n"
      out +=
        e.toleratedMachineFailures <= 0
        ? "  tolerates:       no voter failure\n"
        : "  tolerates:       any \(AnalysisWording.count(e.toleratedMachineFailures, "voter failure"))\n"
      if let p = e.availability {
        out += "  availability:    \(availabilityText(p))\n"
      }
      out += "  critical DCs:    \(list(e.criticalDatacenters))"
      out += e.survivesAnyDatacenterFailure ? " (survives any single datacenter failure)\n" : "\n"
      out += "  breaking DC sets: \(setList(e.minimalBreakingDatacenterSets))"
      out += e.datacenterSetsComplete ? "\n" : " (sets of up to 3 only)\n"
      if !e.minimalBreakingRackSets.isEmpty || !e.criticalRacks.isEmpty {
        out += "  critical racks:  \(list(e.criticalRacks))\n"
        out += "  breaking rack sets: \(setList(e.minimalBreakingRackSets))"
        out += e.rackSetsComplete ? "\n" : " (sets of up to 3 only)\n"
      }
      if !e.splits.isEmpty {
        out +=
          e.splitsComplete
          ? "  network splits:\n"
          : "  network splits (each datacenter cut off; \(e.placement.filter { $0.voters > 0 }.count) datacenters have too many two-way splits to list them all):\n"
        for s in e.splits {
          let a = s.sideA.joined(separator: ", ")
          let b = s.sideB.joined(separator: ", ")
          let holder = s.holder.map { $0 == 0 ? "quorum on {\(a)}" : "quorum on {\(b)}" } ?? "no side keeps the quorum"
          out += "    {\(a)} | {\(b)}: \(holder)\n"
        }
      }
    }
    // Apps of one profile differ only in name: their lines after the first are made once, and
    // copied as bytes. Each app's own line is written in pieces, the report read in place (a
    // line built for each of 50,000 apps, and a copy of each app's report, cost more than
    // making the profiles' lines).
    var bodies: [Int: [UInt8]] = [:]
    for i in r.apps.indices {
      if blank { out.write(literal: "\n") }
      blank = true
      out.write(literal: "app '")
      out.write(r.apps[i].name)
      out.write(literal: "' in '")
      out.write(r.apps[i].datacenter)
      out.write(literal: "', registries: ")
      let profile = r.apps[i].profile
      if let body = bodies[profile] {
        out.write(bytes: body)
        continue
      }
      let body = Array(appBody(r.apps[i], t.apps[r.apps[i].app], t).utf8)
      bodies[profile] = body
      out.write(bytes: body)
    }
  }

  /// An app's registries and everything after them, for every app of its profile.
  static func appBody(_ a: AppReport, _ app: App, _ t: ValidatedTopology) -> String {
    var out = app.registries.map { "'\(t.ensembles[$0].name)'" }.joined(separator: ", ") + "\n"
    for (ei, n, m) in a.sessions {
      let e = t.ensembles[ei]
      out += "  '\(e.name)': session \(AnalysisLints.fmt(m.negotiatedMs))"
      if m.negotiatedMs != m.requestedMs { out += " (asked \(AnalysisLints.fmt(m.requestedMs)), clamped)" }
      out +=
        ", \(n) servers, connect timeout \(AnalysisLints.fmt(m.connectTimeoutMs)), read timeout \(AnalysisLints.fmt(m.readTimeoutMs)), ping every \(AnalysisLints.fmt(m.pingIntervalMs)), fail-over budget \(AnalysisLints.fmt(m.budgetMs))\n"
    }
    if let p = a.registryAvailability {
      out += "  preferred registry usable while '\(a.datacenter)' is up: \(availabilityText(p))\n"
    }
    if app.registries.count > 1, let p = a.anyRegistryAvailability {
      out += "  some registry usable while '\(a.datacenter)' is up: \(availabilityText(p))\n"
    }
    for (label, items) in [("if a datacenter fails", a.failures), ("if a datacenter is cut off", a.isolations)]
    where !items.isEmpty {
      out += "  \(label):\n"
      for item in items {
        let o = item.outcome
        let risk = o.sessionExpiryRisk ? "; sessions at risk during fail-over" : ""
        out +=
          "    \(item.datacenter): \(o.status.rawValue) (\(AnalysisWording.appReason(o, item.scenario, t, ensemble: item.ensemble)))\(risk)\n"
      }
    }
    return out
  }

  // MARK: what-if

  /// The JSON name of a registry state.
  static func stateName(_ s: RegistryState) -> String {
    switch s {
    case .serving: "serving"
    case .nothingListed: "nothing-listed"
    case .noQuorum: "no-quorum"
    case .quorumElsewhere: "quorum-on-other-side"
    case .listedUnreachable: "listed-unreachable"
    case .listedNotServing: "listed-not-serving"
    }
  }

  /// `what-if --format json`.
  public static func whatIfJSON(
    _ s: FailureScenario, _ r: (ensembles: [EnsembleOutcome], apps: [AppOutcome]), _ t: ValidatedTopology
  ) -> JSONValue {
    let sideNames = s.sideNames(t)
    let scenario = JSONValue.object([
      ("description", .string(AnalysisWording.scenario(s, t))),
      ("failedDatacenters", .strings(s.failedDatacenters.sorted().map { t.datacenters[$0].name })),
      ("failedRacks", .strings(s.failedRacks.sorted().map { "\(t.datacenters[$0.datacenter].name)/\($0.rack)" })),
      ("failedMachines", .strings(s.failedMachines.sorted().map { t.machines[$0].name })),
      ("sides", .array(sideNames.map { .strings($0) })),
    ])
    let ensembles: [JSONValue] = r.ensembles.map { o in
      let e = t.ensembles[o.ensemble]
      return .object([
        ("name", .string(e.name)),
        ("quorum", .bool(o.quorum)),
        ("side", o.quorumSide.map { .strings(sideNames[$0]) } ?? .null),
        ("aliveVoters", .int(o.aliveVoters)),
        ("totalVoters", .int(o.totalVoters)),
        ("requirement", .string(AnalysisWording.requirement(o.requirement))),
        (
          "serving", .strings(e.members.indices.filter { o.serving[$0] }.map { t.machines[e.members[$0].machine].name })
        ),
        ("down", .strings(e.members.indices.filter { !o.up[$0] }.map { t.machines[e.members[$0].machine].name })),
        ("reason", .string(AnalysisWording.ensembleReason(o, s, t))),
      ])
    }
    let apps: [JSONValue] = r.apps.map { o in
      let app = t.apps[o.app]
      return .object([
        ("name", .string(app.name)),
        ("datacenter", .string(t.datacenters[app.datacenter].name)),
        ("status", .string(o.status.rawValue)),
        ("registry", .optional(o.activeRegistry.map { t.ensembles[$0].name })),
        ("reason", .string(AnalysisWording.appReason(o, s, t) { r.ensembles[$0] })),
        ("sessionExpiryRisk", .bool(o.sessionExpiryRisk)),
        (
          "registries",
          .array(
            o.registries.map { g in
              .object([
                ("ensemble", .string(t.ensembles[g.ensemble].name)),
                ("usable", .bool(g.usable)),
                ("listed", .int(g.listed)),
                ("reachable", .int(g.reachable)),
                ("serving", .int(g.servingReachable)),
                ("unreachable", .int(g.unreachable)),
                ("sessionTimeoutMs", .int(g.failover.negotiatedMs)),
                ("worstCaseFailoverMs", .int(g.failover.worstCaseMs(unreachable: g.unreachable))),
                ("failoverBudgetMs", .int(g.failover.budgetMs)),
                ("failoverBudgetIfReportedMs", .int(g.failover.reportedBudgetMs)),
                ("pingIntervalMs", .int(g.failover.pingIntervalMs)),
                ("affectedClients", .double(g.listed > 0 ? Double(g.unreachable) / Double(g.listed) : 0)),
                ("expiryRisk", .bool(g.expiryRisk)),
                ("expiryProbability", .double(g.expiryProbability)),
                ("providerReregistrationDelayMs", g.expiryRisk ? .int(FailoverModel.dubboRetryPeriodMs) : .null),
                ("state", .string(stateName(g.state))),
                ("reason", .string(AnalysisWording.registryReason(g, r.ensembles[g.ensemble], s, t))),
              ])
            })
        ),
      ])
    }
    return .object([("scenario", scenario), ("ensembles", .array(ensembles)), ("apps", .array(apps))])
  }

  /// `what-if` as text.
  public static func whatIfText(
    _ s: FailureScenario, _ r: (ensembles: [EnsembleOutcome], apps: [AppOutcome]), _ t: ValidatedTopology,
    into out: TextOutput
  ) {
    out.write("What if \(AnalysisWording.scenario(s, t))?\n\nensembles:\n")
    for o in r.ensembles {
      let e = t.ensembles[o.ensemble]
      out += "  \(o.quorum ? "QUORUM   " : "NO QUORUM") \(e.name): \(AnalysisWording.ensembleReason(o, s, t))\n"
    }
    if !r.apps.isEmpty { out += "\napps:\n" }
    for o in r.apps {
      let app = t.apps[o.app]
      out +=
        "  \(o.status.rawValue.uppercased().padding(11)) \(app.name) (\(t.datacenters[app.datacenter].name)): \(AnalysisWording.appReason(o, s, t) { r.ensembles[$0] })\n"
      guard o.status != .down else { continue }
      for g in o.registries where g.usable && g.unreachable > 0 {
        let f = g.failover
        let worst = f.worstCaseMs(unreachable: g.unreachable)
        let p = f.expiryProbability(unreachable: g.unreachable)
        out +=
          "      clients of '\(t.ensembles[g.ensemble].name)' on the \(g.unreachable) unreachable server\(g.unreachable == 1 ? "" : "s") (\(g.unreachable) of \(g.listed)) fail over in at most \(AnalysisLints.fmt(worst)); the session leaves \(AnalysisLints.fmt(f.budgetMs))"
        out += g.expiryRisk ? ": SESSION_EXPIRED risk, \(AnalysisLints.percent(p)) of them\n" : ": no expiry\n"
        if g.expiryRisk { out += "      \(AnalysisLints.expiryCost)\n" }
      }
    }
  }
}

extension String {
  /// The string padded with spaces to `width` columns. Columns are Unicode scalars (names are
  /// ASCII; the wording's few symbols are one scalar each), which costs a pass over the UTF-8
  /// rather than grapheme breaking.
  func padding(_ width: Int) -> String {
    let n = unicodeScalars.count
    guard n < width else { return self }
    let k = width - n
    guard k <= spaces.utf8.count else { return self + String(repeating: " ", count: k) }
    var out = self
    out.append(contentsOf: spaces[..<spaces.utf8.index(spaces.utf8.startIndex, offsetBy: k)])
    return out
  }
}

/// Spaces to pad with, sliced rather than built for each cell.
private let spaces = String(repeating: " ", count: 128)
