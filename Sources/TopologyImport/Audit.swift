public import TopologyDiagnostics
public import TopologyModel

/// Existing configuration compared with the topology (`quorate audit`): every difference is a
/// diagnostic pointing into the configuration file.
public enum Audit {
  /// A server of the topology: ensemble, member, and the machine's canonical host.
  struct Planned {
    let ensemble: Int
    let member: Member
    let host: String
  }

  /// The members of every ensemble by canonical host and port (quorum port for zoo.cfg server
  /// lines, client port for client addresses).
  static func index(_ t: ValidatedTopology, clientPort: Bool) -> [String: [Planned]] {
    var out: [String: [Planned]] = [:]
    for (ei, e) in t.ensembles.enumerated() {
      for m in e.members {
        let host = Scalars.canonicalHost(t.machines[m.machine].host)
        let port = clientPort ? m.clientPort : m.quorumPort
        out["\(host):\(port)", default: []].append(Planned(ensemble: ei, member: m, host: host))
      }
    }
    return out
  }

  static func strip(_ host: String) -> String {
    host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
  }

  // MARK: zoo.cfg

  /// One member's `zoo.cfg` (with its dynamic file) against the ensemble it describes: the
  /// ensemble sharing most servers (host and quorum port). `myid` is the member's id file, if
  /// found, and `machine` the machine the file belongs to, when known (the folder name of an
  /// emitted layout).
  public static func zooCfg(
    _ cfg: ZooCfg, myid: (id: Int?, file: SourceFile)?, machine: String?, in t: ValidatedTopology
  ) -> [Diagnostic] {
    var out: [Diagnostic] = []
    let whole = SourceRange(
      start: SourceLocation(line: 1, column: 1, offset: 0), end: SourceLocation(line: 1, column: 1, offset: 0))
    let planned = index(t, clientPort: false)
    var votes: [Int: Int] = [:]
    for s in cfg.servers {
      for p in planned["\(Scalars.canonicalHost(strip(s.host))):\(s.quorumPort)"] ?? [] {
        votes[p.ensemble, default: 0] += 1
      }
    }
    guard let ei = votes.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) })?.key else {
      out.append(
        Diagnostic(
          DiagnosticCatalog.auditNoEnsemble,
          message: "no ensemble of '\(t.name)' has any of this file's servers (host and quorum port)",
          file: cfg.path, range: cfg.servers.first?.range ?? whole))
      return out
    }
    let e = t.ensembles[ei]
    let inFile = Dictionary(
      cfg.servers.map { ("\(Scalars.canonicalHost(strip($0.host))):\($0.quorumPort)", $0) },
      uniquingKeysWith: { a, _ in a })
    let lastServer = cfg.servers.last?.range ?? whole
    for m in e.members {
      let host = Scalars.canonicalHost(t.machines[m.machine].host)
      let name = t.machines[m.machine].name
      guard let s = inFile["\(host):\(m.quorumPort)"] else {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditMissingServer,
            message:
              "'\(e.name)' has \(m.role == .voter ? "voter" : "observer") '\(name)' (\(host):\(m.quorumPort)) but this file does not list it",
            file: cfg.path, range: lastServer,
            help: "add server.\(m.id)=\(ZooKeeperConfigLine.server(m, host: t.machines[m.machine].host))"))
        continue
      }
      if s.id != m.id {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditServerId, message: "'\(name)' is server.\(s.id) here but server.\(m.id) in the plan",
            file: s.file, range: s.range,
            help: "ids must be the same in every member's file and in each member's myid; use \(m.id)"))
      }
      if s.observer != (m.role == .observer) {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditRole,
            message:
              "'\(name)' is \(s.observer ? "an observer" : "a voter") here but \(m.role == .observer ? "an observer" : "a voter") in the plan",
            file: s.file, range: s.range,
            help: m.role == .observer ? "end the line with ':observer'" : "remove ':observer' from the line"))
      }
      if s.electionPort != m.electionPort {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditPort,
            message: "'\(name)' has election port \(s.electionPort) here but \(m.electionPort) in the plan",
            file: s.file, range: s.range))
      }
      if let port = s.clientPort, port != m.clientPort {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditPort,
            message: "'\(name)' has client port \(port) here but \(m.clientPort) in the plan", file: s.file,
            range: s.range))
      }
    }
    let plannedKeys = Set(e.members.map { "\(Scalars.canonicalHost(t.machines[$0.machine].host)):\($0.quorumPort)" })
    for s in cfg.servers where !plannedKeys.contains("\(Scalars.canonicalHost(strip(s.host))):\(s.quorumPort)") {
      out.append(
        Diagnostic(
          DiagnosticCatalog.auditExtraServer,
          message: "server.\(s.id) (\(s.host):\(s.quorumPort)) is not a member of '\(e.name)' in the plan",
          file: s.file, range: s.range,
          help: "remove the line, or add the machine to the ensemble in the topology"))
    }
    out += hierarchy(cfg, e, whole: whole)
    out += settings(cfg, e)
    if let myid {
      let range = SourceRange(
        start: SourceLocation(line: 1, column: 1, offset: 0),
        end: SourceLocation(line: 1, column: 1 + myid.file.lineText(1).count, offset: myid.file.lineText(1).utf8.count))
      let ids = Set(cfg.servers.map(\.id))
      let expected = machine.flatMap { t.machineIndex($0) }.flatMap { mi in e.members.first { $0.machine == mi }?.id }
      if let id = myid.id, let expected, id != expected {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditMyid,
            message: "myid says \(id) but '\(machine ?? "")' is server.\(expected) of '\(e.name)'",
            file: myid.file.path, range: range, help: "write \(expected) into this file"))
      } else if let id = myid.id, !ids.contains(id) {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditMyid, message: "myid says \(id), but the zoo.cfg beside it has no server.\(id)",
            file: myid.file.path, range: range, help: "ZooKeeper refuses to start: write this member's server id"))
      } else if myid.id == nil {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditMyid, message: "myid does not hold a server id", file: myid.file.path, range: range,
            help: expected.map { "write \($0) into this file" } ?? "write this member's server id"))
      }
    }
    return out
  }

  /// Groups and weights: hierarchical in the file and in the plan, the same groups of server
  /// ids, the same weights (ZooKeeper's default weight is 1).
  static func hierarchy(_ cfg: ZooCfg, _ e: Ensemble, whole: SourceRange) -> [Diagnostic] {
    var out: [Diagnostic] = []
    let groupRange = cfg.settings.first { $0.key.hasPrefix("group.") }.map { ($0.value.file, $0.value.range) }
    let planned = Set(e.groups.map { Set($0.members.map { e.members[$0].id }) })
    let actual = Set(cfg.groups.map { Set($0.servers) })
    let hierarchical = e.quorum == .hierarchical
    if hierarchical != !cfg.groups.isEmpty {
      out.append(
        Diagnostic(
          DiagnosticCatalog.auditQuorum,
          message: hierarchical
            ? "the plan uses hierarchical quorums ('\(e.name)' has groups) but this file has no group.N lines"
            : "this file has group.N lines (hierarchical quorums) but '\(e.name)' is a plain majority in the plan",
          file: groupRange?.0 ?? cfg.path, range: groupRange?.1 ?? whole))
    } else if hierarchical && planned != actual {
      let want = e.groups.map { g in g.members.map { String(e.members[$0].id) }.sorted().joined(separator: ":") }
      out.append(
        Diagnostic(
          DiagnosticCatalog.auditQuorum, message: "the groups differ from the plan's",
          file: groupRange?.0 ?? cfg.path, range: groupRange?.1 ?? whole,
          help: "the plan's groups: "
            + want.enumerated().map { "group.\($0.offset + 1)=\($0.element)" }.joined(separator: ", ")))
    }
    if hierarchical {
      for m in e.voters {
        let weight = cfg.weights[m.id] ?? 1
        if weight != m.weight {
          let place = cfg.settings["weight.\(m.id)"]
          out.append(
            Diagnostic(
              DiagnosticCatalog.auditQuorum,
              message: "server.\(m.id) weighs \(weight) here but \(m.weight) in the plan",
              file: place?.file ?? cfg.path, range: place?.range ?? whole,
              help: "set weight.\(m.id)=\(m.weight)"))
        }
      }
    }
    return out
  }

  /// tickTime, limits and session bounds (ZooKeeper's defaults when a line is absent: session
  /// bounds 2 and 20 ticks).
  static func settings(_ cfg: ZooCfg, _ e: Ensemble) -> [Diagnostic] {
    let tick = cfg.int("tickTime") ?? 3000
    let checks: [(key: String, actual: Int?, planned: Int)] = [
      ("tickTime", cfg.int("tickTime"), e.tickTimeMs),
      ("initLimit", cfg.int("initLimit"), e.initLimit),
      ("syncLimit", cfg.int("syncLimit"), e.syncLimit),
      ("minSessionTimeout", cfg.int("minSessionTimeout") ?? 2 * tick, e.minSessionTimeoutMs),
      ("maxSessionTimeout", cfg.int("maxSessionTimeout") ?? 20 * tick, e.maxSessionTimeoutMs),
    ]
    return checks.compactMap { c in
      guard let actual = c.actual, actual != c.planned, let place = cfg.settings[c.key] else { return nil }
      return Diagnostic(
        DiagnosticCatalog.auditSetting, message: "\(c.key) is \(actual) here but \(c.planned) in the plan",
        file: place.file, range: place.range, help: "set \(c.key)=\(c.planned), or change the topology")
    }
  }
}

/// The `server.N` value quorate emits, for help lines.
enum ZooKeeperConfigLine {
  static func server(_ m: Member, host: String) -> String {
    let h = Scalars.isIPv6(host) ? "[\(host)]" : host
    return
      "\(h):\(m.quorumPort):\(m.electionPort):\(m.role == .observer ? "observer" : "participant");\(h):\(m.clientPort)"
  }
}
