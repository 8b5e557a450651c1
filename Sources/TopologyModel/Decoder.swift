public import TopologyDiagnostics
public import TopologyYAML

#if canImport(Glibc)
  import Glibc
#endif

/// Turns a YAML tree into an unvalidated ``Topology``, reporting every shape problem (`S1xx`).
///
/// Plain scalars are typed by what the format expects at each place, never by YAML 1.1's
/// guesses: `no` where a name is expected is the name "no".
public struct TopologyDecoder {
  let file: String
  let limits: TopologyLimits
  /// Machines decoded so far, across datacenters, against ``TopologyLimits/maxMachines``.
  var machineCount = 0
  /// Set when a count limit was passed: decoding stops there.
  var stopped = false
  /// The problems found so far.
  public private(set) var diagnostics: [Diagnostic] = []
  /// Paths of values that are in the file but could not be decoded: later rules must not treat
  /// them as absent (and fall back to a default).
  var undecodable: Set<String> = []

  /// Creates a decoder for a file's display path.
  public init(file: String, limits: TopologyLimits = .default) {
    self.file = file
    self.limits = limits
  }

  /// Decodes a document root.
  public static func decode(
    _ root: YAMLNode, file: String, limits: TopologyLimits = .default, streamedApps: StreamedApps? = nil
  ) -> (Topology, [Diagnostic]) {
    var d = TopologyDecoder(file: file, limits: limits)
    var t = d.topology(root, streamedApps: streamedApps)
    t.undecodable = d.undecodable
    return (t, d.diagnostics)
  }

  // MARK: Diagnostics

  mutating func report(
    _ entry: DiagnosticCatalog.Entry, _ message: String, _ range: SourceRange, path: String,
    label: String? = nil, help: String? = nil
  ) {
    diagnostics.append(
      Diagnostic(
        entry, message: message, file: file, range: range, label: label, help: help, path: path))
  }

  static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

  /// Reports, once, that `count` entries passed a count limit at `entry`, and stops decoding.
  /// Returns true when the limit holds.
  mutating func within(
    _ count: Int, limit: Int, what: String, flag: String, at entry: Located<String>, path: String
  ) -> Bool {
    guard count > limit else { return true }
    report(
      DiagnosticCatalog.countLimit,
      "the topology declares more \(what) than the limit of \(limit); '\(entry.value)' is one too many", entry.range,
      path: path, label: "limit passed here",
      help: "check that the file is the one meant, or raise the limit with \(flag)")
    stopped = true
    return false
  }

  // MARK: Structure

  /// The pairs of a mapping, looked up by key.
  ///
  /// A linear search over the mapping as read: a topology's mappings hold a handful of keys
  /// each, and hashing every key of every app into a dictionary cost more than the comparisons
  /// it saved. Keys are unique (the reader drops duplicates); unknown keys are reported by
  /// ``fields(_:path:allowed:what:)`` and never asked for.
  struct Fields {
    var pairs: YAMLNode.Pairs?

    subscript(key: String) -> YAMLPair? { pairs?.pair(forKey: key) }
  }

  /// A mapping's pairs by key, reporting unknown keys (with a suggestion) and non-string keys.
  mutating func fields(
    _ node: YAMLNode, path: @autoclosure () -> String, allowed: [String], what: @autoclosure () -> String
  ) -> Fields? {
    if node.isNull { return Fields() }
    guard case .mapping(let pairs) = node.content else {
      report(
        DiagnosticCatalog.wrongType, "\(what()) must be a mapping, found \(node.kindDescription)",
        node.range, path: path())
      return nil
    }
    for pair in pairs {
      guard let key = pair.key.scalar else {
        report(
          DiagnosticCatalog.wrongType, "keys must be strings, found \(pair.key.kindDescription)",
          pair.key.range, path: path())
        continue
      }
      guard allowed.contains(where: { YAMLNode.sameKey($0, key) }) else {
        let place = path().isEmpty ? "at the top level" : "in \(what())"
        if let s = Scalars.suggestion(for: key, among: allowed) {
          report(
            DiagnosticCatalog.unknownKey, "unknown key '\(key)' \(place)", pair.key.range,
            path: Self.join(path(), key), label: "did you mean '\(s)'?",
            help: "did you mean '\(s)'?")
        } else {
          report(
            DiagnosticCatalog.unknownKey, "unknown key '\(key)' \(place)", pair.key.range,
            path: Self.join(path(), key),
            help: "remove it; keys allowed here: \(allowed.joined(separator: ", "))")
        }
        continue
      }
    }
    return Fields(pairs: pairs)
  }

