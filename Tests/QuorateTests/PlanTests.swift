import Foundation
import Testing
import TopologyAnalysis
import TopologyModel

@Suite struct PlanTests {
  @Test func oneVoterInEachOfThreeDatacenters() throws {
    let t = try bundled("payments-prod")
    let r = Planner.plan(t, ensemble: nil, goals: [.datacenter], maxVoters: 9)
    #expect(r.voters.count == 3)
    #expect(Set(r.voters.map { t.machines[$0].datacenter }).count == 3)
    #expect(Planner.verify(r, in: t))
  }

  @Test func twoDatacentersExplainTheTiebreaker() throws {
    let t = try bundled("datacenter-bridge")
    let r = Planner.plan(t, ensemble: nil, goals: [.datacenter], maxVoters: 9)
    #expect(!r.found)
    #expect(r.explanation.contains(.addTiebreakerSite(pair: ["core", "remote"])))
  }

  @Test func datacenterAndTwoMachinesNeedsTwoTwoOne() throws {
    let t = try bundled("nine-voters-hierarchical")
    let r = Planner.plan(t, ensemble: nil, goals: [.datacenter, .machines(2)], maxVoters: 9)
    #expect(r.voters.count == 5)
    let perDC = Dictionary(grouping: r.voters) { t.machines[$0].datacenter }.values.map(\.count).sorted()
    #expect(perDC == [1, 2, 2])
    #expect(r.toleratedFailures == 2 && Planner.verify(r, in: t))
  }

  @Test func tooFewMachines() throws {
    let r = Planner.plan(try bundled("three-dc-2-2-1"), ensemble: nil, goals: [.machines(3)], maxVoters: 9)
    #expect(!r.found)
    #expect(r.explanation.first == .needsMoreMachines(voters: 7, machines: 5))
  }

  @Test func plansAreValidAndSmallest() throws {
    var rng = SplitMix(state: 31)
    for i in 0..<120 {
      guard let t = load(randomEnsembleYAML(&rng, index: i)).topology else { continue }
      let goals: [SurvivalGoal] = [[.datacenter], [.machines(1)], [.datacenter, .machines(1)], [.rack]].randomElement(
        using: &rng)!
      let r = Planner.plan(t, ensemble: nil, goals: goals, maxVoters: 9)
      if r.found { #expect(Planner.verify(r, in: t), "\(goals)") }
      // Brute force: no smaller odd set of machines meets the goals (and none at all when the
      // planner found none).
      let limit = r.found ? r.voters.count - 2 : min(9, t.machines.count)
      var n = 3
      while n <= limit {
        for mask in 0..<(1 << t.machines.count) where mask.nonzeroBitCount == n {
          let voters = t.machines.indices.filter { mask & (1 << $0) != 0 }
          let candidate = PlanResult(
            name: "x", goals: goals, voters: voters, observers: [], explanation: [], toleratedFailures: (n - 1) / 2)
          #expect(!Planner.verify(candidate, in: t), "\(goals): \(voters) beats \(r.voters)")
        }
        n += 2
      }
    }
  }

  /// The plan's ports are free on its machines, so pasting it adds no V207; `--output` writes
  /// the whole topology with it, which checks without errors and meets the goal (issue 10).
  @Test(arguments: [
    ("payments-prod", "datacenter"), ("nine-voters-hierarchical", "datacenter"), ("three-dc-2-2-1", "machines:1"),
    ("independent-sites", "datacenter"), ("loopback-2-2-1", "datacenter"),
  ])
  func writtenPlansCheckAndHold(name: String, goal: String) throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-plan-\(getpid())-\(name).yaml")
    defer { try? FileManager.default.removeItem(at: out) }
    let r = try quorate(
      "plan", "topologies/\(name).yaml", "--survive", goal, "--ensemble", "planned-zk", "--output", out.path)
    #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
    let check = try quorate("check", out.path, "--format", "json")
    #expect(check.status == 0, "\(check.stdout)")
    #expect(!check.stdout.contains("\"error\""), "\(check.stdout)")
    let analyze = try quorate("analyze", out.path, "--format", "json")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(analyze.stdout.utf8)) as? [String: Any])
    let planned = try #require((json["ensembles"] as? [[String: Any]])?.first { $0["name"] as? String == "planned-zk" })
    if goal == "datacenter" {
      #expect(planned["survivesAnyDatacenterFailure"] as? Bool == true)
    } else {
      #expect((planned["toleratedMachineFailures"] as? Int ?? 0) >= 1)
    }
  }

  @Test func outputRefusesAnExistingName() throws {
    let r = try quorate(
      "plan", "topologies/payments-prod.yaml", "--survive", "datacenter", "--ensemble", "global", "--output",
      "/tmp/x.yaml")
    #expect(r.status == 2)
    #expect(r.stderr.contains("give --ensemble a new name"))
  }
}
