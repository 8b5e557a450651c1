import Foundation
import Testing
import TopologyDiagnostics
import TopologyYAML

@testable import TopologyModel

/// The apps are decoded as the file is read, so that the YAML document never holds them
/// (`YAMLReader.read(_:limits:streaming:consume:)`). Whatever the file, that must give what
/// decoding them from the whole document gives: the same apps in the same order, the same
/// diagnostics, the same limits. Each case below is one way YAML can make the entries of
/// `apps` differ from what is written: repeats, anchors and aliases, merge keys, a second
/// `apps`, an anchored `apps`, errors part-way.
@Suite struct StreamedAppsTests {
  /// What decoding gives, written out so that two ways can be compared.
  struct Outcome: Equatable, CustomStringConvertible {
    var root: Bool
    var apps: [String]
    var diagnostics: [String]
    var undecodable: [String]
    var description: String {
      "root: \(root)\napps:\n" + apps.joined(separator: "\n") + "\ndiagnostics:\n"
        + diagnostics.joined(separator: "\n") + "\nundecodable: \(undecodable)"
    }
  }

  static func outcome(_ root: YAMLNode?, _ read: [Diagnostic], decode: (YAMLNode) -> (Topology, [Diagnostic]))
    -> Outcome
  {
    func line(_ d: Diagnostic) -> String {
      "\(d.code) \(d.range.start.line):\(d.range.start.column)-\(d.range.end.line):\(d.range.end.column) \(d.message)"
        + (d.help.map { " | help: \($0)" } ?? "") + (d.label.map { " | label: \($0)" } ?? "")
        + d.related.map { " | \($0.message) at \($0.range.start.line):\($0.range.start.column)" }.joined()
    }
    guard let root else {
      return Outcome(root: false, apps: [], diagnostics: read.sortedByPosition().map(line), undecodable: [])
    }
    let (t, decoded) = decode(root)
    return Outcome(
      root: true, apps: t.apps.map { "\($0)" }, diagnostics: (read + decoded).sortedByPosition().map(line),
      undecodable: t.undecodable.sorted())
  }

  /// The file decoded from the whole document, and with its apps streamed: each entry built
  /// as a document and handed over, and (`direct`) most of them read straight from events, as
  /// `TopologyLoader` reads them. The two streamed ways must agree too: `streamed` is `direct`
  /// when they do, and says where they differ when they do not.
  static func both(_ text: String, limits: TopologyLimits = .default) -> (whole: Outcome, streamed: Outcome) {
    both(bytes: Array(text.utf8), limits: limits)
  }

  static func both(bytes: [UInt8], limits: TopologyLimits = .default) -> (whole: Outcome, streamed: Outcome) {
    let file = SourceFile(path: "t.yaml", bytes: bytes)
    let (root, read) = YAMLReader.read(file)
    let whole = outcome(root, read) { TopologyDecoder.decode($0, file: file.path, limits: limits) }
    var apps = StreamedApps(file: file.path, limits: limits, bytes: file.bytes.count)
    let (sroot, sread) = YAMLReader.read(file, streaming: "apps") { apps.decode($0) }
    let streamed = outcome(sroot, sread) {
      TopologyDecoder.decode($0, file: file.path, limits: limits, streamedApps: apps)
    }
    var direct = StreamedApps(file: file.path, limits: limits, bytes: file.bytes.count)
    let (droot, dread) = YAMLReader.read(file, streaming: "apps", entries: &direct)
    var straight = outcome(droot, dread) {
      TopologyDecoder.decode($0, file: file.path, limits: limits, streamedApps: direct)
    }
    if straight != streamed {
      straight.diagnostics.append("read straight from events, unlike handed over:\n\(streamed)")
    }
    return (whole, straight)
  }

  static let head = """
    quorate: 1
    name: t
    datacenters:
      dc1: {machines: {m1: {host: 10.0.0.1}, m2: {host: 10.0.0.2}}}
      dc2: {machines: {m3: {host: 10.0.0.3}}}
    ensembles:
      zk: {voters: [m1, m2, m3]}

    """

