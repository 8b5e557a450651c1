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
}
