import ArgumentParser
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel
import TopologyRendering

extension Quorate {
  /// `quorate analyze`: quorum and failure tolerance of every ensemble and app.
  struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Quorum and failure tolerance of every ensemble and app.",
      discussion: """
        Examples:
          quorate analyze topo.yaml
          quorate analyze topo.yaml --format json | jq '.ensembles[] | {name, criticalDatacenters}'
        """)

    @OptionGroup var input: FileAndFormat

    func run() throws {
      try input.run(
        text: { t, output in AnalysisRendering.analyzeText(Analyzer.analyze(t), t, into: output) },
        json: { AnalysisRendering.analyzeJSON(Analyzer.analyze($0), $0) })
    }
  }
}
