import Foundation
import Testing
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel
import TopologyRendering

func bundled(_ name: String) throws -> ValidatedTopology {
  let text = try String(contentsOf: packageRoot.appendingPathComponent("topologies/\(name).yaml"), encoding: .utf8)
  return try #require(load(text).topology)
}

func scenario(_ t: ValidatedTopology, fail: [String] = [], isolate: [String] = [], partition: String? = nil) throws
  -> FailureScenario
{
  try FailureScenario.parse(fail: fail, isolate: isolate, partition: partition, in: t)
}

@Suite struct AnalyzeTests {
  @Test func threePlusTwoOverTwoDatacentersDiesWithTheLargerOne() throws {
    let t = try bundled("two-dc-3-2")
    let e = Analyzer.analyze(t).ensembles[0]
    #expect(e.toleratedMachineFailures == 2)
    #expect(e.criticalDatacenters == ["idc-east"])
    #expect(!e.survivesAnyDatacenterFailure)
    #expect(e.minimalBreakingDatacenterSets == [["idc-east"]])
    // Cutting the link: the east side (3 votes) keeps the quorum.
    #expect(e.splits.count == 1)
    #expect(e.splits[0].sideA == ["idc-east"] && e.splits[0].holder == 0)
  }

  @Test func twoTwoOneOverThreeSurvivesAnyOne() throws {
    let e = Analyzer.analyze(try bundled("three-dc-2-2-1")).ensembles[0]
    #expect(e.toleratedMachineFailures == 2)
    #expect(e.criticalDatacenters == [])
    #expect(e.survivesAnyDatacenterFailure)
    #expect(e.minimalBreakingDatacenterSets == [["hz-w", "sh-a"], ["hz-w", "sh-b"], ["sh-a", "sh-b"]])
    // Racks: a1, a2, b1, b2 each in their own rack; zk-w1 has none. Losing any 3 racks breaks it.
    #expect(e.criticalRacks == [])
    #expect(e.minimalBreakingRackSets.allSatisfy { $0.count == 3 })
    #expect(e.minimalBreakingRackSets.count == 4)  // C(4, 3)
  }

  @Test func hierarchicalGroupsTolerateFewerMachineFailuresThanAPlainMajority() throws {
    let r = Analyzer.analyze(try bundled("nine-voters-hierarchical"))
    let flat = try #require(r.ensembles.first { $0.name == "flat" })
    let grouped = try #require(r.ensembles.first { $0.name == "grouped" })
    #expect(flat.toleratedMachineFailures == 4)
    #expect(grouped.toleratedMachineFailures == 3)
    #expect(flat.survivesAnyDatacenterFailure && grouped.survivesAnyDatacenterFailure)
    #expect(grouped.requirement == QuorumRequirement(kind: .hierarchical, needed: 2, of: 3))
    #expect(flat.requirement == QuorumRequirement(kind: .majority, needed: 5, of: 9))
  }

  @Test func specExample() throws {
    let r = Analyzer.analyze(try bundled("payments-prod"))
    let global = r.ensembles[0]
    #expect(global.voters == 5 && global.observers == 1)
    #expect(global.toleratedMachineFailures == 2)
    #expect(global.minimalBreakingDatacenterSets == [["bj-a", "bj-b"], ["bj-a", "sh-a"], ["bj-b", "sh-a"]])
    let local = r.ensembles[1]
    #expect(local.criticalDatacenters == ["sh-a"])
    // order-service (bj-a) loses its only registry when bj-a is cut off: global holds 3 of 5
    // on the other side.
    let order = r.apps[0]
    #expect(order.isolations.first { $0.datacenter == "bj-a" }?.outcome.status == .unavailable)
    #expect(order.failures.allSatisfy { $0.outcome.status == .ok })
  }

