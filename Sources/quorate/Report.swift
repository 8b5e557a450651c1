import ArgumentParser
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel
import TopologyRendering

extension Quorate {
  /// `quorate compare`: shared against independent clusters, per site.
  struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Shared against independent ZooKeeper clusters, side by side, for every site.")

    @OptionGroup var input: FileAndFormat

    func run() throws {
      try input.run(
        text: { ReportRendering.compareText(Comparison.compare($0)) },
        json: { ReportRendering.compareJSON(Comparison.compare($0)) })
    }
  }

  /// `quorate report`: everything about one topology in one document.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check, analyze, compare and connect strings for one topology, as text or Markdown.")

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @Option(help: "Output format: text or markdown.")
    var format: ReportFormat = .text

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
      case text
      case markdown
    }

    func run() throws {
      let (result, t) = try loadValidated(file)
      let diagnostics = result.diagnostics + AnalysisLints.diagnostics(for: t)
      out(ReportRendering.report(t, diagnostics: diagnostics, markdown: format == .markdown))
    }
  }
}
