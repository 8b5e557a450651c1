public import TopologyDiagnostics

/// One `zoo.cfg` (and the dynamic file its `dynamicConfigFile` names), as ZooKeeper reads it:
/// `key=value` lines, `#` comments, keys and values trimmed (QuorumPeerConfig reads the file with
/// `java.util.Properties`).
public struct ZooCfg: Sendable {
  /// A server line: `server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort]`.
  public struct Server: Sendable, Equatable {
    public let id: Int
    public let host: String
    public let quorumPort: Int
    public let electionPort: Int
    public let observer: Bool
    public let clientHost: String?
    public let clientPort: Int?
    /// Where the line is: file and range of the value, for diagnostics.
    public let file: String
    public let range: SourceRange
  }

  public let path: String

  public init(path: String) { self.path = path }

  /// Every setting by key (the last one wins, as in `Properties`), with where it is.
  public var settings: [String: (value: String, range: SourceRange, file: String)] = [:]
  public var servers: [Server] = []
  /// `group.N` -> server ids, `weight.ID` -> weight.
  public var groups: [(id: Int, servers: [Int])] = []
  public var weights: [Int: Int] = [:]

  public func int(_ key: String) -> Int? { settings[key].flatMap { Int($0.value) } }
  public func string(_ key: String) -> String? { settings[key]?.value }
}

/// Reads `zoo.cfg` text into a ``ZooCfg``, reporting what ZooKeeper would refuse.
public enum ZooCfgReader {
  /// Parses one file's text; `dynamic` adds the lines of a dynamic configuration file.
  public static func read(_ file: SourceFile, into cfg: inout ZooCfg, diagnostics: inout [Diagnostic]) {
    let text = String(decoding: file.bytes, as: UTF8.self)
    var offset = 0
    for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      defer { offset += raw.utf8.count + 1 }
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("!") { continue }
      guard let eq = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
      let key = String(trimmed[..<eq]).trimmingSpaces()
      let value = String(trimmed[trimmed.index(after: eq)...]).trimmingSpaces()
      let keyColumn = line.count - trimmed.count + 1
      let valueStart =
        line.distance(from: line.startIndex, to: eq) + 2
        + (trimmed[trimmed.index(after: eq)...].prefix { $0 == " " || $0 == "\t" }.count)
      let range = SourceRange(
        start: SourceLocation(line: i + 1, column: max(valueStart, keyColumn), offset: offset),
        end: SourceLocation(line: i + 1, column: line.count + 1, offset: offset + line.utf8.count))
      cfg.settings[key] = (value, range, file.path)
      if key.hasPrefix("server.") {
        guard let id = Int(key.dropFirst(7)), id >= 0 else {
          diagnostics.append(bad(file, range, "'\(key)' is not server.N with a number N"))
          continue
        }
        if let s = server(id, value, file: file.path, range: range, diagnostics: &diagnostics) {
          cfg.servers.removeAll { $0.id == id }
          cfg.servers.append(s)
        }
      } else if key.hasPrefix("group.") {
        guard let gid = Int(key.dropFirst(6)) else { continue }
        let ids = value.split(separator: ":").compactMap { Int($0.trimmingSpaces()) }
        cfg.groups.removeAll { $0.id == gid }
        cfg.groups.append((gid, ids))
      } else if key.hasPrefix("weight.") {
        if let sid = Int(key.dropFirst(7)), let w = Int(value) { cfg.weights[sid] = w }
      }
    }
    cfg.servers.sort { $0.id < $1.id }
    cfg.groups.sort { $0.id < $1.id }
  }

  static func bad(_ file: SourceFile, _ range: SourceRange, _ message: String) -> Diagnostic {
    Diagnostic(DiagnosticCatalog.importUnreadable, message: message, file: file.path, range: range)
  }

  /// `host:q:e[:role][;[clientHost:]clientPort]`, IPv6 in brackets; several `|` addresses keep
  /// the first (with a warning).
  static func server(
    _ id: Int, _ value: String, file: String, range: SourceRange, diagnostics: inout [Diagnostic]
  ) -> ZooCfg.Server? {
    let parts = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    var serverPart = parts[0]
    if serverPart.contains("|") {
      diagnostics.append(
        Diagnostic(
          DiagnosticCatalog.importMultiAddress,
          message: "server.\(id) has several addresses (multiAddress); only the first is imported", file: file,
          range: range))
      serverPart = String(serverPart.split(separator: "|")[0])
    }
    func hostAndRest(_ s: String) -> (String, [String])? {
      if s.hasPrefix("[") {
        guard let close = s.firstIndex(of: "]") else { return nil }
        let host = String(s[s.index(after: s.startIndex)..<close])
        let rest = s[s.index(after: close)...]
        guard rest.isEmpty || rest.hasPrefix(":") else { return nil }
        return (host, rest.dropFirst().split(separator: ":", omittingEmptySubsequences: false).map(String.init))
      }
      let fields = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      return (fields[0], Array(fields.dropFirst()))
    }
    guard let (host, rest) = hostAndRest(serverPart.trimmingSpaces()), !host.isEmpty, (2...3).contains(rest.count),
      let q = Int(rest[0]), let e = Int(rest[1]), (1...65535).contains(q), (1...65535).contains(e)
    else {
      diagnostics.append(
        Diagnostic(
          DiagnosticCatalog.importUnreadable,
          message: "server.\(id) is not host:quorumPort:electionPort[:participant|observer][;[host:]clientPort]",
          file: file, range: range))
      return nil
    }
    var observer = false
    if rest.count == 3 {
      switch rest[2].trimmingSpaces().lowercased() {
      case "observer": observer = true
      case "participant": observer = false
      default:
        diagnostics.append(
          Diagnostic(
            DiagnosticCatalog.importUnreadable, message: "server.\(id) has an unknown role '\(rest[2])'", file: file,
            range: range))
        return nil
      }
    }
    var clientHost: String?
    var clientPort: Int?
    if parts.count == 2 {
      let c = parts[1].trimmingSpaces()
      if let (h, r) = hostAndRest(c), r.count == 1, let p = Int(r[0]) {
        (clientHost, clientPort) = (h, p)
      } else if let p = Int(c) {
        clientPort = p
      } else {
        diagnostics.append(
          Diagnostic(
            DiagnosticCatalog.importUnreadable, message: "server.\(id) has an unreadable client address '\(c)'",
            file: file, range: range))
        return nil
      }
    }
    return ZooCfg.Server(
      id: id, host: host, quorumPort: q, electionPort: e, observer: observer, clientHost: clientHost,
      clientPort: clientPort, file: file, range: range)
  }
}

extension StringProtocol {
  func trimmingSpaces() -> String {
    String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }
}