  @Test func appsOfOneProfileShareOutcomesThatEachNameTheirOwnApp() throws {
    // Two apps alike in all but name: one profile, the same outcomes, each naming its own app.
    let text = try String(contentsOf: packageRoot.appendingPathComponent("topologies/two-dc-3-2.yaml"), encoding: .utf8)
    let twin = "  order-twin:\n    datacenter: idc-west\n    registry: registry\n    sessionTimeout: 40s\n"
    let t = try #require(load(text + twin).topology)
    let r = Analyzer.analyze(t)
    let (west, twinReport) = (r.apps[1], r.apps[2])
    #expect(west.name == "user-service-west" && twinReport.name == "order-twin")
    #expect(west.profile == twinReport.profile)
    for (a, index) in [(west, 1), (twinReport, 2)] {
      // Losing 'idc-east' (3 of 5 votes) loses the registry. Either datacenter cut off leaves
      // the app in 'idc-west' with the 2 west votes of the 3 needed.
      #expect(a.failures.map(\.datacenter) == ["idc-east"])
      #expect(a.failures.map(\.outcome.status) == [.unavailable])
      #expect(a.isolations.map(\.datacenter) == ["idc-east", "idc-west"])
      #expect(a.isolations.map(\.outcome.status) == [.unavailable, .unavailable])
      #expect((a.failures + a.isolations).allSatisfy { $0.outcome.app == index })
    }
  }

  @Test func datacenterBridgeDependsOnTheCore() throws {
    let t = try bundled("datacenter-bridge")
    let r = Analyzer.analyze(t)
    #expect(r.ensembles[0].criticalDatacenters == ["core"])
    let remote = try #require(r.apps.first { $0.name == "remote-api" })
    #expect(remote.failures.first { $0.datacenter == "core" }?.outcome.status == .unavailable)
    // Cut off, the observers in 'remote' cannot reach the leader, so they stop serving.
    #expect(remote.isolations.first { $0.datacenter == "remote" }?.outcome.status == .unavailable)
  }
}

@Suite struct WhatIfTests {
  @Test func losingADatacenterInTheSpecExample() throws {
    let t = try bundled("payments-prod")
    let r = ScenarioEvaluator(t).evaluate(try scenario(t, fail: ["dc:sh-a"]))
    #expect(r.ensembles.map(\.quorum) == [true, false])
    #expect(r.ensembles[0].aliveVoters == 4)
    #expect(r.apps.map(\.status) == [.ok, .down])
  }

  @Test func partitionKeepsQuorumOnOneSide() throws {
    let t = try bundled("payments-prod")
    let r = ScenarioEvaluator(t).evaluate(try scenario(t, partition: "bj-a,bj-b|sh-a"))
    #expect(r.ensembles[0].quorum && r.ensembles[0].quorumSide == 0)
    // payment-gateway in sh-a: preferred sh-local still serves there.
    #expect(r.apps.map(\.status) == [.ok, .ok])
    let iso = ScenarioEvaluator(t).evaluate(try scenario(t, isolate: ["bj-a"]))
    #expect(iso.apps[0].status == .unavailable)
    // Cut off, bj-a's order-service sees the quorum on the other side (bj-b and sh-a hold 3 of 5).
    #expect(iso.apps[0].registries[0].state == .quorumElsewhere(side: 0))
    #expect(!iso.apps[0].sessionExpiryRisk)
  }

  @Test func fallbackRegistryMakesAnAppDegraded() throws {
    let t = try bundled("independent-sites")
    let r = ScenarioEvaluator(t).evaluate(try scenario(t, fail: ["machine:bj-zk1", "machine:bj-zk2"]))
    let bj = try #require(r.apps.first { t.apps[$0.app].name == "bj-orders" })
    #expect(bj.status == .degraded)
    #expect(bj.activeRegistry == t.ensembleIndex("sh-registry"))
    let gz = try #require(r.apps.first { t.apps[$0.app].name == "gz-orders" })
    #expect(gz.status == .ok)
  }

  @Test func rackFailures() throws {
    let t = try bundled("two-dc-3-2")
    let r = ScenarioEvaluator(t).evaluate(try scenario(t, fail: ["rack:idc-east/e1", "rack:idc-east/e2"]))
    #expect(r.ensembles[0].quorum)  // 3 of 5 left
    let r2 = ScenarioEvaluator(t).evaluate(
      try scenario(t, fail: ["rack:idc-east/e1", "rack:idc-east/e2", "machine:zk-w1"]))
    #expect(!r2.ensembles[0].quorum)
  }

  @Test func observersServeOnlyOnTheQuorumSide() throws {
    let t = try bundled("payments-prod")
    // Isolating sh-a leaves zk-c2 (observer of global) cut off from the leader.
    let r = ScenarioEvaluator(t).evaluate(try scenario(t, isolate: ["sh-a"]))
    let global = r.ensembles[0]
    let e = t.ensembles[0]
    let observer = try #require(e.members.firstIndex { $0.role == .observer })
    #expect(global.up[observer] && !global.serving[observer])
  }

