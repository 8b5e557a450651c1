import Testing
import TopologyModel

@testable import TopologyAnalysis

@Suite struct CompareTests {
  @Test func sitesAreSplitBetweenTheCoresByTheirApps() {
    // Sites 10..13 with 5 apps each: the first two hold half of the 20.
    let even: [Int: [Int]] = [10: Array(0..<5), 11: Array(5..<10), 12: Array(10..<15), 13: Array(15..<20)]
    #expect(Comparison.halfByApps([10, 11, 12, 13], even) == 2)
    // One site with most of the apps: the cut comes after it, the others go to the second core.
    let skewed: [Int: [Int]] = [0: Array(0..<30), 1: [30], 2: [31]]
    #expect(Comparison.halfByApps([0, 1, 2], skewed) == 1)
    #expect(Comparison.halfByApps([1, 2, 0], skewed) == 3)
  }

  @Test func specExampleSites() throws {
    let c = Comparison.compare(try bundled("payments-prod"))
    #expect(c.map(\.site) == ["bj-a", "sh-a"])
    let sh = c[1]
    #expect(sh.shared.ensemble == "global" && sh.independent.ensemble == "sh-local")
    // Cut off, sh-a holds 1 of global's 5 votes: no quorum; sh-local is entirely inside.
    #expect(!sh.shared.survivesSiteCutOff && sh.independent.survivesSiteCutOff)
    #expect(sh.shared.survivesLossOf.allSatisfy { $0.survives })
    #expect(sh.shared.globallyUnique && !sh.independent.globallyUnique)
    #expect(sh.shared.machines == 6 && sh.independent.machines == 3)
    #expect(sh.recommendation == .bothAsUsed)
    #expect(sh.multiRegistry)
    // bj-a has two machines: no independent ensemble that tolerates a failure.
    #expect(!c[0].independent.exists)
  }

  @Test func majoritySiteIsToldOthersDependOnIt() throws {
    let c = Comparison.compare(try bundled("two-dc-3-2"))
    let east = try #require(c.first { $0.site == "idc-east" })
    #expect(east.shared.survivesSiteCutOff)
    #expect(!east.shared.othersSurviveSiteLoss)
    #expect(east.recommendation == .spreadShared)
    // The proposal for east: 3 voters inside it.
    #expect(east.independent.ensemble == nil && east.independent.exists)
    #expect(east.independent.voters.map(\.count) == [3])
    let west = try #require(c.first { $0.site == "idc-west" })
    #expect(west.shared.survivesLossOf.first { $0.datacenter == "idc-east" }?.survives == false)
    #expect(west.recommendation == .fixShared(fragileTo: ["idc-east"]))
    // Losing idc-east takes the quorum: that is no fail-over risk, the registry is gone.
    #expect(west.shared.failoverRisks.isEmpty)
  }

  @Test func proposedSharedDesignForIndependentSites() throws {
    let c = Comparison.compare(try bundled("independent-sites"))
    for site in c {
      #expect(site.shared.ensemble == nil)
      #expect(site.shared.voters.map(\.count) == [1, 1, 1])
      #expect(site.shared.survivesLossOf.allSatisfy { $0.survives })
      #expect(site.shared.toleratedMachineFailures == 1)
      guard case .proposed(let machines, let dcs) = site.shared.origin else {
        Issue.record("\(site.site): \(site.shared.origin)")
        continue
      }
      #expect(machines.count == 3 && Set(dcs).count == 3)
    }
  }

  @Test func twoDatacentersCannotHostASharedDesign() throws {
    let c = Comparison.compare(try bundled("datacenter-bridge"))
    #expect(c.allSatisfy { !$0.shared.exists })
    guard case .onlyTwoDatacenters(let dcs) = c[0].shared.origin else {
      Issue.record("\(c[0].shared.origin)")
      return
    }
    #expect(dcs.count == 2)
  }
}