  /// The value of a required key, reporting it missing at `owner`.
  mutating func required(
    _ fields: Fields, _ key: String, owner: SourceRange, path: @autoclosure () -> String,
    what: @autoclosure () -> String
  ) -> YAMLNode? {
    guard let pair = fields[key], !pair.value.isNull else {
      if let pair = fields[key] {
        report(
          DiagnosticCatalog.missingKey, "\(what()) has an empty '\(key)'", pair.key.range,
          path: Self.join(path(), key), help: "give '\(key)' a value")
      } else {
        report(
          DiagnosticCatalog.missingKey, "\(what()) is missing the required key '\(key)'", owner,
          path: path(), help: "add '\(key): ...'")
      }
      return nil
    }
    return pair.value
  }

  /// A name -> value mapping whose keys are names (datacenters, machines, ensembles, apps).
  mutating func namedEntries(
    _ node: YAMLNode, path: @autoclosure () -> String, what: @autoclosure () -> String
  ) -> [(name: Located<String>, value: YAMLNode)] {
    if node.isNull { return [] }
    guard case .mapping(let pairs) = node.content else {
      report(
        DiagnosticCatalog.wrongType,
        "'\(path())' must be a mapping of \(what()) names, found \(node.kindDescription)", node.range,
        path: path())
      return []
    }
    var out: [(name: Located<String>, value: YAMLNode)] = []
    out.reserveCapacity(pairs.count)
    for pair in pairs {
      if let n = entryName(pair, after: out.last?.name, path: path(), what: what()) { out.append((n, pair.value)) }
    }
    return out
  }

  /// The keys of an entry, by what the entry is.
  static let keysOfAnEntry: [String: [String]] = [
    "datacenter": FormatKeys.datacenter, "machine": FormatKeys.machine, "ensemble": FormatKeys.ensemble,
    "app": FormatKeys.app,
  ]

  /// The name of one entry of a name -> value mapping, or nil (reported) when its key is not
  /// a name. `previous` is the entry before it, named in the help for an indentation slip.
  mutating func entryName(
    _ pair: YAMLPair, after previous: Located<String>?, path: @autoclosure () -> String,
    what: @autoclosure () -> String
  ) -> Located<String>? {
    // A key of an entry written at the level of the entries is an indentation slip (a
    // dedented `machines:` under `datacenters`, `chroot:` under `ensembles`): say where it
    // belongs, and do not decode it as an entry (which would only bury it under follow-ons).
    if let key = pair.key.scalar,
      (Self.keysOfAnEntry[what()] ?? []).contains(where: { YAMLNode.sameKey($0, key) })
    {
      let owner = previous.map { "'\($0.value)'" } ?? "the \(what()) it belongs to"
      report(
        DiagnosticCatalog.unknownKey,
        "'\(key)' is a key of \(what() == "app" || what() == "ensemble" ? "an" : "a") \(what()), not \(what() == "app" || what() == "ensemble" ? "an" : "a") \(what()) name",
        pair.key.range, path: path(), label: "indented one level too little",
        help: "indent '\(key):' (and what follows it) under \(owner)")
      return nil
    }
    return name(pair.key, path: path(), what: "\(what()) name")
  }

  /// A list of nodes.
  mutating func list(_ node: YAMLNode, path: @autoclosure () -> String, what: @autoclosure () -> String)
    -> YAMLNode.Items?
  {
    if node.isNull { return YAMLNode.Items.empty(node.document) }
    guard case .sequence(let items) = node.content else {
      report(
        DiagnosticCatalog.wrongType, "\(what()) must be a list, found \(node.kindDescription)",
        node.range, path: path(), help: "write a list such as [a, b, c]")
      return nil
    }
    return items
  }

  // MARK: Scalars

  mutating func text(_ node: YAMLNode, path: @autoclosure () -> String, what: @autoclosure () -> String) -> Located<
    String
  >? {
    guard let s = node.scalar, !node.isNull else {
      report(
        DiagnosticCatalog.wrongType, "\(what()) must be a string, found \(node.kindDescription)",
        node.range, path: path())
      return nil
    }
    return Located(s, node.range)
  }

  mutating func name(_ node: YAMLNode, path: @autoclosure () -> String, what: @autoclosure () -> String) -> Located<
    String
  >? {
    guard let t = text(node, path: path(), what: what()) else { return nil }
    guard Scalars.isName(t.value) else {
      report(
        DiagnosticCatalog.invalidName, "\(what()) '\(t.value)' is not a valid name", node.range,
        path: path())
      return nil
    }
    return t
  }

  mutating func integer(
    _ node: YAMLNode, path: @autoclosure () -> String, what: @autoclosure () -> String, range: ClosedRange<Int>,
    entry: DiagnosticCatalog.Entry = DiagnosticCatalog.invalidInteger
  ) -> Located<Int>? {
    guard case .scalar(let s, let plain) = node.content, !node.isNull else {
      report(
        DiagnosticCatalog.wrongType, "\(what()) must be an integer, found \(node.kindDescription)",
        node.range, path: path())
      return nil
    }
    guard let v = Scalars.integer(s) else {
      report(
        DiagnosticCatalog.wrongType, "\(what()) must be an integer, found '\(s)'", node.range,
        path: path())
      return nil
    }
    guard plain else {
      report(
        DiagnosticCatalog.wrongType, "\(what()) must be an integer, found a quoted string",
        node.range, path: path(), help: "remove the quotes: \(s)")
      return nil
    }
    guard range.contains(v) else {
      report(
        entry, "\(what()) is \(v); it must be from \(range.lowerBound) to \(range.upperBound)",
        node.range, path: path())
      return nil
    }
    return Located(v, node.range)
  }

