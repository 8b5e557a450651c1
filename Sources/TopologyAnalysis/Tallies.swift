/// Vote tallies numbered as single integers, for the availability programs.
///
/// A tally holds one small count per slot: the alive weight of a quorum group, or a mark (0
/// or 1) that a member in the app's datacenter is up. Each count is at most its slot's bound.
/// A tally is numbered in mixed radix, the first slot most significant, so that:
/// - a machine coming up adds an integer to the number (its weight times its slot's stride);
/// - two tallies of different datacenters add as their numbers add (no slot passes its bound,
///   since every machine is counted in one datacenter);
/// - numbers sort as the tallies sort, slot by slot.
///
/// The programs carry a distribution over these numbers: a dictionary keyed by `Int`, not by
/// an array per tally (hashing, allocating and comparing arrays was most of what `analyze`
/// spent on availability). Entries are visited in the order of their numbers, which is the
/// order the programs always used, so every sum is made in the same order and gives the same
/// bits. Tallies whose numbers would not fit in 63 bits (group weights in the millions over
/// several groups, with no common shape) are refused, as too many states are.
struct Tallies {
  /// The largest count of each slot.
  let bounds: [Int]
  /// What one unit of each slot adds to a number.
  let strides: [Int]

  /// nil when the numbers would not fit in an `Int`.
  init?(bounds: [Int]) {
    var strides = Array(repeating: 1, count: bounds.count)
    var stride = 1
    for slot in bounds.indices.reversed() {
      strides[slot] = stride
      guard bounds[slot] >= 0 else { return nil }
      let (radix, overflowed) = bounds[slot].addingReportingOverflow(1)
      let (next, tooLarge) = stride.multipliedReportingOverflow(by: radix)
      guard !overflowed, !tooLarge else { return nil }
      stride = next
    }
    self.bounds = bounds
    self.strides = strides
  }

  /// What adding `count` to `slot` adds to a number (`count` at most the slot's bound).
  func code(adding count: Int, to slot: Int) -> Int { count * strides[slot] }

  /// The count of `slot` in a number.
  func digit(_ code: Int, _ slot: Int) -> Int { (code / strides[slot]) % (bounds[slot] + 1) }

  /// The counts of every slot.
  func decode(_ code: Int) -> [Int] { bounds.indices.map { digit(code, $0) } }

  /// Probabilities of tallies, by number.
  ///
  /// Kept as a list in the order of the numbers. Each step lists what it adds to each number,
  /// in the order the program makes the additions, puts the list in the order of the numbers
  /// (keeping that order among equal numbers) and sums along it: every probability is the same
  /// sum, made in the same order, as when the program added into a dictionary and read it back
  /// sorted, which hashed every addition and sorted every step (4% of `report` on L).
  struct Distribution {
    /// (number, probability), numbers strictly increasing.
    private var entries: [(code: Int, p: Double)]

    /// Nothing up yet: the empty tally, with probability 1.
    static let certain = Distribution(entries: [(0, 1)])

    /// The number of distinct tallies.
    var count: Int { entries.count }

    /// Entries in the order of their numbers: sums must not depend on anything else, or the
    /// same input would not give the same bytes.
    var ordered: [(code: Int, p: Double)] { entries }

    /// One more machine, up with probability `p`: `up` gives the tally with it up.
    func step(_ p: Double, up: (Int) -> Int) -> Distribution {
      let ups = entries.map { up($0.code) }
      guard (1..<max(1, ups.count)).allSatisfy({ ups[$0 - 1] <= ups[$0] }) else {
        var additions: [(code: Int, p: Double)] = []
        additions.reserveCapacity(2 * entries.count)
        for (i, (code, q)) in entries.enumerated() {
          additions.append((code, q * (1 - p)))
          additions.append((ups[i], q * p))
        }
        return Self.summing(additions)
      }
      // The usual step (a vote adds the same to every tally): the tallies down and the tallies
      // up are each in order, and are merged in the additions' order, the ith tally down made
      // just before the ith up.
      var sum = Sum(capacity: 2 * entries.count)
      var (i, j) = (0, 0)
      while i < entries.count || j < ups.count {
        if j == ups.count || (i < entries.count && entries[i].code <= ups[j] && (entries[i].code < ups[j] || i <= j)) {
          sum.add(entries[i].code, entries[i].p * (1 - p))
          i += 1
        } else {
          sum.add(ups[j], entries[j].p * p)
          j += 1
        }
      }
      return Distribution(entries: sum.entries)
    }

    /// One more datacenter, up with probability `pDC`, whose machines' tallies (given it is
    /// up) are `inside`; when it is down, none of them counts.
    func combine(_ inside: Distribution, up pDC: Double) -> Distribution {
      var additions: [(code: Int, p: Double)] = []
      additions.reserveCapacity(entries.count * (inside.entries.count + 1))
      for (code, q) in entries {
        additions.append((code, q * (1 - pDC)))
        for (add, r) in inside.entries { additions.append((code + add, q * pDC * r)) }
      }
      return Self.summing(additions)
    }

    /// The probability of the tallies for which `holds` is true.
    func total(where holds: (Int) -> Bool) -> Double {
      entries.reduce(0) { $0 + (holds($1.code) ? $1.p : 0) }
    }

    /// The sum of the additions to each number, each sum made in the additions' order.
    private static func summing(_ additions: [(code: Int, p: Double)]) -> Distribution {
      var sorted = additions
      // Already in order when no addition goes below an earlier one (the usual step): no sort.
      if !(1..<max(1, additions.count)).allSatisfy({ additions[$0 - 1].code <= additions[$0].code }) {
        let order = additions.indices.sorted {
          (additions[$0].code, $0) < (additions[$1].code, $1)
        }
        sorted = order.map { additions[$0] }
      }
      var sum = Sum(capacity: sorted.count)
      for (code, p) in sorted { sum.add(code, p) }
      return Distribution(entries: sum.entries)
    }

    /// Additions in the order of their numbers, summed per number.
    private struct Sum {
      var entries: [(code: Int, p: Double)] = []

      init(capacity: Int) { entries.reserveCapacity(capacity) }

      mutating func add(_ code: Int, _ p: Double) {
        if let last = entries.last?.code, last == code {
          entries[entries.count - 1].p += p
        } else {
          // 0 + p, as the first addition into a dictionary's default made it: the same
          // number for every p a product of probabilities can be.
          entries.append((code, p))
        }
      }
    }
  }
}