  static let cases: [(String, String)] = [
    (
      "a repeated app: the first stays, the repeat is reported",
      head + """
        apps:
          a: {datacenter: dc1, registry: zk}
          b: {datacenter: dc1, registry: zk}
          a: {datacenter: dc2, registry: zk}
        """
    ),
    (
      "an app that is an alias of another, and one that merges it",
      head + """
        apps:
          a: &base {datacenter: dc1, registry: zk, sessionTimeout: 30s}
          b: *base
          c: {<<: *base, chroot: /x}
          d: {datacenter: dc2, registries: [zk]}
        """
    ),
    (
      "a merge key among the apps: merged apps come last, unless already there",
      head + """
        apps:
          a: &x {datacenter: dc1, registry: zk}
          <<: {m: *x, a: {datacenter: dc2, registry: zk}}
          z: {datacenter: dc2, registry: zk}
        """
    ),
    (
      "a merge key among the apps that brings a list of mappings",
      head + """
        apps:
          a: &x {datacenter: dc1, registry: zk}
          q: &y {datacenter: dc2, registry: zk}
          <<: [{m: *x}, {n: *y, m: *y}]
        """
    ),
    (
      "a merge key among the apps that brings a scalar",
      head + """
        apps:
          a: {datacenter: dc1, registry: zk}
          <<: nothing
        """
    ),
    (
      "an anchored apps mapping, copied by an alias",
      head + """
        apps: &all
          a: {datacenter: dc1, registry: zk}
        links: *all
        """
    ),
    (
      "apps written twice: a list, then a mapping",
      head + """
        apps: [a, b]
        apps:
          a: {datacenter: dc1, registry: zk}
        """
    ),
    (
      "apps written twice: two mappings",
      head + """
        apps:
          a: {datacenter: dc1, registry: zk}
        apps:
          b: {datacenter: dc1, registry: zk}
        """
    ),
    (
      "apps as a list",
      head + "apps: [{a: 1}]\n"
    ),
    ("apps empty", head + "apps:\n"),
    ("apps an empty mapping", head + "apps: {}\n"),
    (
      "bad names, an indentation slip, a key that is not a string, bad values",
      head + """
        apps:
          a: {datacenter: dc1, registry: zk}
          datacenter: dc1
          -bad-: {datacenter: dc1, registry: zk}
          ? [x, y]
          : {datacenter: dc1, registry: zk}
          b: {datacenter: dc9, registry: zk, sessionTimeout: 5, connect: near, unknown: 1}
          c: {datacenter: dc1, registry: zk, dubbo: {version: x.y}}
          d: 7
          e:
        """
    ),
    (
      "apps before the datacenters",
      """
      quorate: 1
      name: t
      apps:
        a: {datacenter: dc1, registry: zk}
        b: {datacenter: dc2, registry: zk}
      datacenters:
        dc1: {machines: {m1: {host: 10.0.0.1}}}
        dc2: {machines: {m2: {host: 10.0.0.2}, m3: {host: 10.0.0.3}}}
      ensembles:
        zk: {voters: [m1, m2, m3]}
      """
    ),
    (
      "a syntax error among the apps",
      head + """
        apps:
          a: {datacenter: dc1, registry: zk}
          b: {datacenter: dc1, registry: zk
          c: {datacenter: dc1, registry: zk}
        """
    ),
    (
      "a repeated app, then a syntax error before the apps end (found by fuzzing)",
      head + """
        apps:
          a: {datacenter: dc1, registry: zk}
          a: {datacenter: dc1, registry: zk}
          b: {datacenter: dc1, registry: zk
          c: {datacenter: dc1, registry: zk}
        """
    ),
    (
      "a second document after the apps",
      head + """
        apps:
          a: {datacenter: dc1, registry: zk}
        ---
        apps:
          b: {datacenter: dc1, registry: zk}
        """
    ),
    (
      "an alias after the apps to an anchor inside one",
      head + """
        apps:
          a: {datacenter: &d dc1, registry: zk}
          b: {datacenter: dc2, registry: zk}
        links:
          - {between: [*d, dc2], rtt: 2ms}
        """
    ),
  ]

  @Test(arguments: cases.indices)
  func streamingDecodesAsTheWholeDocumentDoes(_ i: Int) {
    let (name, text) = Self.cases[i]
    let (whole, streamed) = Self.both(text)
    #expect(whole == streamed, "\(name)")
  }

  /// The cases say what they test: the apps come in the document's order, repeats and
  /// merged apps as YAML defines them (worked out by hand, not read from the code).
  @Test func theCasesMeanWhatTheySay() {
    func names(_ text: String) -> [String] {
      let file = SourceFile(path: "t.yaml", text: text)
      var apps = StreamedApps(file: file.path, bytes: file.bytes.count)
      let (root, _) = YAMLReader.read(file, streaming: "apps") { apps.decode($0) }
      guard let root else { return ["no root"] }
      return TopologyDecoder.decode(root, file: file.path, streamedApps: apps).0.apps.map(\.name.value)
    }
    #expect(names(Self.cases[0].1) == ["a", "b"])
    #expect(names(Self.cases[1].1) == ["a", "b", "c", "d"])
    #expect(names(Self.cases[2].1) == ["a", "z", "m"])
    #expect(names(Self.cases[3].1) == ["a", "q", "m", "n"])
    #expect(names(Self.cases[7].1) == ["a"])
    #expect(names(Self.cases[12].1) == ["a", "b"])
    // Streamed where written plainly; not when an alias could copy the mapping.
    func streamed(_ text: String) -> Bool? {
      let (root, _) = YAMLReader.read(SourceFile(path: "t.yaml", text: text), streaming: "apps") { _ in }
      guard case .mapping(let pairs)? = root?.content else { return nil }
      return pairs.pair(forKey: "apps")?.value.isStreamedMapping
    }
    #expect(streamed(Self.cases[0].1) == true)
    #expect(streamed(Self.cases[5].1) == false)
    #expect(streamed(Self.cases[8].1) == false)
  }