  mutating func port(_ node: YAMLNode, path: @autoclosure () -> String, what: @autoclosure () -> String) -> Located<
    Int
  >? {
    integer(node, path: path(), what: what(), range: 1...65535, entry: DiagnosticCatalog.invalidPort)
  }

  mutating func duration(
    _ node: YAMLNode, path: @autoclosure () -> String, what: @autoclosure () -> String, allowZero: Bool = false
  ) -> Located<Duration>? {
    guard let t = text(node, path: path(), what: what()) else { return nil }
    let d: Duration
    switch Scalars.parseDuration(t.value) {
    case .success(let value): d = value
    case .failure(let problem):
      let units = Scalars.durationUnits.map { "'\($0.unit)'" }.joined(separator: ", ")
      undecodable.insert(path())
      switch problem {
      case .noUnit:
        report(
          DiagnosticCatalog.invalidDuration, "\(what()) '\(t.value)' has no unit", node.range,
          path: path(), label: "add a unit",
          help: "write '\(t.value)ms' for milliseconds (as zoo.cfg does) or '\(t.value)s' for seconds")
      case .unknownUnit(let unit):
        report(
          DiagnosticCatalog.invalidDuration, "\(what()) '\(t.value)' has an unknown unit '\(unit)'", node.range,
          path: path(), label: "unknown unit",
          help: "use one of the units \(units), such as '60s' or '2m'")
      case .tooLong:
        report(
          DiagnosticCatalog.invalidDuration, "\(what()) '\(t.value)' is too long", node.range,
          path: path(), label: "longer than 2147483647ms",
          help:
            "ZooKeeper keeps times as Java int milliseconds: write at most 2147483647ms (about 24.8 days)")
      case .malformed:
        report(
          DiagnosticCatalog.invalidDuration, "\(what()) '\(t.value)' is not a duration", node.range,
          path: path(),
          help: "write a number and one of the units \(units), such as '2000ms', '1.5ms' or '60s'")
      }
      return nil
    }
    if d.microseconds == 0 && !allowZero {
      undecodable.insert(path())
      report(
        DiagnosticCatalog.invalidDuration, "\(what()) must be longer than zero", node.range,
        path: path(), help: "write a positive duration such as '2000ms'")
      return nil
    }
    return Located(d, node.range)
  }

  mutating func availability(_ node: YAMLNode, path: @autoclosure () -> String) -> Located<Double>? {
    guard let t = text(node, path: path(), what: "availability") else { return nil }
    guard let v = Scalars.availability(t.value) else {
      report(
        DiagnosticCatalog.invalidAvailability, "'\(t.value)' is not an availability", node.range,
        path: path())
      return nil
    }
    return Located(v, node.range)
  }

  mutating func host(_ node: YAMLNode, path: @autoclosure () -> String) -> Located<String>? {
    guard let t = text(node, path: path(), what: "host") else { return nil }
    let v = t.value
    if Scalars.host(v) != nil { return t }
    var help = "write an IPv4 address, a bare IPv6 address or a host name"
    if v.hasPrefix("[") && v.hasSuffix("]") {
      help = "write the IPv6 address without brackets: \(v.dropFirst().dropLast())"
    } else if let colon = v.lastIndex(of: ":"), Scalars.host(String(v[..<colon])) != nil {
      help = "ports do not belong in the host; set 'clientPort' instead"
    }
    report(
      DiagnosticCatalog.invalidHost, "'\(v)' is not a valid host", node.range, path: path(),
      help: help)
    return nil
  }

  mutating func chroot(_ node: YAMLNode, path: @autoclosure () -> String) -> Located<String>? {
    guard let t = text(node, path: path(), what: "chroot") else { return nil }
    if let problem = Scalars.zooKeeperPathProblem(t.value) {
      report(
        DiagnosticCatalog.invalidPath,
        "chroot '\(t.value)' is not a valid ZooKeeper path: "
          + problem, node.range, path: path())
      return nil
    }
    return t
  }

