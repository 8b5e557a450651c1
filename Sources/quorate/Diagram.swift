import ArgumentParser
import TopologyAnalysis
import TopologyModel
import TopologyRendering

extension Quorate {
  /// `quorate diagram`: the topology, or its survival matrix, as a picture.
  struct Diagram: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Draw the topology (SVG, DOT or Mermaid) or its survival matrix (SVG), to standard output.",
      discussion: """
        The topology view draws datacenters as boxes with their racks and machines, each machine \
        marked per ensemble (filled: voter, ring: observer, numbered as in the legend), links with \
        their round-trip time, and apps with their registries in preference order. The survival \
        view is the matrix of `quorate matrix` as a grid of coloured, labelled cells.

        Examples:
          quorate diagram topo.yaml > topo.svg
          quorate diagram topo.yaml --format dot | dot -Tpng > topo.png
          quorate diagram topo.yaml --format mermaid
          quorate diagram topo.yaml --view survival --racks > survival.svg
        """)

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @Option(help: "Output format: svg, dot or mermaid.")
    var format: DiagramFormat = .svg

    enum DiagramFormat: String, ExpressibleByArgument, CaseIterable {
      case svg
      case dot
      case mermaid
    }

    @Option(help: "What to draw: topology or survival.")
    var view: DiagramView = .topology

    enum DiagramView: String, ExpressibleByArgument, CaseIterable {
      case topology
      case survival
    }

    @OptionGroup(title: "Survival view scenarios") var scenarios: MatrixScenarioOptions

    func validate() throws {
      if view == .survival && format != .svg {
        throw ValidationError(
          "--view survival is drawn as SVG only; use 'quorate matrix --format markdown' for a table")
      }
    }

    func run() throws {
      let (_, t) = try loadValidated(file)
      switch (view, format) {
      case (.topology, .svg): out(DiagramRendering.topologySVG(t))
      case (.topology, .dot): out(DiagramRendering.topologyDOT(t))
      case (.topology, .mermaid): out(DiagramRendering.topologyMermaid(t))
      case (.survival, _):
        let rows = SurvivalMatrix.rows(t, options: scenarios.options, evaluator: ScenarioEvaluator(t))
        out(DiagramRendering.survivalSVG(rows, t))
      }
    }
  }
}