  /// Limits stop decoding where they did: past `--max-apps`, and before the apps when the
  /// machines passed `--max-machines`.
  @Test func limitsStopWhereTheyDid() {
    var limits = TopologyLimits.default
    limits.maxApps = 2
    let text = Self.cases[1].1
    let (whole, streamed) = Self.both(text, limits: limits)
    #expect(whole == streamed)
    #expect(streamed.diagnostics.contains { $0.contains("than the limit of 2;") })
    #expect(streamed.apps.count == 2)
    var machines = TopologyLimits.default
    machines.maxMachines = 1
    let (w2, s2) = Self.both(Self.cases[12].1, limits: machines)
    #expect(w2 == s2)
    #expect(s2.apps.isEmpty)
  }

  /// Counts which entries were read straight from events and which were handed over.
  struct Counting: StreamedEntries {
    var apps: StreamedApps
    var straight = 0
    var handed = 0
    mutating func decode(_ pair: YAMLPair) {
      handed += 1
      apps.decode(pair)
    }
    mutating func begin(key: String, range: SourceRange) -> Bool { apps.begin(key: key, range: range) }
    mutating func next(_ event: StreamedEvent) -> Bool { apps.next(event) }
    mutating func finish() {
      straight += 1
      apps.finish()
    }
  }

  /// One app after the head, and whether it is read straight from events: the usual shapes
  /// are; anything that draws a problem, or that YAML lets differ from what is written (a
  /// tag, an anchor, an alias, a merge), or that is rare (`chroot`, `dubbo`), is built as a
  /// document and handed over. Either way it decodes as the whole document does.
  static let shapes: [(app: String, straight: Bool)] = [
    ("a: {datacenter: dc1, registry: zk}", true),
    ("a:\n    datacenter: dc1\n    registries: [zk, zk]\n    sessionTimeout: 40s\n    connect: local", true),
    ("a:\n    datacenter: dc2\n    registries:\n      - zk\n    sessionTimeout: '1.5s'", true),
    ("a: {datacenter: \"dc1\", registry: 'zk', connect: all}", true),
    ("a: {datacenter: dc1, registries: []}", true),
    ("a: {datacenter: dc1, registry: zk, sessionTimeout: 0s}", false),
    ("a: {datacenter: dc1, registry: zk, sessionTimeout: 40}", false),
    ("a: {datacenter: dc1, registry: zk, connect: nowhere}", false),
    ("a: {datacenter: dc1, registry: zk, chroot: /x}", false),
    ("a: {datacenter: dc1, registry: zk, dubbo: {version: 3.2.14}}", false),
    ("a: {datacenter: ~, registry: zk}", false),
    ("a: {datacenter: dc1, registry: }", false),
    ("a: {datacenter: dc1, regsitry: zk}", false),
    ("a: {datacenter: dc1, datacenter: dc2, registry: zk}", false),
    ("a: {datacenter: !!str dc1, registry: zk}", false),
    ("a: {datacenter: &d dc1, registry: zk}", false),
    (
      "a: {datacenter: dc1, registry: zk}\n  b: {datacenter: *d, registry: zk}\nlinks: [{between: [&d dc1, dc2]}]",
      false
    ),
    ("b: {datacenter: dc2, registry: zk}\n  a: {datacenter: *d, registry: zk}", false),
    ("\"a\": {datacenter: dc1, registry: zk}", false),
    ("-a: {datacenter: dc1, registry: zk}", false),
    ("datacenter: {datacenter: dc1, registry: zk}", false),
    ("a:", false),
    ("a: dc1", false),
    ("a: {registry: zk}", false),
    ("a: {datacenter: dc1, registries: zk}", false),
    ("a: {datacenter: dc1, registries: [zk, ~]}", false),
    ("a: {datacenter: dc1, registries: [[zk]]}", false),
    ("a: {datacenter: dc1, registries: [zk, -bad]}", false),
    ("a: {datacenter: dc 1, registry: zk}", false),
    ("a: {datacenter: dc1, registry: zk, [x]: y}", false),
    ("a: !!map {datacenter: dc1, registry: zk}", false),
    ("a: {datacenter: dc1, registry: zk, sessionTimeout: \"\"}", false),
  ]