  mutating func choice<T: RawRepresentable & CaseIterable & Sendable>(
    _ node: YAMLNode, path: @autoclosure () -> String, what: @autoclosure () -> String, as: T.Type
  ) -> Located<T>? where T.RawValue == String {
    guard let t = text(node, path: path(), what: what()) else { return nil }
    guard let v = T(rawValue: t.value) else {
      let options = T.allCases.map(\.rawValue)
      let s = Scalars.suggestion(for: t.value, among: options)
      report(
        DiagnosticCatalog.invalidChoice,
        "\(what()) '\(t.value)' is not one of "
          + options.map { "'\($0)'" }.joined(separator: ", "), node.range, path: path(),
        help: s.map { "did you mean '\($0)'?" } ?? "use one of: \(options.joined(separator: ", "))")
      return nil
    }
    return Located(v, node.range)
  }

  mutating func nameList(_ node: YAMLNode, path: @autoclosure () -> String, what: @autoclosure () -> String)
    -> [Located<String>]
  {
    guard let items = list(node, path: path(), what: what()) else { return [] }
    return items.enumerated().compactMap { i, item in
      name(item, path: "\(path())[\(i)]", what: "machine name")
    }
  }

  // MARK: The format

  static let topKeys = FormatKeys.top
  static let zkKeys = FormatKeys.zookeeper

  /// The topology of a document root; its apps from `streamedApps` when the reader streamed
  /// them.
  mutating func topology(_ root: YAMLNode, streamedApps: StreamedApps?) -> Topology {
    var t = Topology(file: file)
    guard let f = fields(root, path: "", allowed: Self.topKeys, what: "the topology") else {
      return t
    }
    let top = SourceRange.fileStart
    if let v = required(f, "quorate", owner: top, path: "", what: "the topology") {
      if let n = integer(v, path: "quorate", what: "format version", range: Int.min...Int.max) {
        if n.value != 1 {
          report(
            DiagnosticCatalog.unsupportedVersion, "format version \(n.value) is not supported",
            v.range, path: "quorate", help: "write 'quorate: 1'")
        } else {
          t.version = n
        }
      }
    }
    if let v = required(f, "name", owner: top, path: "", what: "the topology") {
      t.name = name(v, path: "name", what: "topology name")
    }
    if let v = f["defaults"]?.value { defaults(v, into: &t) }
    if let v = required(f, "datacenters", owner: top, path: "", what: "the topology") {
      let entries = namedEntries(v, path: "datacenters", what: "datacenter")
      // Exactly as many as declared (up to the limit): growing by doubling held two copies
      // and up to twice the room at the peak.
      t.datacenters.reserveCapacity(min(entries.count, limits.maxDatacenters))
      for (i, (n, value)) in entries.enumerated() {
        guard
          within(
            i + 1, limit: limits.maxDatacenters, what: "datacenters", flag: "--max-datacenters", at: n,
            path: "datacenters")
        else { return t }
        if let dc = datacenter(n, value) { t.datacenters.append(dc) }
        if stopped { return t }
      }
      atLeastOne(entries.count, v, key: "datacenters", what: "datacenter")
    }
    if let v = f["links"]?.value, let items = list(v, path: "links", what: "'links'") {
      for (i, item) in items.enumerated() {
        if let l = link(item, path: "links[\(i)]") { t.links.append(l) }
      }
    }
    if let v = required(f, "ensembles", owner: top, path: "", what: "the topology") {
      let entries = namedEntries(v, path: "ensembles", what: "ensemble")
      t.ensembles.reserveCapacity(min(entries.count, limits.maxEnsembles))
      for (i, (n, value)) in entries.enumerated() {
        guard
          within(
            i + 1, limit: limits.maxEnsembles, what: "ensembles", flag: "--max-ensembles", at: n,
            path: "ensembles")
        else { return t }
        if let e = ensemble(n, value) { t.ensembles.append(e) }
      }
      atLeastOne(entries.count, v, key: "ensembles", what: "ensemble")
    }
    if let v = f["apps"]?.value, v.isStreamedMapping, let streamed = streamedApps {
      // Decoded as the file was read: the entries' problems, then the limit, as below.
      diagnostics += streamed.decoder.diagnostics
      undecodable.formUnion(streamed.decoder.undecodable)
      t.apps = streamed.apps
      if let first = streamed.firstPastLimit {
        _ = within(limits.maxApps + 1, limit: limits.maxApps, what: "apps", flag: "--max-apps", at: first, path: "apps")
      }
    } else if let v = f["apps"]?.value {
      let entries = namedEntries(v, path: "apps", what: "app")
      t.apps.reserveCapacity(min(entries.count, limits.maxApps))
      for (i, (n, value)) in entries.enumerated() {
        guard within(i + 1, limit: limits.maxApps, what: "apps", flag: "--max-apps", at: n, path: "apps") else {
          return t
        }
        if let a = app(n, value) { t.apps.append(a) }
      }
    }
    return t
  }

  /// Reports an empty mapping where the format needs at least one entry.
  mutating func atLeastOne(_ count: Int, _ node: YAMLNode, key: String, what: String) {
    guard count == 0, case .mapping(let pairs) = node.content, pairs.isEmpty else { return }
    report(
      DiagnosticCatalog.missingKey, "'\(key)' declares no \(what)", node.range, path: key,
      help: "declare at least one \(what) under '\(key)'")
  }

