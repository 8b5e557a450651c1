public import TopologyModel

/// An ensemble's quorum rule as ZooKeeper evaluates it, over vote tallies rather than sets.
///
/// A majority quorum is the special case of one group holding every voter with weight 1:
/// ZooKeeper's `QuorumMaj.containsQuorum` is `ackSet.size() > voters / 2`, and
/// `QuorumHierarchical.containsQuorum` with one group of weight V is `sum > V / 2` in a majority
/// (more than `1 / 2 == 0`) of the one group. Both use integer division, as here.
public struct QuorumSystem: Sendable {
  /// The total weight of each group (`groupWeight` in `QuorumHierarchical`).
  public let groupWeights: [Int]
  /// For each member of the ensemble, its group, or nil for observers.
  public let memberGroup: [Int?]
  /// For each member, its weight (0 for observers).
  public let memberWeight: [Int]

  /// Groups whose weight is not zero; ZooKeeper ignores the others (`numGroups` less one for each).
  public var nonZeroGroups: Int { groupWeights.filter { $0 > 0 }.count }

  /// Builds the quorum system of an ensemble.
  public init(_ e: Ensemble) {
    if e.quorum == .hierarchical {
      memberGroup = e.members.map { $0.role == .voter ? $0.group : nil }
      memberWeight = e.members.map { $0.role == .voter ? $0.weight : 0 }
      var w = Array(repeating: 0, count: e.groups.count)
      for (g, weight) in zip(memberGroup, memberWeight) { if let g { w[g] += weight } }
      groupWeights = w
    } else {
      memberGroup = e.members.map { $0.role == .voter ? 0 : nil }
      memberWeight = e.members.map { $0.role == .voter ? 1 : 0 }
      groupWeights = [e.members.filter { $0.role == .voter }.count]
    }
  }

  /// Builds a quorum system from raw group assignments (for synthetic designs and tests).
  public init(memberGroup: [Int?], memberWeight: [Int], groupCount: Int) {
    self.memberGroup = memberGroup
    self.memberWeight = memberWeight
    var w = Array(repeating: 0, count: groupCount)
    for (g, weight) in zip(memberGroup, memberWeight) { if let g { w[g] += weight } }
    groupWeights = w
  }

  /// Whether alive weight per group makes a quorum.
  public func hasQuorum(aliveWeight alive: [Int]) -> Bool {
    var groupsWithMajority = 0
    for (g, total) in groupWeights.enumerated() where total > 0 && alive[g] > total / 2 {
      groupsWithMajority += 1
    }
    return groupsWithMajority > nonZeroGroups / 2
  }

  /// The weight group `g` must lose to lose its majority (alive at most half its weight): a
  /// group of no weight never counts, so no loss is enough.
  public func weightToLose(group g: Int) -> Int {
    let total = groupWeights[g]
    return total > 0 ? total - total / 2 : Int.max
  }

  /// How many groups must lose their majority for the quorum to be lost:
  /// ``hasQuorum(aliveWeight:)`` holds exactly while fewer than this many have.
  public var groupsToLose: Int { nonZeroGroups - nonZeroGroups / 2 }

  /// Whether a set of alive members (indices into the ensemble's members) makes a quorum.
  public func hasQuorum(members: some Sequence<Int>) -> Bool {
    hasQuorum(aliveWeight: tally(members))
  }

  /// Alive weight per group for a set of members.
  public func tally(_ members: some Sequence<Int>) -> [Int] {
    var alive = Array(repeating: 0, count: groupWeights.count)
    for m in members { if let g = memberGroup[m] { alive[g] += memberWeight[m] } }
    return alive
  }

  /// The largest k such that every set of k failed voters leaves a quorum, or -1 when there is
  /// no quorum even with every voter up.
  ///
  /// Breaking a group costs the fewest voters whose loss leaves it at most half its weight
  /// (heaviest first); breaking the quorum costs the cheapest `nonZero - nonZero / 2` groups.
  public var toleratedFailures: Int {
    let nonZero = nonZeroGroups
    guard nonZero > 0 else { return -1 }
    var costs: [Int] = []
    for (g, total) in groupWeights.enumerated() where total > 0 {
      let weights = zip(memberGroup, memberWeight).filter { $0.0 == g }.map(\.1).sorted(by: >)
      var remaining = total
      var removed = 0
      for w in weights where remaining > total / 2 {
        remaining -= w
        removed += 1
      }
      costs.append(removed)
    }
    let mustBreak = nonZero - nonZero / 2
    return costs.sorted().prefix(mustBreak).reduce(0, +) - 1
  }

  /// What a quorum needs under this system's rule.
  public func requirement(_ kind: QuorumKind) -> QuorumRequirement {
    if kind == .majority {
      return QuorumRequirement(kind: .majority, needed: groupWeights[0] / 2 + 1, of: groupWeights[0])
    }
    return QuorumRequirement(kind: .hierarchical, needed: nonZeroGroups / 2 + 1, of: nonZeroGroups)
  }
}

/// What a quorum needs: `needed` of `of` votes (majority), or a weight majority in `needed` of
/// `of` non-zero-weight groups (hierarchical).
public struct QuorumRequirement: Sendable, Equatable {
  public let kind: QuorumKind
  public let needed: Int
  public let of: Int

  public init(kind: QuorumKind, needed: Int, of: Int) {
    self.kind = kind
    self.needed = needed
    self.of = of
  }
}
