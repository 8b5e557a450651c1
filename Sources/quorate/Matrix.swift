import ArgumentParser
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel
import TopologyRendering

extension Quorate {
  /// `quorate matrix`: every standard scenario against every ensemble and app.
  struct Matrix: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "The survival matrix: every datacenter lost, cut off, and every pair lost, against every ensemble and app.",
      discussion: """
        Rows are scenarios: every single datacenter lost, every single datacenter cut off from the \
        rest, every pair of datacenters lost (--no-pairs leaves them out), and with --racks and \
        --machines every rack and every machine lost. Columns are ensembles (quorum, and on which \
        side of a cut) and apps (ok, degraded, unavailable, down).

        Examples:
          quorate matrix topo.yaml
          quorate matrix topo.yaml --racks --format markdown > survival.md
          quorate matrix topo.yaml --fail-on unavailable --fail-on no-quorum   # a CI gate
        """)

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup var json: JSONOutputOptions

    @Option(help: "Output format: text, markdown or json.")
    var format: MatrixFormat = .text

    enum MatrixFormat: String, ExpressibleByArgument, CaseIterable {
      case text
      case markdown
      case json
    }

    @OptionGroup(title: "Scenarios") var scenarios: MatrixScenarioOptions

    @OptionGroup var gates: GateOptions

    func run() throws {
      let (_, t) = try loadValidated(file, json: format == .json)
      let rows = SurvivalMatrix.rows(
        t, options: scenarios.options, evaluator: ScenarioEvaluator(t))
      // The rows are evaluated as they are read, never kept: text and Markdown count the rows
      // that trip the gates in their own pass; JSON has no gate column, so a second pass counts.
      let failing: Int
      switch format {
      case .text:
        let r = MatrixRendering.textAndFailing(rows, t, gates: gates.failOn)
        out(r.text)
        failing = r.failing
      case .markdown:
        var tripped = 0
        streamOut { tripped = MatrixRendering.markdown(rows, t, gates: gates.failOn, into: $0) }
        failing = tripped
      case .json:
        outJSON(MatrixRendering.json(rows, t))
        failing = rows.count(tripping: gates.failOn)
      }
      if failing > 0 {
        err(
          "quorate: --fail-on \(gates.failOn.map(\.rawValue).joined(separator: ", ")): \(AnalysisWording.count(failing, "scenario")) \(failing == 1 ? "fails" : "fail") the gate\n"
        )
        throw ExitCode(1)
      }
    }
  }
}
