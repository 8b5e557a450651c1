import ArgumentParser
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel
import TopologyRendering

extension Quorate {
  /// `quorate report`: everything about one topology in one document.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check, analyze, compare and connect strings for one topology: text, Markdown, HTML or JSON.",
      discussion: """
        Examples:
          quorate report topo.yaml --format html > report.html
          quorate report topo.yaml --format markdown > review.md
        """)

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup var json: JSONOutputOptions

    @Option(help: "Output format: text, markdown, html (one self-contained page) or json.")
    var format: ReportFormat = .text

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
      case text
      case markdown
      case html
      case json
    }

    func run() throws {
      let (result, t) = try loadValidated(file, json: format == .json)
      let diagnostics = result.diagnostics + AnalysisLints.diagnostics(for: t)
      if format == .json {
        outJSON(ReportRendering.reportJSON(t, diagnostics: diagnostics))
        return
      }
      if format == .html {
        out(HTMLRendering.report(t, diagnostics: diagnostics))
        return
      }
      streamOut { ReportRendering.report(t, diagnostics: diagnostics, markdown: format == .markdown, into: $0) }
    }
  }
}
