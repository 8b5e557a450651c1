import Foundation
import Testing
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel
import TopologyRendering

/// The survival picture of an estate draws a bounded grid and says what it leaves out: the
/// full grid of an estate (thousands of scenarios by tens of thousands of apps) is a picture
/// of a hundred million cells, which took `report --format html` past 24 GB.
@Suite struct SurvivalPictureTests {
  /// Nineteen datacenters of one machine; one ensemble over the first three; an app in each
  /// datacenter, round and round, `apps` in all. 19 + 19 + 171 = 209 default scenarios.
  func estate(apps: Int) throws -> ValidatedTopology {
    var yaml = "quorate: 1\nname: wide\ndatacenters:\n"
    for d in 0..<19 { yaml += "  dc\(d):\n    machines:\n      m\(d): { host: 10.0.0.\(d + 1) }\n" }
    yaml += "ensembles:\n  e:\n    voters: [m0, m1, m2]\napps:\n"
    for a in 0..<apps { yaml += "  app\(a):\n    datacenter: dc\(a % 19)\n    registry: e\n" }
    let r = load(yaml)
    #expect(!r.diagnostics.hasErrors, "\(r.diagnostics.map(\.message))")
    return try #require(r.topology)
  }

  func occurrences(_ needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
  }

  @Test func aWideEstateIsDrawnInABoundedGridThatSaysWhatIsLeftOut() throws {
    let t = try estate(apps: 45)
    let rows = SurvivalMatrix.rows(t, evaluator: ScenarioEvaluator(t))
    #expect(rows.count == 209)
    let svg = DiagramRendering.survivalSVG(rows, t)
    // A background and 200 rows of 40 cells (1 ensemble, 39 apps).
    #expect(occurrences("<rect ", in: svg) == 1 + 200 * 40)
    #expect(svg.contains(">ensemble e</text>"))
    #expect(svg.contains(">app38 (dc0)</text>") && !svg.contains(">app39 (dc1)</text>"))
    #expect(
      svg.contains(
        "Drawn: the first 200 of 209 scenarios, the first 40 of 46 columns (1 ensemble, then 45 apps); quorate matrix --format json lists every one."
      ))
  }

  @Test func aSmallTopologyIsDrawnWholeWithNothingToSay() throws {
    let t = try estate(apps: 3)
    let rows = SurvivalMatrix.rows(t, options: MatrixOptions(pairs: false), evaluator: ScenarioEvaluator(t))
    #expect(rows.count == 38)
    let svg = DiagramRendering.survivalSVG(rows, t)
    #expect(occurrences("<rect ", in: svg) == 1 + 38 * 4)
    #expect(!svg.contains("Drawn:"))
    // Losing dc0 leaves two of three voters: quorum.
    #expect(svg.contains(">quorum</text>"))
  }
}
