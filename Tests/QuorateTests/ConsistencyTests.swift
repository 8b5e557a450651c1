import Foundation
import Testing
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel

/// Every command says the same about every app in every scenario of the default matrix
/// (issue 8): `matrix`, `what-if`, `analyze`, `compare` and `report --format json`, run as a
/// user runs them, on every bundled topology.
@Suite struct ConsistencyTests {
  static let topologies: [String] = {
    let dir = packageRoot.appendingPathComponent("topologies")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted()
  }()

  func json(_ args: [String]) throws -> [String: Any] {
    let r = try quorate(args + ["--format", "json"])
    #expect(r.status == 0, "\(args): \(r.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(args)")
  }

  @Test(arguments: topologies)
  func everyCommandAgreesOnEveryApp(file: String) throws {
    let path = "topologies/\(file)"
    let matrix = try json(["matrix", path])
    let scenarios = try #require(matrix["scenarios"] as? [[String: Any]])
    // status[scenario key][app] from the matrix; registries usable per app.
    var status: [String: [String: String]] = [:]
    var usable: [String: [String: [String: Bool]]] = [:]
    var baseline: [String: String] = [:]
    let noFailure = try json(["what-if", path])
    for app in noFailure["apps"] as? [[String: Any]] ?? [] {
      baseline[app["name"] as? String ?? ""] = app["status"] as? String
    }
    for s in scenarios {
      let scenario = try #require(s["scenario"] as? [String: Any])
      let failed = scenario["failedDatacenters"] as? [String] ?? []
      let sides = scenario["sides"] as? [[String]] ?? []
      let key: String
      var args: [String]
      if sides.count == 2 {
        let cut = try #require(sides.last)  // the matrix puts the cut-off datacenter on side 1
        key = "cut:" + cut[0]
        args = ["what-if", path, "--isolate", cut[0]]
      } else {
        key = "fail:" + failed.joined(separator: "+")
        args = ["what-if", path] + failed.flatMap { ["--fail", "dc:\($0)"] }
      }
      for app in s["apps"] as? [[String: Any]] ?? [] {
        let name = app["name"] as? String ?? ""
        status[key, default: [:]][name] = app["status"] as? String
        for r in app["registries"] as? [[String: Any]] ?? [] {
          usable[key, default: [:]][name, default: [:]][r["ensemble"] as? String ?? ""] = r["usable"] as? Bool
        }
      }
      // what-if gives exactly the matrix's element for the same scenario.
      let whatIf = try json(args)
      #expect(NSDictionary(dictionary: whatIf).isEqual(to: s), "\(file) \(key): what-if and matrix differ")
    }

    // analyze: every single datacenter failure and cut-off it lists.
    let analyze = try json(["analyze", path])
    for app in analyze["apps"] as? [[String: Any]] ?? [] {
      let name = app["name"] as? String ?? ""
      let listedFailures = app["datacenterFailures"] as? [[String: Any]] ?? []
      for f in listedFailures {
        let dc = f["datacenter"] as? String ?? ""
        #expect(
          f["status"] as? String == status["fail:\(dc)"]?[name], "\(file): analyze and matrix on \(name), \(dc) lost")
      }
      for f in app["isolations"] as? [[String: Any]] ?? [] {
        let dc = f["datacenter"] as? String ?? ""
        #expect(
          f["status"] as? String == status["cut:\(dc)"]?[name], "\(file): analyze and matrix on \(name), \(dc) cut")
      }
      // A datacenter analyze leaves out changes nothing for the app.
      let listed = Set(listedFailures.compactMap { $0["datacenter"] as? String })
      for (key, apps) in status where key.hasPrefix("fail:") && !key.contains("+") {
        let dc = String(key.dropFirst(5))
        guard !listed.contains(dc), let s = apps[name], s != "down" else { continue }
        #expect(s == baseline[name], "\(file): \(name) changes when \(dc) is lost, but analyze leaves \(dc) out")
      }
    }

    // compare: a declared design the site's apps use keeps the site exactly when every one of
    // those apps can still use it.
    let compare = try json(["compare", path])
    for site in compare["sites"] as? [[String: Any]] ?? [] {
      let siteName = site["site"] as? String ?? ""
      for kind in ["shared", "independent"] {
        guard let d = site[kind] as? [String: Any], d["declared"] as? Bool == true,
          let ensemble = d["ensemble"] as? String, let users = d["usedBy"] as? [String], !users.isEmpty
        else { continue }
        for (dc, keeps) in d["survivesLossOf"] as? [String: Bool] ?? [:] {
          let expected = users.allSatisfy { usable["fail:\(dc)"]?[$0]?[ensemble] == true }
          #expect(
            keeps == expected, "\(file): compare says '\(siteName)' keeps \(ensemble) when \(dc) is lost: \(keeps)")
        }
        if let cut = d["survivesSiteCutOff"] as? Bool, status["cut:\(siteName)"] != nil {
          let expected = users.allSatisfy { usable["cut:\(siteName)"]?[$0]?[ensemble] == true }
          #expect(cut == expected, "\(file): compare on '\(siteName)' cut off, \(ensemble)")
        }
      }
    }

    // report --format json carries the same analysis and comparison.
    let report = try json(["report", path])
    #expect(NSDictionary(dictionary: report["analysis"] as? [String: Any] ?? [:]).isEqual(to: analyze))
    #expect(NSDictionary(dictionary: report["comparison"] as? [String: Any] ?? [:]).isEqual(to: compare))
  }
}

