public import TopologyDiagnostics
import TopologyModel

/// Where `--map HOST_GLOB=DATACENTER[/RACK]` puts hosts.
public struct HostMap: Sendable {
  public let glob: String
  public let datacenter: String
  public let rack: String?

  /// Parses `HOST_GLOB=DATACENTER[/RACK]`; nil when it is not of that form or the names are invalid.
  public init?(argument: String) {
    guard let eq = argument.lastIndex(of: "=") else { return nil }
    glob = String(argument[..<eq])
    let place = argument[argument.index(after: eq)...].split(separator: "/", maxSplits: 1).map(String.init)
    guard !glob.isEmpty, let dc = place.first, Scalars.isName(dc) else { return nil }
    datacenter = dc
    rack = place.count == 2 ? place[1] : nil
    if let rack, !Scalars.isName(rack) { return nil }
  }

  /// Shell-style matching: `*` any run, `?` one character, everything else literal.
  public static func matches(_ glob: String, _ text: String) -> Bool {
    let g = Array(glob)
    let s = Array(text)
    var (gi, si) = (0, 0)
    var star: (g: Int, s: Int)?
    while si < s.count {
      if gi < g.count && (g[gi] == "?" || g[gi] == s[si]) {
        gi += 1
        si += 1
      } else if gi < g.count && g[gi] == "*" {
        star = (gi, si)
        gi += 1
      } else if let st = star {
        gi = st.g + 1
        si = st.s + 1
        star = (st.g, st.s + 1)
      } else {
        return false
      }
    }
    while gi < g.count && g[gi] == "*" { gi += 1 }
    return gi == g.count
  }
}

/// A topology assembled from existing configuration files: values only; `TopologyRendering`
/// writes it as format-v1 YAML.
public struct ImportedTopology: Sendable {
  public struct Machine: Sendable {
    public let name: String
    public let host: String
    public let datacenter: String
    public let rack: String?
  }

  public struct Ensemble: Sendable {
    public var name: String
    /// Members by machine name, with their ids, as the files list them (voters, observers).
    public var voters: [(machine: String, id: Int)] = []
    public var observers: [(machine: String, id: Int)] = []
    /// Ports shared by every member; nil when the members differ (then per machine).
    public var clientPort: Int?
    public var quorumPort: Int?
    public var electionPort: Int?
    /// Per machine, when the members' ports differ.
    public var machinePorts: [String: (client: Int?, quorum: Int, election: Int)] = [:]
    /// Hierarchical groups (group.N as `group-N`) and weights, when the files have them.
    public var groups: [(name: String, machines: [String])] = []
    public var weights: [(machine: String, weight: Int)] = []
    /// tickTime and friends as the first file says (ms for times).
    public var settings: [(key: String, value: String, source: String)] = []
    /// The files this ensemble came from.
    public var files: [String] = []
  }

  public var name: String
  public var machines: [Machine] = []
  public var ensembles: [Ensemble] = []
  /// Datacenters in first-seen order.
  public var datacenters: [String] = []
}

/// Assembles zoo.cfg files into a topology: one ensemble per distinct server list.
public enum Importer {
  /// A name the format accepts, from a host: letters, digits, `.`, `_`, `-`, starting with a
  /// letter or digit, at most 63 characters.
  static func machineName(_ host: String) -> String {
    var out = String(
      host.map { ($0.isLetter || $0.isNumber) && $0.isASCII || $0 == "." || $0 == "_" || $0 == "-" ? $0 : "-" })
    while let f = out.first, !(f.isLetter || f.isNumber) { out.removeFirst() }
    if out.isEmpty { out = "host" }
    return String(out.prefix(63))
  }

