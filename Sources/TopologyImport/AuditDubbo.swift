public import TopologyDiagnostics
public import TopologyModel
import TopologyYAML

/// One registry configuration found in a Dubbo file: its address and the settings beside it.
public struct DubboRegistrySetting: Sendable {
  /// The address as written (`zookeeper://h1:2181?backup=h2:2181`, `h1:2181,h2:2181`, ...).
  public let address: String
  /// `protocol` beside it, if any (`protocol="zookeeper"` with a plain address list).
  public let protocolName: String?
  /// `session` beside it, in milliseconds, if any.
  public let sessionMs: Int?
  public let file: String
  /// Where the address value starts.
  public let start: SourceLocation
}

extension Audit {
  // MARK: Dubbo configuration files

  /// The registry settings of a Dubbo configuration file: `.properties`, Spring XML
  /// (`<dubbo:registry address="..."/>`) or Spring Boot YAML (`dubbo.registry.address`,
  /// `dubbo.registries.ID.address`), chosen by the file's extension.
  public static func dubboSettings(_ file: SourceFile) -> (settings: [DubboRegistrySetting], diagnostics: [Diagnostic])
  {
    let path = file.path.lowercased()
    if path.hasSuffix(".xml") { return (xmlSettings(file), []) }
    if path.hasSuffix(".yml") || path.hasSuffix(".yaml") {
      let (root, diagnostics) = YAMLReader.read(file)
      guard let root else { return ([], diagnostics) }
      var flat: [(key: String, value: YAMLNode)] = []
      flatten(root, prefix: "", into: &flat)
      return (
        group(flat.compactMap { f in f.value.scalar.map { (f.key, $0, f.value.range.start) } }, file: file.path), []
      )
    }
    return (group(propertiesEntries(file), file: file.path), [])
  }

  static func flatten(_ node: YAMLNode, prefix: String, into out: inout [(key: String, value: YAMLNode)]) {
    if case .mapping(let pairs) = node.content {
      for p in pairs {
        guard let k = p.key.scalar else { continue }
        flatten(p.value, prefix: prefix.isEmpty ? k : prefix + "." + k, into: &out)
      }
    } else {
      out.append((prefix, node))
    }
  }