/// The evaluator re-evaluates only what a scenario touches; every other outcome is taken from
/// the one with nothing failed. On a generated estate, every outcome of many scenarios (failed
/// datacenters, racks, machines, cuts, partitions) must equal a full evaluation of every
/// ensemble and app.
@Suite struct IncrementalEvaluationTests {
  static let files = ["estate-S", "remote-app"] + ConsistencyTests.topologies

  /// An app in a datacenter that holds no member of its registry; two apps that differ only
  /// in their session timeout.
  static let remoteApp = """
    quorate: 1
    name: remote
    datacenters:
      a: { machines: { a1: { host: 10.0.0.1 }, a2: { host: 10.0.0.2 } } }
      b: { machines: { b1: { host: 10.0.1.1 } } }
      c: { machines: { c1: { host: 10.0.2.1 } } }
    ensembles:
      zk: { voters: [a1, a2, b1] }
    apps:
      far: { datacenter: c, registry: zk }
      near: { datacenter: a, registry: zk }
      quick: { datacenter: a, registry: zk, sessionTimeout: 4s }
    """

  @Test(arguments: files)
  func touchedOnlyEqualsEvaluatingEverything(file: String) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-incremental-\(getpid())-\(file)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var path = packageRoot.appendingPathComponent("topologies/" + file).path
    if file == "estate-S" {
      path = dir.appendingPathComponent("S.yaml").path
      try runProcess("/usr/bin/python3", ["Benchmarks/generate-estate.py", "S", path])
    } else if file == "remote-app" {
      path = dir.appendingPathComponent("remote.yaml").path
      try Self.remoteApp.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let loaded = TopologyLoader.load(SourceFile(path: path, text: try String(contentsOfFile: path, encoding: .utf8)))
    let t = try #require(loaded.topology)
    let evaluator = ScenarioEvaluator(t)
    var scenarios = Array(SurvivalMatrix.scenarios(t, options: MatrixOptions(pairs: true, racks: true, machines: true)))
    var partition = FailureScenario(datacenterCount: t.datacenters.count)
    partition.sides = FailureScenario.Sides(t.datacenters.indices.map { $0 % 2 })
    partition.failedMachines = [0, t.machines.count - 1]
    scenarios.append(partition)
    if let rack = t.machines.first(where: { $0.rack != nil }) {
      var mixed = FailureScenario(datacenterCount: t.datacenters.count)
      mixed.failedRacks = [FailureScenario.RackID(datacenter: rack.datacenter, rack: rack.rack!)]
      mixed.sides[t.datacenters.count - 1] = 1
      scenarios.append(mixed)
    }
    for s in scenarios {
      let fast = evaluator.evaluate(s)
      let ensembles = t.ensembles.indices.map { evaluator.evaluate(ensemble: $0, s) }
      let apps = t.apps.indices.map { evaluator.evaluate(app: $0, s, ensembles: ensembles) }
      for (a, b) in zip(fast.ensembles, ensembles) {
        #expect(
          a.quorumSide == b.quorumSide && a.aliveVoters == b.aliveVoters && a.up == b.up && a.serving == b.serving,
          "ensemble \(t.ensembles[b.ensemble].name) in \(s)")
      }
      for (a, b) in zip(fast.apps, apps) {
        let same =
          a.status == b.status && a.activeRegistry == b.activeRegistry
          && a.registries.map(\.state) == b.registries.map(\.state)
          && a.registries.map(\.reachable) == b.registries.map(\.reachable)
          && a.registries.map(\.servingReachable) == b.registries.map(\.servingReachable)
          && a.registries.map(\.failover.budgetMs) == b.registries.map(\.failover.budgetMs)
          && a.registries.map(\.expiryProbability) == b.registries.map(\.expiryProbability)
        #expect(same, "app \(t.apps[b.app].name) in \(s)")
      }
    }
  }
}
