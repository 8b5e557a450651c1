import Foundation
import Testing
import TopologyModel
import TopologyRendering

@testable import TopologyAnalysis

/// `quorate matrix` and `--fail-on` (spec: output contracts; issue 8, items 5 and 6).
@Suite struct MatrixTests {
  /// The spec example, worked out by hand. 'global' is 2+2+1 (bj-a, bj-b, sh-a) with an
  /// observer in sh-a; 'sh-local' is 3 voters in sh-a. order-service (bj-a) uses 'global' with
  /// every member listed; payment-gateway (sh-a) uses 'sh-local' then 'global', both local.
  @Test func specExampleByHand() throws {
    let t = try bundled("payments-prod")
    let rows = Array(SurvivalMatrix.rows(t, evaluator: ScenarioEvaluator(t)))
    let expected: [(String, [Bool], [AppStatus])] = [
      ("dc:bj-a", [true, true], [.down, .ok]),  // global keeps b1 b2 c1
      ("dc:bj-b", [true, true], [.ok, .ok]),
      ("dc:sh-a", [true, false], [.ok, .down]),  // a1 a2 b1 b2: 4 of 5
      ("cut:bj-a", [true, true], [.unavailable, .ok]),  // global's quorum is on the other side
      ("cut:bj-b", [true, true], [.ok, .ok]),
      ("cut:sh-a", [true, true], [.ok, .ok]),  // sh-local inside; global on the rest
      ("dc:bj-a+dc:bj-b", [false, true], [.down, .ok]),
      ("dc:bj-a+dc:sh-a", [false, false], [.down, .down]),
      ("dc:bj-b+dc:sh-a", [false, false], [.unavailable, .down]),
    ]
    #expect(rows.count == expected.count)
    for (row, want) in zip(rows, expected) {
      let label = scenarioLabel(row.scenario, t)
      #expect(label == want.0)
      #expect(row.ensembles.map(\.quorum) == want.1, "\(label)")
      #expect(row.apps.map(\.status) == want.2, "\(label)")
    }
    // Cut off, sh-local keeps its quorum on the cut-off side (side 1), global on the rest.
    #expect(rows[5].ensembles.map(\.quorumSide) == [0, 1])
  }

  func scenarioLabel(_ s: FailureScenario, _ t: ValidatedTopology) -> String {
    if s.isPartitioned { return "cut:" + t.datacenters[s.sides.cutOff.first ?? 0].name }
    return s.failedDatacenters.sorted().map { "dc:\(t.datacenters[$0].name)" }.joined(separator: "+")
  }

  @Test func optionsChooseTheScenarios() throws {
    let t = try bundled("payments-prod")
    #expect(SurvivalMatrix.scenarios(t).count == 3 + 3 + 3)
    #expect(SurvivalMatrix.scenarios(t, options: MatrixOptions(pairs: false)).count == 6)
    // bj-a has racks r1 and r2; 7 machines.
    #expect(SurvivalMatrix.scenarios(t, options: MatrixOptions(racks: true)).count == 9 + 2)
    #expect(SurvivalMatrix.scenarios(t, options: MatrixOptions(racks: true, machines: true)).count == 9 + 2 + 7)
    let r = try quorate("matrix", "topologies/payments-prod.yaml", "--no-pairs", "--racks", "--format", "json")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let scenarios = try #require(json["scenarios"] as? [[String: Any]])
    #expect(scenarios.count == 8)
    for s in scenarios {
      #expect(Set(s.keys) == ["scenario", "ensembles", "apps"])
      let scenario = try #require(s["scenario"] as? [String: Any])
      for key in ["failedDatacenters", "failedRacks", "failedMachines", "sides"] {
        #expect(scenario[key] != nil, "\(key)")
      }
    }
    #expect((scenarios.last?["scenario"] as? [String: Any])?["failedRacks"] as? [String] == ["bj-a/r2"])
  }

  /// The scenario list is made from indices (5,000 datacenters have 12.5 million pairs): it
  /// must list exactly what the nested loops over datacenters do, in their order.
  @Test func pairsFromIndicesAreTheNestedLoops() {
    for n in [2, 3, 4, 5, 17, 64, 301] {
      var expected: [String] = []
      for a in 0..<n { for b in (a + 1)..<n { expected.append("\(a),\(b)") } }
      let got = (0..<(n * (n - 1) / 2)).map { k -> String in
        let (a, b) = ScenarioList.pair(k, of: n)
        return "\(a),\(b)"
      }
      #expect(got == expected, "n = \(n)")
    }
    // Near the top of a wide estate's range, where the square root is least exact.
    let n = 5000
    let last = n * (n - 1) / 2 - 1
    #expect(ScenarioList.pair(last, of: n) == (4998, 4999))
    #expect(ScenarioList.pair(last - 1, of: n) == (4997, 4999))
    #expect(ScenarioList.pair(n - 1, of: n) == (1, 2))
  }

