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

  /// A 3+2 hierarchical ensemble with weight 0 on the far pair: FastLeaderElection never lets
  /// a zero-weight voter lead, so the leader is in dc1 and a write from dc1 costs 0 ms, never
  /// the 100 ms round trip a leader in dc2 would add (issue 11, part 2).
  @Test func zeroWeightVotersNeverLead() throws {
    let t = try validated(
      """
      links:
        - { between: [dc1, dc2], rtt: 100ms }
      ensembles:
        e:
          voters: [a1, a2, a3, b1, b2]
          quorum: hierarchical
          groups: { near: [a1, a2, a3], far: [b1, b2] }
          weights: { b1: 0, b2: 0 }

      """)
    let f = LatencyModel.figures(ensemble: t.ensembles[0], site: 0, in: t)
    #expect(f.bestWriteMs == 0)
    #expect(f.worstWriteMs == 0)
    // From dc2 the write is forwarded over the link to a leader in dc1: 100 ms, always.
    let far = LatencyModel.figures(ensemble: t.ensembles[0], site: 1, in: t)
    #expect(far.bestWriteMs == 100 && far.worstWriteMs == 100)
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

@Suite struct JointAvailabilityTests {
  /// Brute force over every up/down state of every datacenter and machine, the app's
  /// datacenter held up: is some registry usable (a quorum among its up voters and, for
  /// connect: local, one of its members up in the app's datacenter)?
  func bruteForce(_ app: App, registries: [Int], _ t: ValidatedTopology) -> Double {
    let machines = Array(Set(registries.flatMap { t.ensembles[$0].members.map(\.machine) })).sorted()
    let dcs = Array(Set(machines.map { t.machines[$0].datacenter })).sorted()
    var total = 0.0
    for dcMask in 0..<(1 << dcs.count) {
      var p = 1.0
      for (i, d) in dcs.enumerated() {
        let a = d == app.datacenter ? 1 : (t.datacenters[d].availability ?? 0)
        p *= dcMask & (1 << i) != 0 ? a : 1 - a
      }
      guard p > 0 else { continue }
      for mMask in 0..<(1 << machines.count) {
        var q = p
        var upMachines = Set<Int>()
        for (i, m) in machines.enumerated() {
          let a = t.machines[m].availability ?? 0
          let up = mMask & (1 << i) != 0
          q *= up ? a : 1 - a
          let dcUp = dcMask & (1 << (dcs.firstIndex(of: t.machines[m].datacenter) ?? 0)) != 0
          if up && dcUp { upMachines.insert(m) }
        }
        let usable = registries.contains { ei in
          let e = t.ensembles[ei]
          let alive = e.members.indices.filter { upMachines.contains(e.members[$0].machine) }
          let localOK =
            app.connect == .all
            || e.members.contains {
              upMachines.contains($0.machine) && t.machines[$0.machine].datacenter == app.datacenter
            }
          return QuorumSystem(e).hasQuorum(members: alive) && localOK
        }
        if usable { total += q }
      }
    }
    return total
  }

  @Test func jointProgramMatchesBruteForceOnSharedMachines() throws {
    var rng = SplitMix(state: 404)
    var checked = 0
    for i in 0..<80 {
      // Two ensembles on overlapping machines (own ports), one app using both.
      var machines: [(String, Int)] = []
      var yaml =
        "quorate: 1\nname: j\(i)\ndefaults:\n  availability:\n    machine: 0.9\n    datacenter: 0.95\ndatacenters:\n"
      for d in 0..<3 {
        yaml += "  dc\(d):\n    machines:\n"
        for m in 0..<2 {
          machines.append(("m\(d)\(m)", d))
          yaml += "      m\(d)\(m): { host: 10.0.\(d).\(m + 1)\(m == 1 ? ", availability: 0.8" : "") }\n"
        }
      }
      machines.shuffle(using: &rng)
      let e = machines.prefix(3).map(\.0)
      let f = machines.dropFirst(2).prefix(3).map(\.0)  // shares one machine with e
      yaml += "ensembles:\n  e:\n    voters: [\(e.joined(separator: ", "))]\n"
      yaml +=
        "  f:\n    voters: [\(f.joined(separator: ", "))]\n    clientPort: 2182\n    quorumPort: 2889\n    electionPort: 3889\n"
      let connect = Bool.random(using: &rng) ? "local" : "all"
      yaml +=
        "apps:\n  a:\n    datacenter: dc\(Int.random(in: 0..<3, using: &rng))\n    registries: [e, f]\n    connect: \(connect)\n    sessionTimeout: 40s\n"
      let r = load(yaml)
      let t = try #require(r.topology, "\(r.diagnostics.filter { $0.severity == .error }.map(\.message))")
      let p = try #require(AvailabilityModel.anyRegistryProbability(app: t.apps[0], in: t))
      let app = t.apps[0]
      #expect(abs(p - bruteForce(app, registries: app.registries, t)) < 1e-12, "\(yaml)")
      let q = try #require(AvailabilityModel.registryProbability(app: app, in: t))
      #expect(abs(q - bruteForce(app, registries: [app.registries[0]], t)) < 1e-12)
      checked += 1
    }
    #expect(checked == 80)
  }
}