  mutating func defaults(_ node: YAMLNode, into t: inout Topology) {
    guard
      let f = fields(
        node, path: "defaults", allowed: FormatKeys.defaults, what: "'defaults'")
    else { return }
    if let z = f["zookeeper"]?.value {
      if let zf = fields(z, path: "defaults.zookeeper", allowed: Self.zkKeys, what: "'defaults.zookeeper'") {
        t.zookeeper = settings(zf, path: "defaults.zookeeper")
      }
    }
    if let c = f["client"]?.value,
      let cf = fields(c, path: "defaults.client", allowed: FormatKeys.client, what: "'defaults.client'"),
      let v = cf["sessionTimeout"]?.value
    {
      t.clientSessionTimeout = duration(v, path: "defaults.client.sessionTimeout", what: "sessionTimeout")
    }
    if let d = f["dubbo"]?.value, let spec = dubbo(d, path: "defaults.dubbo") { t.dubbo = spec }
    if let a = f["availability"]?.value,
      let af = fields(
        a, path: "defaults.availability", allowed: FormatKeys.availability,
        what: "'defaults.availability'")
    {
      if let v = af["machine"]?.value { t.machineAvailability = availability(v, path: "defaults.availability.machine") }
      if let v = af["datacenter"]?.value {
        t.datacenterAvailability = availability(v, path: "defaults.availability.datacenter")
      }
    }
  }

  mutating func settings(_ f: Fields, path: String) -> ZooKeeperSettings {
    var s = ZooKeeperSettings()
    func p(_ k: String) -> String { Self.join(path, k) }
    if let v = f["clientPort"]?.value { s.clientPort = port(v, path: p("clientPort"), what: "clientPort") }
    if let v = f["quorumPort"]?.value { s.quorumPort = port(v, path: p("quorumPort"), what: "quorumPort") }
    if let v = f["electionPort"]?.value { s.electionPort = port(v, path: p("electionPort"), what: "electionPort") }
    if let v = f["tickTime"]?.value { s.tickTime = duration(v, path: p("tickTime"), what: "tickTime") }
    if let v = f["initLimit"]?.value {
      s.initLimit = integer(v, path: p("initLimit"), what: "initLimit", range: 1...1_000_000)
    }
    if let v = f["syncLimit"]?.value {
      s.syncLimit = integer(v, path: p("syncLimit"), what: "syncLimit", range: 1...1_000_000)
    }
    if let v = f["minSessionTimeout"]?.value {
      s.minSessionTimeout = duration(v, path: p("minSessionTimeout"), what: "minSessionTimeout")
    }
    if let v = f["maxSessionTimeout"]?.value {
      s.maxSessionTimeout = duration(v, path: p("maxSessionTimeout"), what: "maxSessionTimeout")
    }
    if let v = f["snapRetainCount"]?.value {
      // ZooKeeper's DatadirCleanupManager raises anything below 3 to 3.
      s.snapRetainCount = integer(v, path: p("snapRetainCount"), what: "snapRetainCount", range: 3...1_000_000)
    }
    if let v = f["purgeInterval"]?.value {
      s.purgeInterval = duration(v, path: p("purgeInterval"), what: "purgeInterval", allowZero: true)
    }
    return s
  }

  mutating func datacenter(_ n: Located<String>, _ node: YAMLNode) -> DatacenterSpec? {
    let path = "datacenters.\(n.value)"
    guard
      let f = fields(
        node, path: path, allowed: FormatKeys.datacenter,
        what: "datacenter '\(n.value)'")
    else { return nil }
    var dc = DatacenterSpec(name: n)
    if let v = f["region"]?.value { dc.region = text(v, path: "\(path).region", what: "region")?.value }
    if let v = f["availability"]?.value { dc.availability = availability(v, path: "\(path).availability") }
    if let v = f["machines"]?.value {
      let entries = namedEntries(v, path: "\(path).machines", what: "machine")
      dc.machines.reserveCapacity(min(entries.count, limits.maxMachines))
      for (m, value) in entries {
        machineCount += 1
        guard
          within(
            machineCount, limit: limits.maxMachines, what: "machines", flag: "--max-machines", at: m,
            path: "\(path).machines")
        else { return dc }
        if let machine = machine(m, value, datacenter: n.value) { dc.machines.append(machine) }
      }
    }
    return dc
  }