  /// `key=value` or `key: value` lines (java.util.Properties), with where each value starts.
  static func propertiesEntries(_ file: SourceFile) -> [(String, String, SourceLocation)] {
    var out: [(String, String, SourceLocation)] = []
    let text = String(decoding: file.bytes, as: UTF8.self)
    var offset = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      defer { offset += raw.utf8.count + 1 }
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
      let body = line.drop { $0 == " " || $0 == "\t" }
      guard !body.isEmpty, !body.hasPrefix("#"), !body.hasPrefix("!"),
        let sep = body.firstIndex(where: { $0 == "=" || $0 == ":" })
      else { continue }
      let key = String(body[..<sep]).trimmingSpaces()
      let afterSep = body[body.index(after: sep)...]
      let value = String(afterSep).trimmingSpaces()
      let lead =
        line.count - body.count + body.distance(from: body.startIndex, to: sep) + 1
        + afterSep.prefix { $0 == " " || $0 == "\t" }.count
      let startOffset = offset + String(line.prefix(lead)).utf8.count
      out.append((key, value, file.location(ofByteOffset: startOffset)))
    }
    return out
  }

  /// Settings grouped per registry: `dubbo.registry.*` is one, `dubbo.registries.ID.*` one per ID.
  static func group(_ entries: [(String, String, SourceLocation)], file: String) -> [DubboRegistrySetting] {
    var registries: [String: (address: (String, SourceLocation)?, protocolName: String?, session: Int?)] = [:]
    var order: [String] = []
    for (key, value, start) in entries {
      let k = key.lowercased()
      let id: String
      let field: Substring
      if k.hasPrefix("dubbo.registry.") {
        id = ""
        field = k.dropFirst("dubbo.registry.".count)
      } else if k.hasPrefix("dubbo.registries."), let dot = k.dropFirst("dubbo.registries.".count).firstIndex(of: ".") {
        id = String(k[k.index(k.startIndex, offsetBy: "dubbo.registries.".count)..<dot])
        field = k[k.index(after: dot)...]
      } else {
        continue
      }
      if registries[id] == nil {
        registries[id] = (nil, nil, nil)
        order.append(id)
      }
      switch field {
      case "address": registries[id]?.address = (value, start)
      case "protocol": registries[id]?.protocolName = value
      case "session": registries[id]?.session = Int(value)
      default: break
      }
    }
    return order.compactMap { id in
      guard let r = registries[id], let (address, start) = r.address else { return nil }
      return DubboRegistrySetting(
        address: address, protocolName: r.protocolName, sessionMs: r.session, file: file, start: start)
    }
  }

  /// `<dubbo:registry .../>` elements: their `address`, `protocol` and `session` attributes.
  static func xmlSettings(_ file: SourceFile) -> [DubboRegistrySetting] {
    let bytes = file.bytes
    let text = String(decoding: bytes, as: UTF8.self)
    var out: [DubboRegistrySetting] = []
    var searchFrom = text.startIndex
    while let open = text[searchFrom...].firstRange(of: "<dubbo:registry") {
      guard let close = text[open.upperBound...].firstIndex(of: ">") else { break }
      let element = text[open.upperBound..<close]
      searchFrom = close
      func attribute(_ name: String) -> (String, String.Index)? {
        var from = element.startIndex
        while let r = element[from...].firstRange(of: name + "=") {
          from = r.upperBound
          let before = r.lowerBound == element.startIndex ? " " : element[element.index(before: r.lowerBound)]
          guard before == " " || before == "\n" || before == "\t" || before == "\r", r.upperBound < element.endIndex
          else { continue }
          let quote = element[r.upperBound]
          guard quote == "\"" || quote == "'" else { continue }
          let valueStart = element.index(after: r.upperBound)
          guard let end = element[valueStart...].firstIndex(of: quote) else { return nil }
          return (xmlUnescape(String(element[valueStart..<end])), valueStart)
        }
        return nil
      }
      guard let (address, at) = attribute("address") else { continue }
      let offset = text.utf8.distance(from: text.startIndex, to: at)
      out.append(
        DubboRegistrySetting(
          address: address, protocolName: attribute("protocol")?.0,
          sessionMs: attribute("session").flatMap { Int($0.0) },
          file: file.path, start: file.location(ofByteOffset: offset)))
    }
    return out
  }

  static func xmlUnescape(_ s: String) -> String {
    s.replacingAll("&amp;", "&").replacingAll("&lt;", "<").replacingAll("&gt;", ">").replacingAll("&quot;", "\"")
      .replacingAll("&apos;", "'")
  }

  /// A registry address as Dubbo parses it: split into registries on `|` and `;`; each either a
  /// URL (`zookeeper://host:port?backup=...`) or a plain comma list (first the address, the
  /// rest backups). Returns each registry's servers as written, with their offsets in the text.
  struct ParsedRegistry {
    var servers: [(text: String, offset: Int)] = []
    /// A comma inside the host part of a `://` URL.
    var commaInURL: (offset: Int, text: String)?
    var primaryWithoutPort: Bool = false
    var parameters: [String: String] = [:]
    var offset: Int
  }

  static func parse(_ address: String) -> [ParsedRegistry] {
    var out: [ParsedRegistry] = []
    let chars = Array(address.utf8)
    var start = 0
    func flush(_ end: Int) {
      var s = start
      var e = end
      while s < e && (chars[s] == 32 || chars[s] == 9) { s += 1 }
      while e > s && (chars[e - 1] == 32 || chars[e - 1] == 9) { e -= 1 }
      if s < e { out.append(parseOne(String(decoding: chars[s..<e], as: UTF8.self), offset: s)) }
    }
    for (i, c) in chars.enumerated() where c == UInt8(ascii: "|") || c == UInt8(ascii: ";") {
      flush(i)
      start = i + 1
    }
    flush(chars.count)
    return out
  }

  static func parseOne(_ text: String, offset: Int) -> ParsedRegistry {
    var r = ParsedRegistry(offset: offset)
    var body = Substring(text)
    var bodyOffset = offset
    if let scheme = text.firstRange(of: "://") {
      bodyOffset += text.utf8.distance(from: text.startIndex, to: scheme.upperBound)
      body = text[scheme.upperBound...]
    }
    var query = ""
    if let q = body.firstIndex(of: "?") {
      query = String(body[body.index(after: q)...])
      body = body[..<q]
    }
    if let slash = body.firstIndex(of: "/") { body = body[..<slash] }
    for pair in query.split(separator: "&") {
      let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
      if kv.count == 2 { r.parameters[kv[0]] = kv[1].removingPercentEncoding() }
    }
    let isURL = text.contains("://")
    let hosts = body.split(separator: ",", omittingEmptySubsequences: true)
    if isURL && hosts.count > 1 { r.commaInURL = (bodyOffset, String(body)) }
    var position = bodyOffset
    for h in body.split(separator: ",", omittingEmptySubsequences: false) {
      let trimmed = h.trimmingSpaces()
      if !trimmed.isEmpty { r.servers.append((trimmed, position)) }
      position += h.utf8.count + 1
    }
    if let first = r.servers.first, port(of: first.text) == nil, !(isURL && hosts.count > 1) {
      r.primaryWithoutPort = true
    }
    if let backup = r.parameters["backup"], let at = text.firstRange(of: "backup=") {
      var position = offset + text.utf8.distance(from: text.startIndex, to: at.upperBound)
      for b in backup.split(separator: ",", omittingEmptySubsequences: false) {
        let trimmed = b.trimmingSpaces()
        if !trimmed.isEmpty { r.servers.append((trimmed, position)) }
        position += b.utf8.count + 1
      }
    }
    return r
  }

  /// The port of `host:port` or `[v6]:port`, nil without one.
  static func port(of server: String) -> Int? {
    if server.hasPrefix("[") {
      guard let close = server.firstIndex(of: "]") else { return nil }
      let rest = server[server.index(after: close)...]
      return rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil
    }
    guard let colon = server.lastIndex(of: ":"), server.firstIndex(of: ":") == colon else { return nil }
    return Int(server[server.index(after: colon)...])
  }

  static func host(of server: String) -> String {
    if server.hasPrefix("["), let close = server.firstIndex(of: "]") {
      return String(server[server.index(after: server.startIndex)..<close])
    }
    if let colon = server.lastIndex(of: ":"), server.firstIndex(of: ":") == colon { return String(server[..<colon]) }
    return server
  }

  /// Every registry setting of a Dubbo file against the topology.
  public static func dubbo(_ settings: [DubboRegistrySetting], source: SourceFile?, in t: ValidatedTopology)
    -> [Diagnostic]
  {
    settings.flatMap { registryAddress($0, source: source, in: t) }
  }

  /// One address: what Dubbo makes of it, checked against the ensembles.
  /// `connectStringPort`: a ZooKeeper connect string, where every entry without a port gets
  /// 2181 (ConnectStringParser), the first one too.
  static func registryAddress(
    _ s: DubboRegistrySetting, source: SourceFile?, in t: ValidatedTopology, connectString: Bool = false
  ) -> [Diagnostic] {
    var out: [Diagnostic] = []
    let planned = index(t, clientPort: true)
    func range(_ offset: Int, _ length: Int) -> SourceRange {
      // Columns count Unicode scalars within the value; addresses are ASCII in practice.
      let startColumn = s.start.column + offset
      return SourceRange(
        start: SourceLocation(line: s.start.line, column: startColumn, offset: s.start.offset + offset),
        end: SourceLocation(line: s.start.line, column: startColumn + length, offset: s.start.offset + offset + length))
    }
    let registries = parse(s.address)
    var ensemblesPerRegistry: [Set<Int>] = []
    for r in registries {
      if let comma = r.commaInURL {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditCommaInURL,
            message:
              "a comma inside a zookeeper:// address: Dubbo reads '\(comma.text)' as one host, not as a primary and backups",
            file: s.file, range: range(comma.offset, comma.text.utf8.count),
            notes: [
              "Dubbo 2.7 and 3 pass it through as one odd address (apache/dubbo#7356), with registry keys that differ from the ?backup= form; Dubbo 2.5/2.6 fail with NumberFormatException"
            ],
            help:
              "write zookeeper://\(r.servers.first?.text ?? "h1:2181")?backup=\(r.servers.dropFirst().map(\.text).joined(separator: ","))"
          ))
      }
      if r.primaryWithoutPort, !connectString, let first = r.servers.first {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditNoPort,
            message: "'\(first.text)' has no port: Dubbo uses 9090 for the registry address, not ZooKeeper's 2181",
            file: s.file, range: range(first.offset, first.text.utf8.count),
            help: "write the client port explicitly, such as '\(first.text):2181'"))
      }
      // Servers to ensembles: a backup without a port gets 2181 from ZooKeeper's parser, the
      // primary 9090 from Dubbo.
      var ensembles: [Int: [String]] = [:]
      var seen: [String: Int] = [:]
      for (i, server) in r.servers.enumerated() {
        let p = port(of: server.text) ?? (i == 0 && r.commaInURL == nil && !connectString ? 9090 : 2181)
        let key = "\(Scalars.canonicalHost(host(of: server.text))):\(p)"
        seen[key, default: 0] += 1
        if seen[key] == 2 {
          out.append(
            Diagnostic(
              DiagnosticCatalog.auditDuplicateAddress,
              message: "'\(server.text)' is listed more than once",
              file: s.file, range: range(server.offset, server.text.utf8.count),
              notes: [
                "ZooKeeper keeps duplicates: that server is tried more often, and every connect timeout (session timeout / entries) gets shorter"
              ],
              help: "list each server once"))
        }
        for ei in Set((planned[key] ?? []).map(\.ensemble)) { ensembles[ei, default: []].append(server.text) }
      }
      if ensembles.isEmpty, !r.servers.isEmpty {
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditUnknownAddress,
            message: "no ensemble of '\(t.name)' serves clients at \(r.servers.map(\.text).joined(separator: ", "))",
            file: s.file, range: range(r.offset, r.servers.last.map { $0.offset + $0.text.utf8.count - r.offset } ?? 1),
            help: "use the addresses `quorate connect` prints for this app"))
      } else if ensembles.count > 1 {
        let names = ensembles.keys.sorted().map {
          "'\(t.ensembles[$0].name)' (\(ensembles[$0]!.joined(separator: ", ")))"
        }
        out.append(
          Diagnostic(
            DiagnosticCatalog.auditMixedEnsembles,
            message: "one registry address lists servers of several ensembles: \(names.joined(separator: " and "))",
            file: s.file, range: range(r.offset, r.servers.last.map { $0.offset + $0.text.utf8.count - r.offset } ?? 1),
            notes: [
              "one ZooKeeper session hops between independent ensembles when a server fails: registrations made in one are not in the other"
            ],
            help: "keep one ensemble per registry; use several registries (Dubbo multi-registry) for several ensembles")
        )
      }
      ensemblesPerRegistry.append(Set(ensembles.keys))
      // The session the registry asks for, against the servers' bounds.
      let session =
        r.parameters["session"].flatMap { Int($0) } ?? r.parameters["zk.session.expire"].flatMap { Int($0) }
        ?? s.sessionMs
      if let session, ensembles.count == 1, let ei = ensembles.keys.first {
        let e = t.ensembles[ei]
        let negotiated = e.negotiatedSessionTimeout(session)
        if negotiated != session {
          out.append(
            Diagnostic(
              DiagnosticCatalog.auditSessionClamped,
              message:
                "session timeout \(session) ms is outside '\(e.name)''s bounds \(e.minSessionTimeoutMs)-\(e.maxSessionTimeoutMs) ms: the servers give \(negotiated) ms",
              file: s.file, range: range(r.offset, s.address.utf8.count - r.offset),
              help: "ask for a timeout within the bounds, or change min/maxSessionTimeout in the topology"))
        }
      }
    }
    if registries.count > 1 {
      for i in 1..<registries.count {
        let common = ensemblesPerRegistry[i].intersection(
          ensemblesPerRegistry[..<i].reduce(into: Set<Int>()) { $0.formUnion($1) })
        if let ei = common.first {
          out.append(
            Diagnostic(
              DiagnosticCatalog.auditSplitRegistry,
              message: "'|' or ';' makes these two registries, both of ensemble '\(t.ensembles[ei].name)'",
              file: s.file, range: range(registries[i].offset, 1),
              notes: ["Dubbo splits an address on | and ; into separate registries, each with its own session"],
              help: "join the servers with ',' (or ?backup=) to make one registry"))
        }
      }
    }
    return out
  }

  /// A ZooKeeper connect string (`host:port,host:port/chroot`) against the ensembles.
  public static func connectString(_ text: String, in t: ValidatedTopology) -> [Diagnostic] {
    let file = "<connect-string>"
    let hostsPart =
      text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
    return registryAddress(
      DubboRegistrySetting(
        address: hostsPart, protocolName: "zookeeper", sessionMs: nil, file: file,
        start: SourceLocation(line: 1, column: 1, offset: 0)),
      source: nil, in: t, connectString: true)
  }
}

extension String {
  func removingPercentEncoding() -> String {
    var out: [UInt8] = []
    let b = Array(utf8)
    var i = 0
    while i < b.count {
      if b[i] == UInt8(ascii: "%"), i + 2 < b.count,
        let v = UInt8(String(decoding: b[(i + 1)...(i + 2)], as: UTF8.self), radix: 16)
      {
        out.append(v)
        i += 3
      } else {
        out.append(b[i])
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
