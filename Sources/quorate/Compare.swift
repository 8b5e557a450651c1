import ArgumentParser
import TopologyAnalysis
import TopologyModel
import TopologyRendering

extension Quorate {
  /// `quorate compare`: shared against independent clusters, per site.
  struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Shared against independent ZooKeeper clusters, side by side, for every site.",
      discussion: """
        Examples:
          quorate compare topo.yaml
          quorate compare topo.yaml --format json
        """)

    @OptionGroup var input: FileAndFormat

    func run() throws {
      try input.run(
        text: { t, out in ReportRendering.compareText(Comparison.compare(t), into: out) },
        json: { ReportRendering.compareJSON(Comparison.compare($0)) })
    }
  }
}