  mutating func machine(_ n: Located<String>, _ node: YAMLNode, datacenter: String) -> MachineSpec? {
    // For messages only (every use is an autoclosure): built when one is reported.
    var path: String { "datacenters.\(datacenter).machines.\(n.value)" }
    let allowed = FormatKeys.machine
    guard let f = fields(node, path: path, allowed: allowed, what: "machine '\(n.value)'") else {
      return nil
    }
    var m = MachineSpec(name: n, datacenter: datacenter)
    if let v = required(f, "host", owner: n.range, path: path, what: "machine '\(n.value)'") {
      m.host = host(v, path: "\(path).host")
    }
    if let v = f["rack"]?.value { m.rack = name(v, path: "\(path).rack", what: "rack") }
    if let v = f["availability"]?.value { m.availability = availability(v, path: "\(path).availability") }
    if let v = f["clientPort"]?.value { m.clientPort = port(v, path: "\(path).clientPort", what: "clientPort") }
    if let v = f["quorumPort"]?.value { m.quorumPort = port(v, path: "\(path).quorumPort", what: "quorumPort") }
    if let v = f["electionPort"]?.value { m.electionPort = port(v, path: "\(path).electionPort", what: "electionPort") }
    return m
  }

  mutating func link(_ node: YAMLNode, path: String) -> LinkSpec? {
    guard let f = fields(node, path: path, allowed: FormatKeys.link, what: "a link") else {
      return nil
    }
    var l = LinkSpec(between: [], rtt: nil, range: node.range)
    if let v = required(f, "between", owner: node.range, path: path, what: "the link") {
      if let items = list(v, path: "\(path).between", what: "'between'") {
        if items.count != 2 {
          report(
            DiagnosticCatalog.wrongType, "'between' must name exactly two datacenters, found \(items.count)",
            v.range, path: "\(path).between")
        } else {
          l.between = items.enumerated().compactMap { i, item in
            name(item, path: "\(path).between[\(i)]", what: "datacenter name")
          }
        }
      }
    }
    if let v = required(f, "rtt", owner: node.range, path: path, what: "the link") {
      l.rtt = duration(v, path: "\(path).rtt", what: "rtt", allowZero: true)
    }
    return l
  }

  mutating func ensemble(_ n: Located<String>, _ node: YAMLNode) -> EnsembleSpec? {
    let path = "ensembles.\(n.value)"
    let allowed = FormatKeys.ensemble
    guard let f = fields(node, path: path, allowed: allowed, what: "ensemble '\(n.value)'") else {
      return nil
    }
    var e = EnsembleSpec(name: n, votersRange: n.range)
    if let pair = f["voters"], case .sequence(let items) = pair.value.content, items.isEmpty {
      e.votersRange = pair.value.range
      e.votersIsList = true
    } else if let v = required(f, "voters", owner: n.range, path: path, what: "ensemble '\(n.value)'") {
      e.voters = nameList(v, path: "\(path).voters", what: "'voters'")
      e.votersRange = v.range
      if case .sequence = v.content { e.votersIsList = true }
    }
    if let v = f["observers"]?.value { e.observers = nameList(v, path: "\(path).observers", what: "'observers'") }
    if let v = f["quorum"]?.value { e.quorum = choice(v, path: "\(path).quorum", what: "quorum", as: QuorumKind.self) }
    if let v = f["groups"]?.value { e.groups = groups(v, path: "\(path).groups") }
    if let v = f["weights"]?.value {
      e.weightsRange = v.range
      for (m, w) in namedEntries(v, path: "\(path).weights", what: "machine") {
        if let weight = integer(w, path: "\(path).weights.\(m.value)", what: "weight", range: 0...1_000_000) {
          e.weights.append((m, weight))
        }
      }
    }
    if let v = f["ids"]?.value {
      for (m, i) in namedEntries(v, path: "\(path).ids", what: "machine") {
        if let id = integer(i, path: "\(path).ids.\(m.value)", what: "id", range: Int.min...Int.max) {
          e.ids.append((m, id))
        }
      }
    }
    if let v = f["chroot"]?.value { e.chroot = chroot(v, path: "\(path).chroot") }
    e.settings = settings(f, path: path)
    return e
  }

  mutating func groups(_ node: YAMLNode, path: String) -> GroupsSpec? {
    if case .scalar(let s, _) = node.content, !node.isNull {
      switch s {
      case "by-datacenter": return .byDatacenter(node.range)
      case "by-rack": return .byRack(node.range)
      default:
        let s2 = Scalars.suggestion(for: s, among: ["by-datacenter", "by-rack"])
        report(
          DiagnosticCatalog.invalidChoice,
          "groups '\(s)' is not 'by-datacenter', 'by-rack' or a mapping of groups", node.range,
          path: path,
          help: s2.map { "did you mean '\($0)'?" }
            ?? "write 'by-datacenter', 'by-rack', or a mapping group -> list of voters")
        return nil
      }
    }
    guard case .mapping = node.content else {
      report(
        DiagnosticCatalog.wrongType,
        "groups must be 'by-datacenter', 'by-rack' or a mapping, found \(node.kindDescription)",
        node.range, path: path)
      return nil
    }
    var out: [(Located<String>, [Located<String>])] = []
    for (g, members) in namedEntries(node, path: path, what: "group") {
      out.append((g, nameList(members, path: "\(path).\(g.value)", what: "group '\(g.value)'")))
    }
    return .explicit(out, node.range)
  }