  @Test(arguments: [
    (["dc:nope"], [String](), nil as String?, "unknown datacenter"),
    (["rack:bj-a"], [], nil, "DC/RACK"),
    (["rack:bj-a/r9"], [], nil, "no rack"),
    (["machine:zk-zz"], [], nil, "unknown machine"),
    (["host:x"], [], nil, "not dc, rack or machine"),
    ([], [], "bj-a,bj-b", "at least two sides"),
    ([], [], "bj-a|bj-b", "missing: sh-a"),
    ([], [], "bj-a,bj-b|sh-a,bj-a", "more than once"),
    ([], ["sh-a"], "bj-a|bj-b,sh-a", "not both"),
  ])
  func badScenarioWordsAreClearErrors(fail: [String], isolate: [String], partition: String?, message: String) throws {
    let t = try bundled("payments-prod")
    #expect(throws: ScenarioError.self) {
      try FailureScenario.parse(fail: fail, isolate: isolate, partition: partition, in: t)
    }
    do {
      _ = try FailureScenario.parse(fail: fail, isolate: isolate, partition: partition, in: t)
    } catch {
      let words = AnalysisWording.scenarioError(error)
      #expect(words.contains(message), "\(words)")
    }
  }

  @Test func moreFailuresNeverMakeMoreAppsOK() throws {
    var rng = SplitMix(state: 5)
    for name in ["payments-prod", "independent-sites", "three-dc-2-2-1", "datacenter-bridge", "two-dc-3-2"] {
      let t = try bundled(name)
      let ev = ScenarioEvaluator(t)
      for _ in 0..<200 {
        var s = FailureScenario(datacenterCount: t.datacenters.count)
        for d in t.datacenters.indices where Int.random(in: 0..<4, using: &rng) == 0 { s.failedDatacenters.insert(d) }
        for m in t.machines.indices where Int.random(in: 0..<4, using: &rng) == 0 { s.failedMachines.insert(m) }
        if Bool.random(using: &rng) {
          s.sides = FailureScenario.Sides(t.datacenters.indices.map { _ in Int.random(in: 0...1, using: &rng) })
        }
        var worse = s
        worse.failedMachines.insert(Int.random(in: t.machines.indices, using: &rng))
        let okBefore = Set(ev.evaluate(s).apps.filter { $0.status == .ok }.map(\.app))
        let okAfter = Set(ev.evaluate(worse).apps.filter { $0.status == .ok }.map(\.app))
        #expect(
          okAfter.isSubset(of: okBefore),
          "\(name): \(AnalysisWording.scenario(s, t)) then \(AnalysisWording.scenario(worse, t))")
      }
    }
  }
}

@Suite struct FailoverTests {
  @Test func workedExampleFromTheFacts() {
    // tickTime 2000: 60s is negotiated down to 40s; with 3 hosts C = 13333, R = 26666.
    // The idle client pings every min(13333 - 1000, 10000) = 10000 ms, so a client of a
    // follower has as little as 40000 - 26666 - 10000 = 3334 ms once it notices.
    let m = FailoverModel(requestedMs: 60_000, negotiatedMs: 40_000, servers: 3)
    #expect(m.connectTimeoutMs == 13_333)
    #expect(m.readTimeoutMs == 26_666)
    #expect(m.pingIntervalMs == 10_000)
    #expect(m.budgetMs == 3334)
    #expect(m.reportedBudgetMs == 13_334)
    #expect(m.worstCaseMs(unreachable: 1) == 1000)
    #expect(m.worstCaseMs(unreachable: 2) == 15_333)
    #expect(!m.risksExpiry(unreachable: 1))
    #expect(m.risksExpiry(unreachable: 2))
    // Below 10 s the ping interval is R/2 - 1 s: T = 9000 gives R = 6000 and P = 2000.
    #expect(FailoverModel(requestedMs: 9000, negotiatedMs: 9000, servers: 3).pingIntervalMs == 2000)
    // The measurement of issue 11 (tickTime 4000, T = 40 s): the leader expired the session
    // 33.3 s and 35.8 s after the client's last answer, inside [T - P, T + tickTime].
    let measured = FailoverModel(requestedMs: 40_000, negotiatedMs: 40_000, servers: 3, tickTimeMs: 4000)
    #expect(measured.negotiatedMs - measured.pingIntervalMs <= 33_300)
  }

