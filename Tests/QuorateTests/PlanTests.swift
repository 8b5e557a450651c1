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
    #expect(r.explanation.contains { $0.contains("2.5-datacenter") && $0.contains("'core' and 'remote'") })
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
    #expect(r.explanation.first?.contains("at least 7 voters") == true)
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
}
