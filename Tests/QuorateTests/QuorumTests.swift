import Testing
import TopologyAnalysis
import TopologyModel

/// A deterministic generator (SplitMix64), so property tests are repeatable.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// ZooKeeper's `QuorumHierarchical.containsQuorum`, ported literally on sets (integer division
/// and all), and `QuorumMaj.containsQuorum`: the reference the tally code is checked against.
func referenceContainsQuorum(_ set: Set<Int>, group: [Int?], weight: [Int], groups: Int, majority: Bool) -> Bool {
  if majority {
    let voters = group.filter { $0 != nil }.count
    return set.filter { group[$0] != nil }.count > voters / 2
  }
  if set.isEmpty { return false }
  var groupWeight = Array(repeating: 0, count: groups)
  for (g, w) in zip(group, weight) { if let g { groupWeight[g] += w } }
  let numGroups = groups - groupWeight.filter { $0 == 0 }.count
  var expansion: [Int: Int] = [:]
  for sid in set { if let g = group[sid] { expansion[g, default: 0] += weight[sid] } }
  var majGroupCounter = 0
  for (g, w) in expansion where w > groupWeight[g] / 2 { majGroupCounter += 1 }
  return majGroupCounter > numGroups / 2
}

/// A random ensemble: some voters in groups with weights (zeros included), some observers.
func randomSystem(_ rng: inout SplitMix, maxMembers: Int = 9) -> (
  QuorumSystem, group: [Int?], weight: [Int], groups: Int, majority: Bool
) {
  let n = Int.random(in: 1...maxMembers, using: &rng)
  let majority = Bool.random(using: &rng)
  let groups = majority ? 1 : Int.random(in: 1...4, using: &rng)
  var group: [Int?] = []
  var weight: [Int] = []
  for i in 0..<n {
    let observer = i > 0 && Int.random(in: 0..<5, using: &rng) == 0
    if observer {
      group.append(nil)
      weight.append(0)
    } else {
      group.append(majority ? 0 : Int.random(in: 0..<groups, using: &rng))
      weight.append(majority ? 1 : [0, 1, 1, 1, 2, 3].randomElement(using: &rng)!)
    }
  }
  return (QuorumSystem(memberGroup: group, memberWeight: weight, groupCount: groups), group, weight, groups, majority)
}

func subsets(_ n: Int) -> [Set<Int>] {
  (0..<(1 << n)).map { mask in Set((0..<n).filter { mask & (1 << $0) != 0 }) }
}

@Suite struct QuorumTests {
  @Test(arguments: [(1, 0), (2, 0), (3, 1), (4, 1), (5, 2), (6, 2), (7, 3), (9, 4)])
  func majorityToleratesFloorOfHalfMinusOne(voters: Int, tolerated: Int) {
    // zookeeperAdmin.md: 2f+1 servers tolerate f failures; an even count tolerates no more.
    let q = QuorumSystem(
      memberGroup: Array(repeating: 0, count: voters), memberWeight: Array(repeating: 1, count: voters), groupCount: 1)
    #expect(q.toleratedFailures == tolerated)
  }

  @Test func hierarchicalThreeGroupsOfThreeFromZooKeepersDocs() {
    // zookeeperHierarchicalQuorums.md: 3 groups of 3 need two servers from each of two groups.
    let group: [Int?] = [0, 0, 0, 1, 1, 1, 2, 2, 2]
    let q = QuorumSystem(memberGroup: group, memberWeight: Array(repeating: 1, count: 9), groupCount: 3)
    #expect(q.hasQuorum(members: [0, 1, 3, 4]))
    #expect(!q.hasQuorum(members: [0, 1, 3, 6]))
    #expect(!q.hasQuorum(members: [0, 1, 2, 3, 6]))
    // Breaking it takes 2 voters in each of 2 groups: tolerates 3, where a majority of 9 tolerates 4.
    #expect(q.toleratedFailures == 3)
  }

  @Test func zeroWeightGroupsAreIgnored() {
    // Group 2 has weight 0: two non-zero groups remain, so both are needed.
    let q = QuorumSystem(memberGroup: [0, 0, 1, 1, 2], memberWeight: [1, 1, 1, 1, 0], groupCount: 3)
    #expect(q.nonZeroGroups == 2)
    #expect(!q.hasQuorum(members: [0, 1, 4]))
    #expect(!q.hasQuorum(members: [0, 1, 2]))  // 1 of 2 in group 1 is not more than 2/2
    #expect(q.hasQuorum(members: [0, 1, 2, 3]))
  }

  @Test func tallyAgreesWithZooKeepersSetAlgorithmOnRandomEnsembles() {
    var rng = SplitMix(state: 42)
    for _ in 0..<400 {
      let (q, group, weight, groups, majority) = randomSystem(&rng)
      for s in subsets(group.count) {
        let want = referenceContainsQuorum(s, group: group, weight: weight, groups: groups, majority: majority)
        #expect(q.hasQuorum(members: s) == want, "group \(group) weight \(weight) set \(s.sorted())")
      }
    }
  }

  @Test func toleratedFailuresEqualsBruteForce() {
    var rng = SplitMix(state: 7)
    for _ in 0..<300 {
      let (q, group, weight, groups, majority) = randomSystem(&rng)
      let voters = group.indices.filter { group[$0] != nil }
      let everyone = Set(group.indices)
      // Smallest set of failed voters that breaks the quorum, by enumeration.
      var smallest = Int.max
      for mask in 0..<(1 << voters.count) {
        let failed = Set(voters.indices.filter { mask & (1 << $0) != 0 }.map { voters[$0] })
        if !referenceContainsQuorum(
          everyone.subtracting(failed), group: group, weight: weight, groups: groups, majority: majority)
        {
          smallest = min(smallest, failed.count)
        }
      }
      #expect(q.toleratedFailures == smallest - 1, "group \(group) weight \(weight)")
    }
  }

  @Test func quorumsAreMonotoneAndIntersect() {
    var rng = SplitMix(state: 99)
    for _ in 0..<200 {
      let (q, group, _, _, _) = randomSystem(&rng)
      let all = subsets(group.count)
      let quorums = all.filter { q.hasQuorum(members: $0) }
      // A superset of a quorum is a quorum.
      for s in quorums {
        for extra in group.indices where !s.contains(extra) {
          #expect(q.hasQuorum(members: s.union([extra])))
        }
      }
      // Two disjoint sets are never both quorums.
      for a in quorums {
        for b in quorums where a.isDisjoint(with: b) {
          Issue.record("disjoint quorums \(a.sorted()) and \(b.sorted()) for groups \(group)")
        }
      }
    }
  }
}