  /// The chance that the client's last ping had not reached the leader: the failure at a
  /// uniform time in [0, P) after the ping, the report a uniform time in [0, tickTime/2) after
  /// it. Checked on a grid against the closed form.
  @Test func unreportedPingProbabilityMatchesAGrid() {
    for (t, tick) in [(6000, 500), (40_000, 2000), (40_000, 4000), (4000, 2000), (12_000, 10_000)] {
      let m = FailoverModel(requestedMs: t, negotiatedMs: t, servers: 3, tickTimeMs: tick)
      let steps = 1000
      var unreported = 0
      for i in 0..<steps {
        let failure = (Double(i) + 0.5) / Double(steps) * Double(m.pingIntervalMs)
        for j in 0..<steps {
          let report = (Double(j) + 0.5) / Double(steps) * Double(tick) / 2
          if report > failure { unreported += 1 }
        }
      }
      let grid = Double(unreported) / Double(steps * steps)
      #expect(abs(grid - m.unreportedProbability) < 2e-3, "T \(t) tick \(tick): \(grid) vs \(m.unreportedProbability)")
    }
  }

  @Test func irwinHallKnownValues() {
    // n = 1: uniform; n = 2: triangular, x^2/2 below 1 and 1 - (2-x)^2/2 above.
    #expect(abs(FailoverModel.irwinHallCDF(0.3, terms: 1) - 0.3) < 1e-12)
    #expect(abs(FailoverModel.irwinHallCDF(0.8, terms: 2) - 0.32) < 1e-12)
    #expect(abs(FailoverModel.irwinHallCDF(1.5, terms: 2) - 0.875) < 1e-12)
    // n = 3 at its mean: 1/2 by symmetry.
    #expect(abs(FailoverModel.irwinHallCDF(1.5, terms: 3) - 0.5) < 1e-12)
    #expect(FailoverModel.irwinHallCDF(-1, terms: 4) == 0)
    #expect(FailoverModel.irwinHallCDF(4, terms: 4) == 1)
  }

  /// P(J = j) by enumerating every order of the other entries after the client's server.
  func enumeratedPJ(n: Int, k: Int) -> [Double] {
    // Entries after the client's: k-1 unreachable (true), n-k reachable (false).
    var counts = Array(repeating: 0.0, count: k)
    var total = 0.0
    func permute(_ rest: [Bool], _ prefix: [Bool]) {
      if rest.isEmpty {
        let j = prefix.prefix { $0 }.count
        counts[j] += 1
        total += 1
        return
      }
      for i in rest.indices {
        var r = rest
        let x = r.remove(at: i)
        permute(r, prefix + [x])
      }
    }
    permute(Array(repeating: true, count: k - 1) + Array(repeating: false, count: n - k), [])
    return counts.map { $0 / total }
  }

  @Test func expiryProbabilityMatchesEnumeration() {
    // Loopback example: N = 5, k = 2, T = 6000, tickTime 500: C = 1200, R = 4000, P = 1000.
    // Reported ping (budget T - R = 2000): P(J=1) = 1/4, then two sleeps must exceed 0.8 s:
    // 1 - 0.8^2/2 = 0.68, so 0.17. Unreported (budget 1000): J=0 never (one sleep < 1 s),
    // J=1 always (1000 - 1200 < 0), so 0.25. The ping is unreported with probability
    // H / 2P = 250 / 2000 = 0.125: in all 0.125 x 0.25 + 0.875 x 0.17 = 0.18.
    let m = FailoverModel(requestedMs: 6000, negotiatedMs: 6000, servers: 5, tickTimeMs: 500)
    #expect(abs(m.expiryProbability(unreachable: 2, budgetMs: m.reportedBudgetMs) - 0.17) < 1e-12)
    #expect(abs(m.expiryProbability(unreachable: 2, budgetMs: m.budgetMs) - 0.25) < 1e-12)
    #expect(abs(m.unreportedProbability - 0.125) < 1e-12)
    #expect(abs(m.expiryProbability(unreachable: 2) - 0.18) < 1e-12)
    for (n, k, t) in [(5, 3, 40_000), (6, 3, 9000), (7, 4, 12_000), (4, 2, 5000)] {
      let model = FailoverModel(requestedMs: t, negotiatedMs: t, servers: n)
      let pj = enumeratedPJ(n: n, k: k)
      func expected(_ budget: Int) -> Double {
        var sum = 0.0
        for (j, p) in pj.enumerated() {
          let x = Double(budget - j * model.connectTimeoutMs) / 1000
          sum += p * (1 - FailoverModel.irwinHallCDF(x, terms: j + 1))
        }
        return sum
      }
      let q = model.unreportedProbability
      let mixed = q * expected(model.budgetMs) + (1 - q) * expected(model.reportedBudgetMs)
      #expect(abs(model.expiryProbability(unreachable: k) - mixed) < 1e-12, "n \(n) k \(k)")
    }
  }

