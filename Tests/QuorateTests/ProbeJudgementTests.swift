import Testing
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel
import TopologyRendering

/// How `probe` judges what members answer, with values worked out by hand (the real-server
/// cases are in Tests/e2e/zookeeper_e2e.py).
@Suite struct ProbeJudgementTests {
  func probes(_ modes: [LiveMode], servers: [[String]?]? = nil) -> [MemberProbe] {
    modes.enumerated().map { i, m in
      MemberProbe(member: i, mode: m, zxid: m == .down ? nil : UInt64(100 + i), servers: servers?[i], failure: nil)
    }
  }

  @Test func liveToleranceCountsWhatIsStillUp() throws {
    let t = try bundled("three-dc-2-2-1")  // 5 voters, 2-2-1
    let expected: [String] = []
    // All five serving: 3 of 5 needed, 2 more may fail.
    var l = LiveEnsemble.judge(
      0, probes: probes([.follower, .follower, .leader, .follower, .follower]), expectedServers: expected, in: t)
    #expect(l.quorum && l.liveToleratedFailures == 2 && l.leader == 2)
    #expect(l.criticalDatacentersNow.isEmpty && !l.differsFromPlan)
    #expect(l.zxidSpread == 4)
    // One down: 4 serving, 1 more may fail; losing a datacenter of 2 would leave 2: critical.
    l = LiveEnsemble.judge(
      0, probes: probes([.down, .follower, .leader, .follower, .follower]), expectedServers: expected, in: t)
    #expect(l.quorum && l.liveToleratedFailures == 1 && l.differsFromPlan)
    #expect(l.criticalDatacentersNow.map { t.datacenters[$0].name } == ["sh-b"])
    // Two down: 3 serving, none more.
    l = LiveEnsemble.judge(
      0, probes: probes([.down, .down, .leader, .follower, .follower]), expectedServers: expected, in: t)
    #expect(l.quorum && l.liveToleratedFailures == 0)
    // No leader answering: no quorum whatever the followers say.
    l = LiveEnsemble.judge(
      0, probes: probes([.notServing, .notServing, .notServing, .follower, .follower]), expectedServers: expected, in: t
    )
    #expect(!l.quorum && l.liveToleratedFailures == nil)
  }

  @Test func rolesAndServerListsAgainstThePlan() throws {
    let t = try bundled("payments-prod")  // global: 5 voters and observer zk-c2
    let planned = ["server.1=a", "server.2=b"]
    let l = LiveEnsemble.judge(
      0,
      probes: probes(
        [.leader, .follower, .follower, .follower, .observer, .observer],
        servers: [planned, planned, ["server.1=a"], nil, planned, planned]),
      expectedServers: planned, in: t)
    // zk-c1 (member 4) is a planned voter answering as observer; zk-b1 (2) has another list.
    #expect(l.roleMismatches == [4])
    #expect(l.unexpectedServerLists == [2])
    let codes = ProbeRendering.diagnostics([l], t).map(\.code).sorted()
    #expect(codes == ["P601", "P603"])
  }
}