  mutating func app(_ n: Located<String>, _ node: YAMLNode) -> AppSpec? {
    // For messages only (every use is an autoclosure): built when one is reported.
    var path: String { "apps.\(n.value)" }
    let allowed = FormatKeys.app
    guard let f = fields(node, path: path, allowed: allowed, what: "app '\(n.value)'") else {
      return nil
    }
    var a = AppSpec(name: n)
    if let v = required(f, "datacenter", owner: n.range, path: path, what: "app '\(n.value)'") {
      a.datacenter = name(v, path: "\(path).datacenter", what: "datacenter name")
    }
    if let v = f["registry"]?.value { a.registry = name(v, path: "\(path).registry", what: "ensemble name") }
    if let v = f["registries"]?.value, let items = list(v, path: "\(path).registries", what: "'registries'") {
      a.registriesRange = v.range
      a.registries = items.enumerated().compactMap { i, item in
        name(item, path: "\(path).registries[\(i)]", what: "ensemble name")
      }
    }
    if let v = f["sessionTimeout"]?.value {
      a.sessionTimeout = duration(v, path: "\(path).sessionTimeout", what: "sessionTimeout")
    }
    if let v = f["connect"]?.value {
      a.connect = choice(v, path: "\(path).connect", what: "connect", as: ConnectMode.self)
    }
    if let v = f["chroot"]?.value { a.chroot = chroot(v, path: "\(path).chroot") }
    if let v = f["dubbo"]?.value { a.dubbo = dubbo(v, path: "\(path).dubbo") }
    return a
  }

  /// A `dubbo` block: `version` and `zookeeperClient`.
  mutating func dubbo(_ node: YAMLNode, path: String) -> DubboSpec? {
    guard let f = fields(node, path: path, allowed: FormatKeys.dubbo, what: "'\(path)'") else {
      return nil
    }
    var d = DubboSpec()
    if let v = f["version"]?.value, let t = text(v, path: "\(path).version", what: "Dubbo version") {
      if let version = DubboVersion(t.value) {
        d.version = Located(version, v.range)
      } else {
        undecodable.insert("\(path).version")
        report(
          DiagnosticCatalog.invalidDubboVersion, "Dubbo version '\(t.value)' is not MAJOR.MINOR[.PATCH]",
          v.range, path: "\(path).version", help: "write the release such as '3.2.14' or '2.7'")
      }
    }
    if let v = f["zookeeperClient"]?.value {
      d.zookeeperClient = choice(
        v, path: "\(path).zookeeperClient", what: "zookeeperClient", as: DubboZookeeperClient.self)
    }
    return d
  }
}

/// The apps of a topology decoded one at a time as the file is read
/// (``YAMLReader/read(_:limits:streaming:consume:)``), so that the document never holds them:
/// the same checks, in the same order, as decoding them from the document.
public struct StreamedApps {
  /// Decodes the entries; its diagnostics and undecodable paths join the topology's.
  var decoder: TopologyDecoder
  /// How many entries have a name for a key, the last of them, and the first past
  /// `--max-apps` (where the limit is reported).
  var named = 0
  var last: Located<String>?
  var firstPastLimit: Located<String>?
  /// The apps decoded, at most the limit's worth.
  var apps: [AppSpec] = []

  /// Starts with room for the apps a file of `bytes` bytes can hold (reserved, not touched:
  /// growing by doubling held two copies of the apps).
  public init(file: String, limits: TopologyLimits = .default, bytes: Int) {
    decoder = TopologyDecoder(file: file, limits: limits)
    apps.reserveCapacity(min(bytes / 32, limits.maxApps) + 1)
  }

  /// The app being read straight from events (``StreamedEntries``), what comes next in it,
  /// and which of its keys were seen (bits by position in ``FormatKeys/app``).
  var reading: AppSpec?
  var expected = Expected.appMapping
  var seenKeys: UInt8 = 0
  var listed: [Located<String>] = []
  var listStart = SourceLocation.start

  /// What the app read straight from events expects next.
  enum Expected {
    case appMapping
    case key
    case value(AppKey)
    case registriesList
    case registriesItem
  }

  /// The keys of an app taken straight from events: those whose values are a name, a
  /// duration, a choice or a list of names. `chroot` and `dubbo` (rare) are decoded from the
  /// document.
  enum AppKey: Int {
    case datacenter = 0
    case registry = 1
    case registries = 2
    case sessionTimeout = 3
    case connect = 4