  @Test func checkWarnsWhenFailoverOutlastsTheSession() throws {
    let t = try bundled("two-dc-3-2")
    let d = AnalysisLints.diagnostics(for: t)
    #expect(d.map(\.code) == ["A401"])
    #expect(d[0].message.contains("'user-service-west'") && d[0].message.contains("'idc-east'"))
    // (3 - 1) x (8s + 1s) + 1s = 19s against T - R = 40s - 26.666s; T - R - P = 3.334s.
    #expect(d[0].message.contains("19s") && d[0].message.contains("13.334s"))
    #expect(d[0].notes.contains { $0.contains("T - R - P = 3.334s") })
    // N = 5, k = 3, C = 8s: P(J=0) = 1/2, P(J=1) = 1/3, P(J=2) = 1/6. Reported ping (13.334s):
    // only J = 2 expires, 1/6. Unreported (3.334s): J >= 1 expires, 1/2. The ping is unreported
    // with probability H / 2P = 1000 / 20000 = 0.05: 0.05 x 1/2 + 0.95 x 1/6 = 18.33%.
    #expect(d[0].notes.contains { $0.contains("18.33%") })
    // The spec example draws no A401: order-service's worst case (8.666s when 'sh-a' is lost)
    // is inside T - R; what-if still shows its 1% risk behind a follower (see below).
    #expect(AnalysisLints.diagnostics(for: try bundled("payments-prod")).isEmpty)
  }

  /// An estate's apps are linted in two halves, one per core: the warnings are the ones one
  /// pass gives, in app order, whichever half each app falls in.
  @Test func lintingInHalvesGivesTheWarningsOnePassGives() throws {
    let text = try String(
      contentsOf: packageRoot.appendingPathComponent("topologies/two-dc-3-2.yaml"), encoding: .utf8)
    // Ten copies of each app: the west ones draw A401, the east ones none.
    var apps = "apps:\n"
    for i in 0..<10 {
      apps += "  user-service-\(i):\n    datacenter: idc-east\n    registry: registry\n    sessionTimeout: 40s\n"
      apps += "  user-service-west-\(i):\n    datacenter: idc-west\n    registry: registry\n    sessionTimeout: 40s\n"
    }
    let estate = String(text[..<text.range(of: "apps:\n")!.lowerBound]) + apps
    let t = try #require(load(estate).topology)
    let onePass = AnalysisLints.diagnostics(for: t, halvesFrom: .max)
    #expect(onePass.count == 10)
    #expect(onePass.map(\.range.start.line) == onePass.map(\.range.start.line).sorted())
    for _ in 0..<10 {
      let halves = AnalysisLints.diagnostics(for: t, halvesFrom: 2)
      #expect(halves == onePass)
    }
  }
}

@Suite struct LargeEstateTests {
  @Test func breakingSetsBeyondSixtyFourDatacenters() throws {
    // 70 datacenters, one voter each, one group; the voter in dc69 weighs 100 of 169, so
    // losing dc69 alone breaks the quorum and no other set of up to three does.
    var yaml = "quorate: 1\nname: wide\ndatacenters:\n"
    for d in 0..<70 { yaml += "  dc\(d):\n    machines:\n      m\(d): { host: 10.0.\(d).1 }\n" }
    let voters = (0..<70).map { "m\($0)" }.joined(separator: ", ")
    yaml +=
      "ensembles:\n  e:\n    voters: [\(voters)]\n    quorum: hierarchical\n    groups:\n      g: [\(voters)]\n    weights: { m69: 100 }\n"
    let r = load(yaml)
    let t = try #require(r.topology, "\(r.diagnostics.map(\.message))")
    let e = Analyzer.analyze(t).ensembles[0]
    #expect(!e.datacenterSetsComplete)
    #expect(e.criticalDatacenters == ["dc69"])
    #expect(e.minimalBreakingDatacenterSets == [["dc69"]])
  }
}