  @Test(arguments: shapes.indices)
  func usualShapesAreReadStraightFromEvents(_ i: Int) {
    let (app, straight) = Self.shapes[i]
    // An anchor in the head, for the aliases.
    let text = Self.head.replacingOccurrences(of: "dc2: {", with: "&d dc2: {") + "apps:\n  " + app + "\n"
    let (whole, streamed) = Self.both(text)
    #expect(whole == streamed, "\(app)")
    let file = SourceFile(path: "t.yaml", text: text)
    var counting = Counting(apps: StreamedApps(file: file.path, bytes: file.bytes.count))
    _ = YAMLReader.read(file, streaming: "apps", entries: &counting)
    // In the alias cases, the app before the alias is read straight.
    let first = app.contains("*d") ? 1 : 0
    #expect(counting.straight == (straight ? 1 : first), "\(app)")
    #expect(counting.handed == (straight ? 0 : 1), "\(app)")
  }

  /// The node and depth limits stop reading where they do in the whole document, whichever
  /// node of an app read straight from events passes them, and report it once.
  @Test func readLimitsStopWhereTheyDoInTheDocument() {
    let text =
      Self.head + "apps:\n  a: {datacenter: dc1, registries: [zk, zk], sessionTimeout: 40s}\n"
      + "  b:\n    datacenter: dc2\n    registry: zk\n"
    let file = SourceFile(path: "t.yaml", text: text)
    func lines(_ d: [Diagnostic]) -> [String] { d.map { "\($0.code) \($0.range) \($0.message)" } }
    var limited: [YAMLLimits] = (10...40).map { YAMLLimits(maxBytes: 1 << 20, maxDepth: 64, maxNodes: $0) }
    limited += (1...5).map { YAMLLimits(maxBytes: 1 << 20, maxDepth: $0, maxNodes: 1000) }
    for limits in limited {
      let whole = YAMLReader.read(file, limits: limits)
      var apps = StreamedApps(file: file.path, bytes: file.bytes.count)
      let straight = YAMLReader.read(file, limits: limits, streaming: "apps", entries: &apps)
      #expect(
        lines(whole.diagnostics) == lines(straight.diagnostics), "\(limits.maxNodes) nodes, depth \(limits.maxDepth)")
      #expect((whole.root == nil) == (straight.root == nil))
    }
  }

  /// The keys taken straight from events are spelled as the format spells them, each at its
  /// position in `FormatKeys.app` (their bits say which were seen), and nothing else is one.
  @Test func keysTakenStraightAreTheFormatsKeys() {
    func key(_ text: String) -> StreamedApps.AppKey? {
      Array(text.utf8).withUnsafeBufferPointer { StreamedApps.AppKey($0) }
    }
    for (i, spelling) in FormatKeys.app.enumerated() {
      if let k = key(spelling) { #expect(k.rawValue == i, "\(spelling)") }
    }
    #expect(FormatKeys.app.compactMap(key).map(\.rawValue) == [0, 1, 2, 3, 4])
    for other in ["chroot", "dubbo", "datacentre", "registrys", "Registry", "sessiontimeout", "connects", "", "d"] {
      #expect(key(other) == nil, "\(other)")
    }
  }

  /// A repeated app's key is reported and dropped as it was, whichever way the first came.
  @Test func aRepeatedAppIsDroppedAfterOneReadStraight() {
    let text = Self.head + "apps:\n  a: {datacenter: dc1, registry: zk}\n  a: {datacenter: dc2, registry: zk}\n"
    let (whole, streamed) = Self.both(text)
    #expect(whole == streamed)
    #expect(streamed.diagnostics.count == 1 && streamed.diagnostics[0].contains("appears twice"))
    let file = SourceFile(path: "t.yaml", text: text)
    var counting = Counting(apps: StreamedApps(file: file.path, bytes: file.bytes.count))
    _ = YAMLReader.read(file, streaming: "apps", entries: &counting)
    #expect((counting.straight, counting.handed) == (1, 0))
  }

  /// Every bundled topology, valid or not, decodes the same both ways.
  @Test func bundledTopologiesDecodeTheSame() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let files = try FileManager.default.subpathsOfDirectory(atPath: root.appendingPathComponent("topologies").path)
      .filter { $0.hasSuffix(".yaml") }
    #expect(files.count > 10)
    for f in files {
      let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent("topologies/\(f)")))
      let (whole, streamed) = Self.both(bytes: bytes)
      #expect(whole == streamed, "\(f)")
    }
  }
}
