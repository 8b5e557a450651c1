import TopologyAnalysis
public import TopologyDiagnostics
public import TopologyModel

/// Warnings that need the analysis (the `A4xx` codes), reported by `check` with the rest.
public enum AnalysisLints {
  /// Every analysis warning for a validated topology.
  ///
  /// From `halvesFrom` apps up, each half of the apps is linted on its own core (the lint is
  /// about 60 M instructions on an estate of 50,000 apps, after everything else `check` does),
  /// and the halves' warnings are joined in app order: the same list as one pass gives.
  public static func diagnostics(for t: ValidatedTopology, halvesFrom: Int = 4096) -> [Diagnostic] {
    let n = t.apps.count
    guard n >= max(halvesFrom, 2) else { return diagnostics(for: t, apps: 0..<n) }
    let (first, second) = TwoCores.run {
      diagnostics(for: t, apps: 0..<n / 2)
    } alongside: {
      diagnostics(for: t, apps: n / 2..<n)
    }
    return first + second
  }

  /// The warnings of the apps at `positions` in `t.apps`, in their order.
  static func diagnostics(for t: ValidatedTopology, apps positions: Range<Int>) -> [Diagnostic] {
    var out: [Diagnostic] = []
    // Built only when some fail-over is at risk: most topologies have none.
    var evaluator: ScenarioEvaluator?
    // What the lint finds depends on the ensemble, the app's datacenter, its connect mode and
    // the session it asks; thousands of apps share a few hundred of these.
    var findings: [FindingKey: Finding?] = [:]
    for app in t.apps[positions] {
      for ei in app.registries {
        let key = FindingKey(
          ensemble: ei, datacenter: app.datacenter, connect: app.connect, requestedMs: app.requestedSessionTimeoutMs)
        let finding: Finding?
        if let known = findings[key] {
          finding = known
        } else {
          finding = Self.finding(app: app, ensemble: ei, in: t, evaluator: &evaluator)
          findings[key] = .some(finding)
        }
        guard let finding else { continue }
        out.append(diagnostic(finding, app: app, ensemble: t.ensembles[ei], in: t))
      }
    }
    return out
  }

  struct FindingKey: Hashable {
    var ensemble: Int
    var datacenter: Int
    var connect: ConnectMode
    var requestedMs: Int
  }

  /// A fail-over at risk: the datacenter whose loss risks the most, and what else is at risk.
  struct Finding {
    var model: FailoverModel
    var worst: (index: Int, dc: String, k: Int)
    var risky: [(index: Int, dc: String, k: Int)]
    var losesQuorum: Bool
  }

  static func finding(
    app: App, ensemble ei: Int, in t: ValidatedTopology, evaluator: inout ScenarioEvaluator?
  ) -> Finding? {
    let e = t.ensembles[ei]
    let list = ConnectList.members(app: app, ensemble: e, in: t)
    let model = FailoverModel(requestedMs: app.requestedSessionTimeoutMs, ensemble: e, servers: list.count)
    // For each other datacenter: how many entries of the connect string it holds.
    var perDC: [Int: Int] = [:]
    for i in list { perDC[t.machines[e.members[i].machine].datacenter, default: 0] += 1 }
    var risky: [(index: Int, dc: String, k: Int)] = []
    for (d, k) in perDC.sorted(by: { $0.key < $1.key }) where d != app.datacenter {
      // With every entry unreachable there is no fail-over to time: the registry is simply
      // out of reach, which `analyze` reports.
      if k < list.count && model.risksExpiryEvenIfReported(unreachable: k) {
        risky.append((d, t.datacenters[d].name, k))
      }
    }
    guard let worst = risky.max(by: { $0.k < $1.k }) else { return nil }
    var lost = FailureScenario(datacenterCount: t.datacenters.count)
    lost.failedDatacenters = [worst.index]
    if evaluator == nil { evaluator = ScenarioEvaluator(t) }
    let losesQuorum = evaluator.map { !$0.evaluate(ensemble: ei, lost).quorum } ?? false
    return Finding(model: model, worst: worst, risky: risky, losesQuorum: losesQuorum)
  }

  static func diagnostic(_ f: Finding, app: App, ensemble e: Ensemble, in t: ValidatedTopology) -> Diagnostic {
    let (model, worst) = (f.model, f.worst)
    let worstMs = model.worstCaseMs(unreachable: worst.k)
    let p = model.expiryProbability(unreachable: worst.k)
    var notes = [
      "session T = \(fmt(model.negotiatedMs)) (requested \(fmt(model.requestedMs))), \(model.servers) servers listed: connect timeout C = T/\(model.servers) = \(fmt(model.connectTimeoutMs)), read timeout R = 2T/3 = \(fmt(model.readTimeoutMs)), ping interval P = min(R/2 - 1s, 10s) = \(fmt(model.pingIntervalMs))",
      "worst case with \(worst.k) of them unreachable: (\(worst.k) - 1) x (C + 1s) + 1s = \(fmt(worstMs)) > T - R = \(fmt(model.reportedBudgetMs)); behind a follower or observer that had not yet reported the client's last ping, only T - R - P = \(fmt(model.budgetMs)) is left",
      "a client on one of those servers expires with probability \(percent(p)) over its shuffle, its jitter and whether its last ping was reported",
      expiryCost,
    ]
    if f.losesQuorum {
      notes.append("losing '\(worst.dc)' also loses the quorum of '\(e.name)'")
    }
    if f.risky.count > 1 {
      notes.append(
        "also at risk when these fail: "
          + f.risky.filter { $0.dc != worst.dc }.map { "'\($0.dc)'" }.joined(separator: ", "))
    }
    return Diagnostic(
      DiagnosticCatalog.failoverRisk,
      message:
        "app '\(app.name)' can lose its session to '\(e.name)' when datacenter '\(worst.dc)' becomes unreachable: fail-over can take \(fmt(worstMs)), the session leaves \(fmt(model.reportedBudgetMs))",
      file: t.file, range: app.range, notes: notes,
      help:
        "raise the app's sessionTimeout (and maxSessionTimeout of '\(e.name)'), or use 'connect: local' so servers in '\(worst.dc)' are not in its connect string",
      path: "apps.\(app.name)")
  }

  /// What an expiry costs a Dubbo provider, in words.
  public static let expiryCost =
    "a Dubbo provider whose session expires loses its ephemeral registrations; FailbackRegistry re-registers them about 5s (retry.period) after the new session, so consumers miss it at least that long"

  /// Milliseconds for people: `13.334s`, `850ms`.
  public static func fmt(_ ms: Int) -> String {
    if ms < 1000 { return "\(ms)ms" }
    let s = ms / 1000
    let rest = ms % 1000
    if rest == 0 { return "\(s)s" }
    var frac = String(rest)
    while frac.count < 3 { frac = "0" + frac }
    while frac.hasSuffix("0") { frac.removeLast() }
    return "\(s).\(frac)s"
  }

  /// A probability as a percentage with two decimals.
  public static func percent(_ p: Double) -> String {
    let basis = Int((p * 10000).rounded())
    let whole = basis / 100
    let frac = basis % 100
    return "\(whole).\(frac < 10 ? "0" : "")\(frac)%"
  }
}
