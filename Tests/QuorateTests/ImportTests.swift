import Foundation
import Testing

/// `quorate import` (spec: output contracts; issue 13): zoo.cfg files in, a format-v1 topology
/// out, equivalent to the one that wrote them.
@Suite struct ImportTests {
  // One folder per test: Swift Testing runs them in parallel, each on its own instance.
  let root = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-import-\(UUID().uuidString)")

  /// The `server.N`, `group.N` and `weight.N` lines of every zoo.cfg under a folder, per file:
  /// what ZooKeeper builds its QuorumVerifier from.
  func membership(_ dir: URL) throws -> Set<[String]> {
    var out: Set<[String]> = []
    let e = FileManager.default.enumerator(atPath: dir.path)
    while let p = e?.nextObject() as? String {
      guard p.hasSuffix("zoo.cfg") else { continue }
      let text = try String(contentsOf: dir.appendingPathComponent(p), encoding: .utf8)
      out.insert(
        text.split(separator: "\n").map(String.init).filter {
          $0.hasPrefix("server.") || $0.hasPrefix("group.") || $0.hasPrefix("weight.")
        })
    }
    return out
  }

  /// Emit a bundled topology, import its files (placing each host where the topology has it),
  /// check the result, emit it again: every membership is the same, so every quorum is.
  @Test(arguments: ["payments-prod", "nine-voters-hierarchical", "datacenter-bridge", "three-dc-2-2-1"])
  func importOfEmittedFilesGivesAnEquivalentTopology(name: String) throws {
    let original = root.appendingPathComponent("\(name)-original")
    let again = root.appendingPathComponent("\(name)-again")
    defer { try? FileManager.default.removeItem(at: root) }
    #expect(try quorate("emit", "topologies/\(name).yaml", "-o", original.path).status == 0)
    // Each host to its datacenter, from the topology itself.
    let connect = try quorate("analyze", "topologies/\(name).yaml", "--format", "json")
    #expect(connect.status == 0)
    let yaml = try String(contentsOf: packageRoot.appendingPathComponent("topologies/\(name).yaml"), encoding: .utf8)
    var maps: [String] = []
    var dc: String?
    for line in yaml.split(separator: "\n") {
      let trimmed = line.drop { $0 == " " }
      let indent = line.count - trimmed.count
      if indent == 2, trimmed.hasSuffix(":"), !trimmed.hasPrefix("#") { dc = String(trimmed.dropLast()) }
      if let dc, let r = trimmed.range(of: "host: ") {
        let host = trimmed[r.upperBound...].prefix { $0 != "," && $0 != " " && $0 != "}" }.replacingOccurrences(
          of: "\"", with: "")
        maps += ["--map", "\(host)=\(dc)"]
      }
    }
    var args = ["import", "--name", name] + maps
    let e = FileManager.default.enumerator(atPath: original.path)
    var cfgs: [String] = []
    while let p = e?.nextObject() as? String {
      if p.hasSuffix("zoo.cfg") { cfgs.append(original.appendingPathComponent(p).path) }
    }
    for c in cfgs.sorted() { args += ["--zoo-cfg", c] }
    let imported = try quorate(args)
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stderr.isEmpty, "\(imported.stderr)")
    let check = try quorate("check", "-", "--format", "json", stdin: imported.stdout)
    #expect(check.status == 0 && !check.stdout.contains("\"severity\":\"error\""), "\(check.stdout)")
    #expect(try quorate("emit", "-", "-o", again.path, stdin: imported.stdout).status == 0)
    #expect(try membership(again) == membership(original))
    // The analysis agrees ensemble by ensemble (names differ; tolerance and breaking sets do not).
    func facts(_ json: String) throws -> [String] {
      let j = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
      return (j["ensembles"] as? [[String: Any]] ?? []).map {
        "\($0["voters"] ?? "") \($0["observers"] ?? "") \($0["toleratedMachineFailures"] ?? "") \($0["minimalBreakingDatacenterSets"] ?? "")"
      }.sorted()
    }
    let a = try quorate("analyze", "-", "--format", "json", stdin: imported.stdout)
    #expect(try facts(a.stdout) == facts(connect.stdout))
  }

  func write(_ name: String, _ text: String) throws -> String {
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let url = root.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  /// Every server.N spelling ZooKeeper 3.4 to 3.9 accepts, a dynamic file, and observers.
  @Test func everySpellingOfAServerLine() throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let dynamic = try write(
      "zoo.cfg.dynamic.100000000",
      """
      server.1=10.0.0.1:2888:3888
      server.2=10.0.0.2:2888:3888:participant;2181
      server.3=10.0.1.1:2888:3888:PARTICIPANT;10.0.1.1:2181
      server.4=[fd00::4]:2888:3888:participant;[fd00::4]:2181
      server.5=10.0.2.1:2888:3888:observer

      """)
    let cfg = try write(
      "zoo.cfg",
      """
      # a hand-written file
      tickTime = 3000
      initLimit=10
      syncLimit=5
      clientPort=2181
      dynamicConfigFile=\(dynamic)

      """)
    let r = try quorate(
      "import", "--zoo-cfg", cfg, "--map", "10.0.0.*=a", "--map", "10.0.1.*=b/r1", "--map", "fd00::*=b", "--map",
      "10.0.2.*=c")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("voters: [10.0.0.1, 10.0.0.2, 10.0.1.1, fd00--4]"))
    #expect(r.stdout.contains("observers: [10.0.2.1]"))
    #expect(r.stdout.contains("10.0.1.1: { host: 10.0.1.1, rack: r1 }"))
    #expect(r.stdout.contains("fd00--4: { host: \"fd00::4\" }"))
    #expect(r.stdout.contains("tickTime: 3000ms"))
    #expect(try quorate("check", "-", stdin: r.stdout).status == 0)
  }

  @Test func disagreeingFilesAreReportedNotMerged() throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let a = try write(
      "a.cfg", "server.1=10.0.0.1:2888:3888\nserver.2=10.0.0.2:2888:3888\nserver.3=10.0.0.3:2888:3888\n")
    let b = try write(
      "b.cfg", "server.1=10.0.0.1:2888:3888\nserver.2=10.0.0.2:2888:3888\nserver.3=10.0.0.9:2888:3888\n")
    let r = try quorate("import", "--zoo-cfg", a, "--zoo-cfg", b, "--map", "*=dc1")
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains("\(a):3:10: error[I502]"), "\(r.stderr)")
    #expect(r.stderr.contains("only in '\(a)': server.3"))
  }

  @Test func unplacedHostsAndBadLines() throws {
    defer { try? FileManager.default.removeItem(at: root) }
    let a = try write(
      "a.cfg", "server.1=10.0.0.1:2888:3888\nserver.2=10.0.0.2:2888:3888\nserver.3=10.0.0.3:2888:3888\n")
    let r = try quorate("import", "--zoo-cfg", a, "--map", "10.0.0.1=dc1")
    #expect(r.status == 0)
    #expect(r.stderr.contains("warning[I503]") && r.stderr.contains("'10.0.0.2', '10.0.0.3'"), "\(r.stderr)")
    #expect(r.stdout.contains("  unassigned:\n"))
    let bad = try write("bad.cfg", "server.1=10.0.0.1:2888\n")
    let rb = try quorate("import", "--zoo-cfg", bad)
    #expect(rb.status == 1)
    #expect(rb.stderr.contains("\(bad):1:10: error[I501]"), "\(rb.stderr)")
    #expect(try quorate("import", "--zoo-cfg", a, "--map", "no-equals").status == 2)
  }
}