/// The three `compare` defects of issue 8, each on a topology written for it.
@Suite struct CompareAsWrittenTests {
  /// 3+2 over two datacenters: for the minority site, losing the majority site loses the quorum,
  /// so there is no fail-over to time: no SESSION_EXPIRED risk is reported next to "no".
  @Test func noFailoverRiskWhereNoServerServes() throws {
    let c = Comparison.compare(try bundled("two-dc-3-2"))
    let west = try #require(c.first { $0.site == "idc-west" })
    #expect(west.shared.survivesLossOf.map(\.datacenter) == ["idc-east"])
    #expect(west.shared.survivesLossOf.map(\.survives) == [false])
    #expect(west.shared.failoverRisks.isEmpty)
    let text = try quorate("compare", "topologies/two-dc-3-2.yaml").stdout
    #expect(!text.contains("'idc-east' lost:"), "\(text)")
  }

  /// An app in 'c' with `connect: local` and no server of its ensemble in 'c': `analyze` says it
  /// is unavailable in every scenario, and `compare` must agree rather than say it keeps its
  /// registry when another site is lost.
  @Test func connectLocalIsHonoured() throws {
    let yaml = """
      quorate: 1
      name: local-without-servers
      datacenters:
        a: { machines: { a1: {host: 10.0.0.1}, a2: {host: 10.0.0.2} } }
        b: { machines: { b1: {host: 10.0.1.1}, b2: {host: 10.0.1.2} } }
        c: { machines: { c1: {host: 10.0.2.1} } }
      ensembles:
        e: { voters: [a1, a2, b1, b2, c1] }
        far: { voters: [a1, a2, b1], clientPort: 2182, quorumPort: 2889, electionPort: 3889 }
      apps:
        w: { datacenter: c, registry: far, connect: local, sessionTimeout: 40s }

      """
    let t = try #require(load(yaml).topology)
    let c = Comparison.compare(t)
    let site = try #require(c.first { $0.site == "c" })
    // 'far' is stretched over a and b: the shared design the app really uses.
    #expect(site.shared.ensemble == "far")
    #expect(site.shared.survivesLossOf.allSatisfy { !$0.survives })
    #expect(!site.shared.survivesSiteCutOff)
    // analyze agrees: unavailable everywhere.
    let report = Analyzer.analyze(t)
    #expect(report.apps[0].failures.allSatisfy { $0.outcome.status == .unavailable })
  }

  /// A site whose apps use a local ensemble first and a shared one second: compare shows the
  /// designs as written (multi-registry, in that order) and does not claim registrations "need
  /// multi-registry" or propose a shared ensemble.
  @Test func multiRegistryAsWritten() throws {
    let yaml = """
      quorate: 1
      name: local-plus-backup
      datacenters:
        a: { machines: { a1: {host: 10.0.0.1}, a2: {host: 10.0.0.2}, a3: {host: 10.0.0.3} } }
        b: { machines: { b1: {host: 10.0.1.1}, b2: {host: 10.0.1.2} } }
        c: { machines: { c1: {host: 10.0.2.1} } }
      ensembles:
        local: { voters: [a1, a2, a3], clientPort: 2182, quorumPort: 2889, electionPort: 3889 }
        backup: { voters: [a1, a2, b1, b2, c1] }
      apps:
        svc: { datacenter: a, registries: [local, backup], sessionTimeout: 40s }

      """
    let t = try #require(load(yaml).topology)
    let site = try #require(Comparison.compare(t).first)
    #expect(site.independent.ensemble == "local" && site.shared.ensemble == "backup")
    #expect(site.shared.origin == .declared(usedBy: ["svc"]))
    #expect(site.multiRegistry)
    #expect(site.usage.map(\.registries) == [["local", "backup"]])
    // backup has 2 of 5 votes in a, so it survives a being cut off? No: a holds 2, others 3.
    #expect(!site.shared.survivesSiteCutOff && site.independent.survivesSiteCutOff)
    #expect(site.recommendation == .bothAsUsed)
    let text = try quorate("compare", "-", stdin: yaml).stdout
    #expect(text.contains("as written: svc: 'local', then 'backup' (multi-registry)"), "\(text)")
    #expect(!text.contains("needs multi-registry"))
    #expect(!text.contains("proposed"))
  }
}
