import Testing

@testable import TopologyAnalysis

/// The bounded search for small breaking sets (used past 20 datacenters or 16 racks) against
/// the plain enumeration of every set of one, two and three domains, and the loss thresholds
/// against ZooKeeper's rule as `hasQuorum` states it.
@Suite struct BreakingSetTests {
  /// Random domains: `n` of them over `groups` groups, each holding weight in a few groups.
  static func domains(_ n: Int, groups: Int, rng: inout SplitMix) -> Analyzer.Domains {
    var weights = Array(repeating: Array(repeating: 0, count: groups), count: n)
    for d in 0..<n {
      for _ in 0..<Int.random(in: 1...2, using: &rng) {
        weights[d][Int.random(in: 0..<groups, using: &rng)] += Int.random(in: 1...3, using: &rng)
      }
    }
    let total = (0..<groups).map { g in weights.reduce(0) { $0 + $1[g] } }
    // One member per (domain, group) pair with weight: the system only needs group totals.
    var memberGroup: [Int?] = []
    var memberWeight: [Int] = []
    for g in 0..<groups where total[g] > 0 {
      memberGroup.append(g)
      memberWeight.append(total[g])
    }
    let system = QuorumSystem(memberGroup: memberGroup, memberWeight: memberWeight, groupCount: groups)
    return Analyzer.Domains(names: (0..<n).map { "d\($0)" }, weights: weights, total: total, system: system)
  }

  /// Every minimal breaking set of at most three domains, by trying them all.
  static func plain(_ d: Analyzer.Domains) -> [[Int]] {
    let n = d.names.count
    func minimal(_ set: [Int]) -> Bool {
      d.breaks(domains: set)
        && set.indices.allSatisfy { i in !d.breaks(domains: set.enumerated().filter { $0.offset != i }.map(\.element)) }
    }
    var out: [[Int]] = []
    for a in 0..<n {
      if minimal([a]) { out.append([a]) }
      for b in (a + 1)..<n {
        if minimal([a, b]) { out.append([a, b]) }
        for c in (b + 1)..<n where minimal([a, b, c]) { out.append([a, b, c]) }
      }
    }
    return out
  }

  @Test func boundedSearchFindsExactlyThePlainSets() {
    var rng = SplitMix(state: 14)
    var found = 0
    for round in 0..<300 {
      let n = Int.random(in: 3...24, using: &rng)
      let groups = round % 3 == 0 ? 1 : Int.random(in: 1...9, using: &rng)
      let d = Self.domains(n, groups: groups, rng: &rng)
      let expected = Self.plain(d)
      #expect(d.smallBreakingSets() == expected, "round \(round): n \(n), groups \(groups)")
      found += expected.count
    }
    #expect(found > 100, "the random domains should break often enough to test something")
  }

  @Test func lossThresholdsAreHasQuorum() {
    var rng = SplitMix(state: 15)
    for _ in 0..<2000 {
      let groups = Int.random(in: 1...6, using: &rng)
      let totals = (0..<groups).map { _ in Int.random(in: 0...5, using: &rng) }
      let system = QuorumSystem(memberGroup: Array(0..<groups), memberWeight: totals, groupCount: groups)
      let alive = totals.map { Int.random(in: 0...$0, using: &rng) }
      let lost = (0..<groups).filter { totals[$0] - alive[$0] >= system.weightToLose(group: $0) }.count
      #expect(system.hasQuorum(aliveWeight: alive) == (lost < system.groupsToLose), "\(totals) \(alive)")
    }
  }

  /// 255 single-voter datacenters, as one hierarchical group each or one majority: no set of
  /// three can break either (128 groups or 128 votes must go), found without 2.7 million tries.
  @Test func wideEnsemblesHaveNoSmallBreakingSets() {
    let n = 255
    var weights = Array(repeating: Array(repeating: 0, count: n), count: n)
    for d in 0..<n { weights[d][d] = 1 }
    let groups = QuorumSystem(memberGroup: Array(0..<n), memberWeight: Array(repeating: 1, count: n), groupCount: n)
    let hierarchical = Analyzer.Domains(
      names: (0..<n).map { "d\($0)" }, weights: weights, total: Array(repeating: 1, count: n), system: groups)
    #expect(hierarchical.smallBreakingSets().isEmpty)
    let one = QuorumSystem(
      memberGroup: Array(repeating: 0, count: n), memberWeight: Array(repeating: 1, count: n), groupCount: 1)
    let majority = Analyzer.Domains(
      names: (0..<n).map { "d\($0)" }, weights: (0..<n).map { _ in [1] }, total: [n], system: one)
    #expect(majority.smallBreakingSets().isEmpty)
  }
}
