import Foundation
import Testing
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel

@Suite struct LatencyTests {
  @Test func twoTwoOneFromAShanghaiSite() throws {
    let t = try bundled("three-dc-2-2-1")
    let f = LatencyModel.figures(ensemble: t.ensembles[0], site: try #require(t.datacenterIndex("sh-a")), in: t)
    // Leader in sh-a: its third ack (from sh-b) after 1 ms, no forward: 1 ms.
    // Leader in hz-w: forward 6 ms, third ack after 6 ms: 12 ms.
    #expect(f.bestWriteMs == 1)
    #expect(f.worstWriteMs == 12)
    #expect(f.readMs == 0 && f.localReads)
  }

  @Test func specExampleGlobalFromShanghai() throws {
    let t = try bundled("payments-prod")
    let f = LatencyModel.figures(ensemble: t.ensembles[0], site: try #require(t.datacenterIndex("sh-a")), in: t)
    // Leader zk-c1 in sh-a: the third ack comes from bj-a at 28 ms. Leader in bj-a: forward
    // 28 ms + third ack at 1.5 ms (bj-b). Leader in bj-b: 29 + 1.5.
    #expect(f.bestWriteMs == 28)
    #expect(f.worstWriteMs == 30.5)
  }

  @Test func unknownLinksMakeUnknownFiguresNeverZero() throws {
    let t = try bundled("nine-voters-hierarchical")
    let f = LatencyModel.figures(ensemble: t.ensembles[0], site: 0, in: t)
    #expect(f.bestWriteMs == nil && f.worstWriteMs == nil)
    #expect(f.readMs == 0)  // reads stay local: dc1 has members
  }

  @Test func remoteReadsGoToTheNearestMember() throws {
    let t = try validated(
      "links:\n  - { between: [dc1, dc2], rtt: 5ms }\n  - { between: [dc1, dc3], rtt: 9ms }\n  - { between: [dc2, dc3], rtt: 4ms }\nensembles:\n  e:\n    voters: [b1, b2, c1]\n"
    )
    let f = LatencyModel.figures(ensemble: t.ensembles[0], site: 0, in: t)
    #expect(!f.localReads && f.readMs == 5)
    // Server in dc2. Leader in dc2: 0 + 0 (b1, b2 ack at once): 0. Leader c1 in dc3: 4 + 4.
    #expect(f.bestWriteMs == 0 && f.worstWriteMs == 8)
  }
}

@Suite struct AvailabilityTests {
  func topology(_ availability: String, _ ensembles: String) throws -> ValidatedTopology {
    let text =
      baseTopology.replacingOccurrences(of: "name: t\n", with: "name: t\ndefaults:\n  availability:\n\(availability)")
      + ensembles
    let r = load(text)
    return try #require(r.topology, "\(r.diagnostics.map(\.message))")
  }

  @Test func twoOfThreeByHand() throws {
    let t = try topology("    machine: 99%\n    datacenter: 100%\n", "ensembles:\n  e:\n    voters: [a1, a2, a3]\n")
    let p = try #require(AvailabilityModel.quorumProbability(t.ensembles[0], in: t))
    // 3 p^2 (1 - p) + p^3 with p = 0.99.
    #expect(abs(p - 0.999702) < 1e-12)
    let t2 = try topology("    machine: 99%\n    datacenter: 99.9%\n", "ensembles:\n  e:\n    voters: [a1, a2, a3]\n")
    #expect(abs(try #require(AvailabilityModel.quorumProbability(t2.ensembles[0], in: t2)) - 0.999 * 0.999702) < 1e-12)
    #expect(abs(AvailabilityModel.nines(0.999) - 3) < 1e-9)
    #expect(abs(AvailabilityModel.downtimePerYear(0.999) - 31557.6) < 1e-6)
  }

  @Test func threeDatacentersOfOneVoter() throws {
    // Machines always up, datacenters at 0.99: 2 of 3 datacenters up.
    let t = try topology("    machine: 100%\n    datacenter: 99%\n", "ensembles:\n  e:\n    voters: [a1, b1, c1]\n")
    let p = try #require(AvailabilityModel.quorumProbability(t.ensembles[0], in: t))
    #expect(abs(p - (3 * 0.99 * 0.99 * 0.01 + 0.99 * 0.99 * 0.99)) < 1e-12)
  }

  @Test func unsetAvailabilityLeavesTheFigureOut() throws {
    let t = try bundled("two-dc-3-2")
    #expect(AvailabilityModel.quorumProbability(t.ensembles[0], in: t) == nil)
  }

  /// Brute force: every up/down state of every datacenter and voter.
  func bruteForce(_ e: Ensemble, _ t: ValidatedTopology) -> Double {
    let system = QuorumSystem(e)
    let voters = e.members.indices.filter { e.members[$0].role == .voter }
    let dcs = Array(Set(voters.map { t.machines[e.members[$0].machine].datacenter })).sorted()
    var total = 0.0
    for dcMask in 0..<(1 << dcs.count) {
      var pDC = 1.0
      for (i, d) in dcs.enumerated() {
        let a = t.datacenters[d].availability ?? 0
        pDC *= dcMask & (1 << i) != 0 ? a : 1 - a
      }
      for mMask in 0..<(1 << voters.count) {
        var p = pDC
        var alive: [Int] = []
        for (i, v) in voters.enumerated() {
          let m = t.machines[e.members[v].machine]
          let a = m.availability ?? 0
          let up = mMask & (1 << i) != 0
          p *= up ? a : 1 - a
          let dcUp = dcMask & (1 << (dcs.firstIndex(of: m.datacenter) ?? 0)) != 0
          if up && dcUp { alive.append(v) }
        }
        if system.hasQuorum(members: alive) { total += p }
      }
    }
    return total
  }

  @Test func dynamicProgramMatchesBruteForce() throws {
    var rng = SplitMix(state: 77)
    var checked = 0
    for i in 0..<150 {
      var yaml = randomEnsembleYAML(&rng, index: i)
      let machineP = [0.9, 0.95, 0.99, 0.5].randomElement(using: &rng)!
      let dcP = [0.99, 0.9, 1.0].randomElement(using: &rng)!
      yaml = yaml.replacingOccurrences(
        of: "name: random-\(i)\n",
        with: "name: random-\(i)\ndefaults:\n  availability:\n    machine: \(machineP)\n    datacenter: \(dcP)\n")
      // Give some machines their own availability.
      yaml = yaml.replacingOccurrences(of: "x0: { host:", with: "x0: { availability: 0.8, host:")
      guard let t = load(yaml).topology else { continue }
      let e = t.ensembles[0]
      let p = try #require(AvailabilityModel.quorumProbability(e, in: t))
      #expect(abs(p - bruteForce(e, t)) < 1e-9, "\(yaml)")
      checked += 1
    }
    #expect(checked > 100)
  }

  @Test func appRegistryGivenItsDatacenterIsUp() throws {
    // connect: local to b1, b2 (voters b1, b2, c1): needs a quorum and b1 or b2 up, dc2 up.
    let t = try topology(
      "    machine: 90%\n    datacenter: 99%\n",
      "ensembles:\n  e:\n    voters: [b1, b2, c1]\napps:\n  x:\n    datacenter: dc2\n    registry: e\n    connect: local\n    sessionTimeout: 40s\n"
    )
    let p = try #require(AvailabilityModel.registryProbability(app: t.apps[0], in: t))
    // dc2 up. c1 up with 0.99 x 0.9 = 0.891. Quorum: b1 and b2 up (0.81), or exactly one of
    // them and c1 (2 x 0.09 x 0.891). Every such state has a local member up.
    let expected = 0.81 + 2 * 0.09 * 0.891
    #expect(abs(p - expected) < 1e-12)
  }
}
