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
  struct Distribution {
    private var probabilities: [Int: Double]

    /// Nothing up yet: the empty tally, with probability 1.
    static let certain = Distribution(probabilities: [0: 1])

    /// The number of distinct tallies.
    var count: Int { probabilities.count }

    /// Entries in the order of their numbers: Swift's hashing is seeded per process, and
    /// floating-point sums must not depend on it, or the same input would not give the same
    /// bytes.
    var ordered: [(code: Int, p: Double)] {
      probabilities.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// One more machine, up with probability `p`: `up` gives the tally with it up.
    func step(_ p: Double, up: (Int) -> Int) -> Distribution {
      var next: [Int: Double] = [:]
      for (code, q) in ordered {
        next[code, default: 0] += q * (1 - p)
        next[up(code), default: 0] += q * p
      }
      return Distribution(probabilities: next)
    }

    /// One more datacenter, up with probability `pDC`, whose machines' tallies (given it is
    /// up) are `inside`; when it is down, none of them counts.
    func combine(_ inside: Distribution, up pDC: Double) -> Distribution {
      let added = inside.ordered
      var next: [Int: Double] = [:]
      for (code, q) in ordered {
        next[code, default: 0] += q * (1 - pDC)
        for (add, r) in added { next[code + add, default: 0] += q * pDC * r }
      }
      return Distribution(probabilities: next)
    }

    /// The probability of the tallies for which `holds` is true.
    func total(where holds: (Int) -> Bool) -> Double {
      ordered.reduce(0) { $0 + (holds($1.code) ? $1.p : 0) }
    }
  }
}
