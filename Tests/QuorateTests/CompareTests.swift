import Testing
import TopologyAnalysis
import TopologyModel

@Suite struct CompareTests {
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
    #expect(sh.recommendation.hasPrefix("both, as the apps already do"))
    // bj-a has two machines: no independent ensemble that tolerates a failure.
    #expect(!c[0].independent.exists)
  }

  @Test func majoritySiteIsToldOthersDependOnIt() throws {
    let c = Comparison.compare(try bundled("two-dc-3-2"))
    let east = try #require(c.first { $0.site == "idc-east" })
    #expect(east.shared.survivesSiteCutOff)
    #expect(!east.shared.othersSurviveSiteLoss)
    #expect(east.recommendation.contains("every other site loses it"))
    // The proposal for east: 3 voters inside it.
    #expect(east.independent.ensemble == nil && east.independent.exists)
    #expect(east.independent.voters.map(\.count) == [3])
    let west = try #require(c.first { $0.site == "idc-west" })
    #expect(west.shared.survivesLossOf.first { $0.datacenter == "idc-east" }?.survives == false)
    #expect(west.recommendation.hasPrefix("fix the shared ensemble"))
  }

  @Test func proposedSharedDesignForIndependentSites() throws {
    let c = Comparison.compare(try bundled("independent-sites"))
    for site in c {
      #expect(site.shared.ensemble == nil)
      #expect(site.shared.voters.map(\.count) == [1, 1, 1])
      #expect(site.shared.survivesLossOf.allSatisfy { $0.survives })
      #expect(site.shared.toleratedMachineFailures == 1)
      #expect(site.shared.assumption?.hasPrefix("proposed: 3 voters") == true)
    }
  }

  @Test func twoDatacentersCannotHostASharedDesign() throws {
    let c = Comparison.compare(try bundled("datacenter-bridge"))
    #expect(c.allSatisfy { !$0.shared.exists })
    #expect(c[0].shared.assumption?.contains("third site") == true)
  }
}
