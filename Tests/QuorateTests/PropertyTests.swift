import Foundation
import Testing
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyImport
import TopologyModel

/// Properties over many topologies and scenarios (issue 14), seeded so that a failure
/// reproduces: the bundled topologies and the generated S estate.
@Suite struct PropertyTests {
  static let files = ["estate-S"] + ConsistencyTests.topologies

  static func topology(_ file: String) throws -> ValidatedTopology {
    var path = packageRoot.appendingPathComponent("topologies/" + file).path
    if file == "estate-S" {
      path = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-property-S-\(getpid()).yaml").path
      try runProcess("/usr/bin/python3", ["Benchmarks/generate-estate.py", "S", path])
    }
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try #require(TopologyLoader.load(SourceFile(path: path, text: text)).topology)
  }

  /// More failures never make anything better: every app is at least as badly off (ok <
  /// degraded < unavailable < down) and an ensemble without a quorum does not regain it.
  /// Failures only (datacenters, racks, machines): a cut can move a quorum to the app's side.
  @Test(arguments: files)
  func moreFailuresNeverHelp(file: String) throws {
    let t = try Self.topology(file)
    let evaluator = ScenarioEvaluator(t)
    var rng = SplitMix(state: UInt64(file.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) }))
    let racks = t.machines.indices.compactMap { m in
      t.machines[m].rack.map { FailureScenario.RackID(datacenter: t.machines[m].datacenter, rack: $0) }
    }
    func grow(_ s: inout FailureScenario) {
      switch Int.random(in: 0..<3, using: &rng) {
      case 0: s.failedDatacenters.insert(Int.random(in: 0..<t.datacenters.count, using: &rng))
      case 1 where !racks.isEmpty: s.failedRacks.insert(racks.randomElement(using: &rng)!)
      default: s.failedMachines.insert(Int.random(in: 0..<t.machines.count, using: &rng))
      }
    }
    var worse = 0
    for _ in 0..<150 {
      var smaller = FailureScenario(datacenterCount: t.datacenters.count)
      for _ in 0..<Int.random(in: 0...2, using: &rng) { grow(&smaller) }
      var larger = smaller
      for _ in 0..<Int.random(in: 1...2, using: &rng) { grow(&larger) }
      let a = evaluator.evaluate(smaller)
      let b = evaluator.evaluate(larger)
      for (x, y) in zip(a.ensembles, b.ensembles) {
        #expect(x.quorum || !y.quorum, "ensemble \(t.ensembles[x.ensemble].name): \(smaller) -> \(larger)")
      }
      for (x, y) in zip(a.apps, b.apps) {
        if x.status.severity < y.status.severity { worse += 1 }
        #expect(
          x.status.severity <= y.status.severity,
          "app \(t.apps[x.app].name): \(x.status) in \(smaller), \(y.status) in \(larger)")
      }
    }
    // Not vacuous: the added failures do make some apps worse off.
    #expect(worse > 0)
  }

  /// What emit writes reads back as the plan: every member's zoo.cfg and myid audit clean
  /// against the topology (same servers, ids, roles, ports, groups, weights, settings), and
  /// every app's connect string parses back to servers of exactly its ensemble.
  @Test(arguments: files)
  func emittedFilesReadBackAsThePlan(file: String) throws {
    try Self.expectEmittedFilesReadBack(try Self.topology(file))
  }

  /// The same over 150 random topologies (majority or hierarchical, groups by datacenter or
  /// listed, weights including 0, observers, explicit ids), each with an app in every
  /// datacenter, one of them `connect: local`.
  @Test func randomTopologiesEmitFilesThatReadBackAsThePlan() throws {
    var rng = SplitMix(state: 1414)
    var checked = 0
    for i in 0..<150 {
      var yaml = randomEnsembleYAML(&rng, index: i)
      let dcs = yaml.components(separatedBy: "\n").filter { $0.hasPrefix("  dc") }.map {
        String($0.dropFirst(2).dropLast())
      }
      yaml +=
        "apps:\n"
        + dcs.enumerated().map {
          "  app\($0.offset): { datacenter: \($0.element), registry: e\($0.offset == 0 ? ", connect: local" : "") }\n"
        }.joined()
      let loaded = TopologyLoader.load(SourceFile(path: "random-\(i).yaml", text: yaml))
      // Some random ensembles are invalid on purpose (a local connect with no member there):
      // only valid ones emit.
      guard let t = loaded.topology else { continue }
      try Self.expectEmittedFilesReadBack(t)
      checked += 1
    }
    #expect(checked > 100, "too few random topologies were valid: \(checked)")
  }

  static func expectEmittedFilesReadBack(_ t: ValidatedTopology) throws {
    let files = EmitPlan.files(t, options: ServerConfigOptions())
    let byPath = Dictionary(files.map { ($0.path, $0.contents) }, uniquingKeysWith: { a, _ in a })
    var configs = 0
    for f in files where f.path.hasPrefix("servers/") && f.path.hasSuffix("/zoo.cfg") {
      configs += 1
      var cfg = ZooCfg(path: f.path)
      var problems: [Diagnostic] = []
      ZooCfgReader.read(SourceFile(path: f.path, text: f.contents), into: &cfg, diagnostics: &problems)
      let folder = String(f.path.dropLast("/zoo.cfg".count))
      let machine = String(folder.split(separator: "/").last ?? "")
      let myidText = try #require(byPath[folder + "/myid"], "\(folder)/myid")
      let myid = SourceFile(path: folder + "/myid", text: myidText)
      problems += Audit.zooCfg(
        cfg, myid: (Int(myidText.trimmingCharacters(in: .whitespacesAndNewlines)), myid), machine: machine, in: t)
      #expect(problems.isEmpty, "\(f.path): \(problems.map { "\($0.code) \($0.message)" })")
    }
    #expect(configs == t.ensembles.reduce(0) { $0 + $1.members.count })
    for app in t.apps {
      for address in ConnectStrings.addresses(app: app, in: t) where !address.connectString.isEmpty {
        let problems = Audit.connectString(address.connectString, in: t)
        #expect(problems.isEmpty, "\(app.name) \(address.connectString): \(problems.map(\.message))")
      }
    }
  }
}
