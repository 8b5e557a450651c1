import Testing

@testable import TopologyAnalysis

/// The availability programs number a tally (a count per slot, each at most its bound) as one
/// integer. Their sums keep their order only if numbers sort as the tallies do, and their
/// additions are right only if a vote adds its weight times the slot's stride.
@Suite struct TalliesTests {
  @Test func numbersSortAsTalliesAndDecodeBack() throws {
    let bounds = [2, 3, 1]  // 3 x 4 x 2 = 24 tallies
    let tallies = try #require(Tallies(bounds: bounds))
    #expect(tallies.strides == [8, 2, 1])
    var all: [[Int]] = []
    for a in 0...2 { for b in 0...3 { for c in 0...1 { all.append([a, b, c]) } } }
    let codes = all.map { v in v.indices.reduce(0) { $0 + tallies.code(adding: v[$1], to: $1) } }
    // Every tally has its own number, 0 to 23, in lexicographic order of the tallies.
    #expect(codes == Array(0..<24))
    for (v, code) in zip(all, codes) {
      #expect(tallies.decode(code) == v)
      for slot in bounds.indices { #expect(tallies.digit(code, slot) == v[slot]) }
    }
    // Two tallies whose sum stays within the bounds add as their numbers add.
    let x = [1, 1, 0]
    let y = [1, 2, 1]
    let code = { (v: [Int]) in v.indices.reduce(0) { $0 + tallies.code(adding: v[$1], to: $1) } }
    #expect(tallies.decode(code(x) + code(y)) == [2, 3, 1])
  }

  @Test func numbersThatWouldNotFitIn63BitsAreRefused() {
    // (10^6 + 1)^3 is about 1.0e18, under Int.max (about 9.2e18): numbered.
    #expect(Tallies(bounds: [1_000_000, 1_000_000, 1_000_000]) != nil)
    // (4 x 10^6 + 1)^4 is about 2.6e26: refused, as too many states are.
    #expect(Tallies(bounds: [4_000_000, 4_000_000, 4_000_000, 4_000_000]) == nil)
    #expect(Tallies(bounds: []) != nil)
  }

  @Test func distributionStepsAndCombinesAsProbabilities() {
    // One slot of bound 2: a datacenter up with 0.9 holding two machines up with 0.5 each.
    var inside = Tallies.Distribution.certain
    inside = inside.step(0.5) { $0 + 1 }
    inside = inside.step(0.5) { $0 + 1 }
    #expect(inside.ordered.map(\.code) == [0, 1, 2])
    #expect(inside.ordered.map(\.p) == [0.25, 0.5, 0.25])
    let states = Tallies.Distribution.certain.combine(inside, up: 0.9)
    // Down (0.1) or up with no machine (0.9 x 0.25) gives 0; 0.9 x 0.5 one; 0.9 x 0.25 two.
    #expect(abs(states.total { $0 == 0 } - (0.1 + 0.225)) < 1e-15)
    #expect(abs(states.total { $0 == 2 } - 0.225) < 1e-15)
    #expect(abs(states.total { _ in true } - 1) < 1e-15)
  }

  /// The programs as first written: additions into a dictionary, read back sorted by number at
  /// every step. The distribution must give exactly these bits (the same input gives the same
  /// bytes, from one version to the next).
  struct Reference {
    var probabilities: [Int: Double] = [0: 1]
    var ordered: [(code: Int, p: Double)] { probabilities.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }

    func step(_ p: Double, up: (Int) -> Int) -> Reference {
      var next: [Int: Double] = [:]
      for (code, q) in ordered {
        next[code, default: 0] += q * (1 - p)
        next[up(code), default: 0] += q * p
      }
      return Reference(probabilities: next)
    }

    func combine(_ inside: Reference, up pDC: Double) -> Reference {
      var next: [Int: Double] = [:]
      for (code, q) in ordered {
        next[code, default: 0] += q * (1 - pDC)
        for (add, r) in inside.ordered { next[code + add, default: 0] += q * pDC * r }
      }
      return Reference(probabilities: next)
    }
  }

  @Test(arguments: 0..<40)
  func distributionsSumAsTheDictionaryProgramDid(seed: Int) throws {
    var rng = SplitMix(state: UInt64(seed))
    // Two groups and a mark, as for two registries with connect: local. The bounds are low so
    // that votes often stop at them: then a tally up is the tally down, and three additions or
    // more land on one number, whose sum depends on their order.
    let tallies = try #require(Tallies(bounds: [3, 3, 1]))
    let probabilities = [0.999, 0.9995, 0.5, 0.9, 0.123_456_789, 1, 0]
    var states = (Tallies.Distribution.certain, Reference())
    for _ in 0..<(1 + Int(rng.next() % 4)) {
      var inside = (Tallies.Distribution.certain, Reference())
      for _ in 0..<(1 + Int(rng.next() % 8)) {
        let p = probabilities[Int(rng.next() % UInt64(probabilities.count))]
        let group = Int(rng.next() % 2)
        let weight = 1 + Int(rng.next() % 2)
        let marks = rng.next() % 2 == 0
        // A vote (the same for every tally: the additions come in order), and sometimes a
        // mark set only where it is not yet set (not in order).
        func up(_ code: Int) -> Int {
          var next = code
          if tallies.digit(code, group) + weight <= 3 { next += tallies.code(adding: weight, to: group) }
          if marks && tallies.digit(next, 2) == 0 { next += tallies.code(adding: 1, to: 2) }
          return next
        }
        inside = (inside.0.step(p, up: up), inside.1.step(p, up: up))
      }
      let pDC = probabilities[Int(rng.next() % UInt64(probabilities.count))]
      states = (states.0.combine(inside.0, up: pDC), states.1.combine(inside.1, up: pDC))
      #expect(states.0.ordered.map(\.code) == states.1.ordered.map(\.code))
      #expect(states.0.ordered.map(\.p.bitPattern) == states.1.ordered.map(\.p.bitPattern))
    }
  }
}