    /// The key these bytes spell, if one of these: told apart by length and first byte, then
    /// compared (a search through the spellings was most of what reading an app cost).
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
      guard let first = bytes.first else { return nil }
      let key: AppKey
      let spelling: StaticString
      switch (bytes.count, first) {
      case (10, UInt8(ascii: "d")): (key, spelling) = (.datacenter, "datacenter")
      case (8, UInt8(ascii: "r")): (key, spelling) = (.registry, "registry")
      case (10, UInt8(ascii: "r")): (key, spelling) = (.registries, "registries")
      case (14, UInt8(ascii: "s")): (key, spelling) = (.sessionTimeout, "sessionTimeout")
      case (7, UInt8(ascii: "c")): (key, spelling) = (.connect, "connect")
      default: return nil
      }
      guard memcmp(bytes.baseAddress!, spelling.utf8Start, bytes.count) == 0 else { return nil }
      self = key
    }

    var bit: UInt8 { 1 << UInt8(rawValue) }
  }

  /// Decodes one entry of `apps`.
  public mutating func decode(_ pair: YAMLPair) {
    guard let n = decoder.entryName(pair, after: last, path: "apps", what: "app") else { return }
    (named, last) = (named + 1, n)
    guard named <= decoder.limits.maxApps else {
      if named == decoder.limits.maxApps + 1 { firstPastLimit = n }
      return
    }
    if let a = decoder.app(n, pair.value) { apps.append(a) }
  }
}

/// An app read straight from the parser's events: only what decodes without a problem (every
/// key one of ``StreamedApps/AppKey``, once; names that are names, a duration above zero, a
/// known `connect`, `registries` a list of names, `datacenter` given). Anything else is
/// declined and decoded from the document, where its problems are reported: what is taken
/// here is exactly what ``TopologyDecoder/app(_:_:)`` makes of the same entry.
extension StreamedApps: StreamedEntries {
  public mutating func begin(key: String, range: SourceRange) -> Bool {
    // As `decode(_:)`: a name, not a key of an app written one level too far left, and within
    // the limit (past it, the document's path reports it).
    let length = key.utf8.count
    guard Scalars.isName(key), !FormatKeys.app.contains(where: { $0.utf8.count == length && $0 == key }),
      named < decoder.limits.maxApps
    else {
      return false
    }
    reading = AppSpec(name: Located(key, range))
    (expected, seenKeys) = (.appMapping, 0)
    return true
  }

  public mutating func next(_ event: StreamedEvent) -> Bool {
    switch (expected, event) {
    case (.appMapping, .mappingStart):
      expected = .key
      return true
    case (.key, .scalar(let bytes, _, _)):
      guard let key = AppKey(bytes), seenKeys & key.bit == 0 else { return false }
      seenKeys |= key.bit
      expected = key == .registries ? .registriesList : .value(key)
      return true
    case (.key, .end):
      // `datacenter` is required.
      return seenKeys & AppKey.datacenter.bit != 0
    case (.value(let key), .scalar(let bytes, let plain, let range)):
      guard !(plain && YAMLDocument.isNull(bytes)), reading != nil else { return false }
      expected = .key
      return take(key, bytes, range)
    case (.registriesList, .sequenceStart(let range)):
      (listed, listStart, expected) = ([], range.start, .registriesItem)
      return true
    case (.registriesItem, .scalar(let bytes, let plain, let range)):
      guard !(plain && YAMLDocument.isNull(bytes)), let name = Self.name(bytes) else { return false }
      listed.append(Located(name, range))
      return true
    case (.registriesItem, .end(let end)):
      reading?.registriesRange = SourceRange(start: listStart, end: end)
      reading?.registries = listed
      expected = .key
      return true
    default:
      return false
    }
  }

  public mutating func finish() {
    var app: AppSpec?
    swap(&app, &reading)
    guard let app else { return }
    (named, last) = (named + 1, app.name)
    apps.append(app)
  }

  /// Takes the scalar value of `key`; false when it would draw a problem.
  mutating func take(_ key: AppKey, _ bytes: UnsafeBufferPointer<UInt8>, _ range: SourceRange) -> Bool {
    switch key {
    case .datacenter, .registry:
      guard let name = Self.name(bytes) else { return false }
      if key == .datacenter {
        reading?.datacenter = Located(name, range)
      } else {
        reading?.registry = Located(name, range)
      }
    case .sessionTimeout:
      guard case .success(let d) = Scalars.parseDuration(String(decoding: bytes, as: UTF8.self)), d.microseconds != 0
      else { return false }
      reading?.sessionTimeout = Located(d, range)
    case .connect:
      guard let mode = ConnectMode(rawValue: String(decoding: bytes, as: UTF8.self)) else { return false }
      reading?.connect = Located(mode, range)
    case .registries:
      return false
    }
    return true
  }

  /// The text of a name, or nil when it is not one.
  static func name(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    Scalars.isName(bytes: bytes) ? String(decoding: bytes, as: UTF8.self) : nil
  }
}