  /// Builds the topology. Files whose server lists overlap but differ are reported (I501) at
  /// the lines that differ, and no topology is made from them.
  public static func assemble(_ files: [ZooCfg], maps: [HostMap], name: String, diagnostics: inout [Diagnostic])
    -> ImportedTopology?
  {
    var topology = ImportedTopology(name: name)
    // One ensemble per distinct server list.
    func key(_ c: ZooCfg) -> [String] {
      c.servers.map { "\($0.id) \($0.host) \($0.quorumPort) \($0.electionPort) \($0.observer)" }
    }
    var lists: [(key: [String], files: [ZooCfg])] = []
    for f in files where !f.servers.isEmpty {
      if let i = lists.firstIndex(where: { $0.key == key(f) }) {
        lists[i].files.append(f)
      } else {
        lists.append((key(f), [f]))
      }
    }
    for f in files where f.servers.isEmpty {
      diagnostics.append(
        Diagnostic(
          DiagnosticCatalog.importUnreadable, message: "'\(f.path)' lists no server.N lines: nothing to import",
          file: f.path, range: .fileStart))
    }
    // Lists that share a server (host and quorum port) but differ: a rolling change gone wrong.
    var conflict = false
    for a in lists.indices {
      for b in lists.indices where b > a {
        let fa = lists[a].files[0]
        let fb = lists[b].files[0]
        let shared = Set(fa.servers.map { "\($0.host):\($0.quorumPort)" })
          .intersection(fb.servers.map { "\($0.host):\($0.quorumPort)" })
        guard !shared.isEmpty else { continue }
        conflict = true
        let onlyA = fa.servers.filter { s in
          !fb.servers.contains {
            $0.id == s.id && $0.host == s.host && $0.quorumPort == s.quorumPort && $0.electionPort == s.electionPort
              && $0.observer == s.observer
          }
        }
        let at = onlyA.first?.range ?? .fileStart
        let other = fb.servers.first?.range ?? .fileStart
        diagnostics.append(
          Diagnostic(
            DiagnosticCatalog.importServerListsDisagree,
            message:
              "'\(fa.path)' and '\(fb.path)' describe the same ensemble (they share \(shared.sorted().joined(separator: ", "))) with different server lists",
            file: fa.path, range: at,
            related: [RelatedLocation(message: "the other list", file: fb.path, range: other)],
            notes: [
              "only in '\(fa.path)': "
                + (onlyA.isEmpty
                  ? "nothing (the other file has more)" : onlyA.map { "server.\($0.id)" }.joined(separator: ", "))
            ]))
      }
    }
    if conflict { return nil }

    // Machines, one per host, placed by the first matching --map.
    var machineOf: [String: String] = [:]
    var usedNames: Set<String> = []
    var unassigned: [String] = []
    for list in lists {
      for s in list.files[0].servers where machineOf[s.host] == nil {
        var n = machineName(s.host)
        var k = 2
        while usedNames.contains(n) {
          n = machineName(s.host) + "-\(k)"
          k += 1
        }
        usedNames.insert(n)
        machineOf[s.host] = n
        let place = maps.first { HostMap.matches($0.glob, s.host) }
        let dc = place?.datacenter ?? "unassigned"
        if place == nil { unassigned.append(s.host) }
        if !topology.datacenters.contains(dc) { topology.datacenters.append(dc) }
        topology.machines.append(.init(name: n, host: s.host, datacenter: dc, rack: place?.rack))
      }
    }
    if !unassigned.isEmpty {
      diagnostics.append(
        Diagnostic(
          DiagnosticCatalog.importUnassigned,
          message:
            "\(unassigned.count == 1 ? "host" : "hosts") \(unassigned.map { "'\($0)'" }.joined(separator: ", ")) matched no --map: placed in datacenter 'unassigned'",
          file: lists.first?.files.first?.path ?? "", range: .fileStart))
    }

    for (i, list) in lists.enumerated() {
      let f = list.files[0]
      var e = ImportedTopology.Ensemble(name: lists.count == 1 ? "zookeeper" : "zookeeper-\(i + 1)")
      e.files = list.files.map(\.path)
      for s in f.servers {
        let m = machineOf[s.host] ?? s.host
        if s.observer { e.observers.append((m, s.id)) } else { e.voters.append((m, s.id)) }
      }
      // Client ports: from `;port` on the server line, else the file's clientPort.
      let fileClient = f.int("clientPort")
      let clients = f.servers.map { $0.clientPort ?? fileClient }
      let quorum = Set(f.servers.map(\.quorumPort))
      let election = Set(f.servers.map(\.electionPort))
      if Set(clients.map { $0 ?? -1 }).count == 1 && quorum.count == 1 && election.count == 1 {
        e.clientPort = clients[0]
        e.quorumPort = quorum.first
        e.electionPort = election.first
      } else {
        for (s, c) in zip(f.servers, clients) {
          e.machinePorts[machineOf[s.host] ?? s.host] = (c, s.quorumPort, s.electionPort)
        }
      }
      if !f.groups.isEmpty {
        let byId = Dictionary(f.servers.map { ($0.id, machineOf[$0.host] ?? $0.host) }) { a, _ in a }
        e.groups = f.groups.map { g in ("group-\(g.id)", g.servers.compactMap { byId[$0] }) }
        e.weights = f.servers.filter { !$0.observer }.compactMap { s in
          f.weights[s.id].map { (machineOf[s.host] ?? s.host, $0) }
        }.filter { $0.1 != 1 }
      }
      let source = { (k: String) -> String in
        let r = f.settings[k]?.range
        return "\(f.path):\(r?.start.line ?? 0)"
      }
      if let tick = f.int("tickTime") { e.settings.append(("tickTime", "\(tick)ms", source("tickTime"))) }
      for k in ["initLimit", "syncLimit"] { if let v = f.int(k) { e.settings.append((k, "\(v)", source(k))) } }
      for k in ["minSessionTimeout", "maxSessionTimeout"] {
        if let v = f.int(k), v > 0 { e.settings.append((k, "\(v)ms", source(k))) }
      }
      if let v = f.int("autopurge.snapRetainCount"), v >= 3 {
        e.settings.append(("snapRetainCount", "\(v)", source("autopurge.snapRetainCount")))
      }
      if let v = f.int("autopurge.purgeInterval"), v >= 0 {
        e.settings.append(("purgeInterval", "\(v)h", source("autopurge.purgeInterval")))
      }
      topology.ensembles.append(e)
    }
    return topology
  }
}