  /// The gate check that reads only what a row changed gives the same answer as the scan of
  /// every outcome, on every row of every bundled topology.
  @Test(arguments: [
    "payments-prod", "three-dc-2-2-1", "two-dc-3-2", "nine-voters-hierarchical", "independent-sites",
    "datacenter-bridge",
  ])
  func gatesFromChangesAgreeWithTheFullScan(name: String) throws {
    let t = try bundled(name)
    let rows = SurvivalMatrix.rows(
      t, options: MatrixOptions(pairs: true, racks: true, machines: true), evaluator: ScenarioEvaluator(t))
    var tripped = 0
    for row in rows {
      for gates in [FailureGate.allCases, [.degraded], [.unavailable], [.noQuorum]] {
        let fast = rows.tripped(gates, row)
        #expect(fast == FailureGate.tripped(gates, ensembles: row.ensembles, apps: row.apps))
        tripped += fast.isEmpty ? 0 : 1
      }
    }
    #expect(tripped > 0, "some scenario of \(name) should trip a gate")
    // The renderers' own count (what `--fail-on` exits on for text and Markdown) is the count
    // of rows tripping the gates.
    for gates in [FailureGate.allCases, [.unavailable], [.noQuorum]] {
      let expected = rows.count(tripping: gates)
      #expect(MatrixRendering.textAndFailing(rows, t, gates: gates).failing == expected, "\(gates)")
      #expect(MatrixRendering.markdownAndFailing(rows, t, gates: gates).failing == expected, "\(gates)")
    }
  }

  @Test func scenariosComeInTheirFixedOrder() throws {
    let t = try bundled("payments-prod")
    let labels = SurvivalMatrix.scenarios(t, options: MatrixOptions(racks: true, machines: true)).map {
      AnalysisWording.scenarioLabel($0, t)
    }
    #expect(
      labels == [
        "dc:bj-a", "dc:bj-b", "dc:sh-a", "cut:bj-a", "cut:bj-b", "cut:sh-a", "dc:bj-a+dc:bj-b", "dc:bj-a+dc:sh-a",
        "dc:bj-b+dc:sh-a", "rack:bj-a/r1", "rack:bj-a/r2", "machine:zk-a1", "machine:zk-a2", "machine:zk-b1",
        "machine:zk-b2", "machine:zk-c1", "machine:zk-c2", "machine:zk-c3",
      ])
  }

  @Test func gatesExitOneOnlyWhenTheyTrip() throws {
    let file = "topologies/payments-prod.yaml"
    // cut:bj-a leaves order-service unavailable.
    #expect(try quorate("matrix", file, "--fail-on", "unavailable").status == 1)
    #expect(try quorate("matrix", file, "--fail-on", "no-quorum").status == 1)
    #expect(try quorate("matrix", file).status == 0)
    // Apps in the failed datacenter are outside the gate: down is the scenario itself.
    #expect(try quorate("what-if", file, "--fail", "dc:bj-a", "--fail-on", "unavailable").status == 0)
    #expect(try quorate("what-if", file, "--fail", "dc:sh-a", "--fail-on", "no-quorum").status == 1)  // sh-local
    #expect(
      try quorate("what-if", file, "--fail", "dc:bj-b", "--fail-on", "degraded", "--fail-on", "no-quorum").status == 0)
    let gated = try quorate("what-if", file, "--isolate", "bj-a", "--fail-on", "degraded", "--format", "json")
    #expect(gated.status == 1)
    #expect(try JSONSerialization.jsonObject(with: Data(gated.stdout.utf8)) is [String: Any])
    #expect(gated.stderr.contains("--fail-on degraded"))
    #expect(try quorate("what-if", file, "--fail-on", "sometimes").status == 2)
  }

  @Test func textFitsAndSaysWhatItLeavesOut() throws {
    var yaml = "quorate: 1\nname: wide\ndatacenters:\n"
    for d in 0..<3 { yaml += "  d\(d): { machines: { m\(d): {host: 10.0.0.\(d + 1)} } }\n" }
    yaml += "ensembles:\n  e: { voters: [m0, m1, m2] }\napps:\n"
    for a in 0..<30 { yaml += "  app\(a): { datacenter: d\(a % 3), registry: e, sessionTimeout: 40s }\n" }
    let r = try quorate("matrix", "-", stdin: yaml)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("… no more ensembles and "), "\(r.stdout)")
    #expect(r.stdout.contains(" more apps not shown as columns (--format json or markdown shows all)"))
    let widest = r.stdout.split(separator: "\n").map(\.count).max() ?? 0
    #expect(widest <= 120, "\(r.stdout)")
    let md = try quorate("matrix", "-", "--format", "markdown", stdin: yaml)
    #expect(md.stdout.contains("app29 (d2)"))
  }
}
