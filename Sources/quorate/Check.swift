import ArgumentParser
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel
import TopologyRendering

/// `check --format`.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
  case text
  case json
  case github
}

extension Quorate {
  /// `quorate check`: validate topology files like a compiler.
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate topology files: every problem at once, with file:line:column and a fix.",
      discussion: """
        Examples:
          quorate check topologies/*.yaml
          quorate check topo.yaml --strict --format github   # in a CI workflow
          quorate explain V303                                # what a code means
        """)

    @Argument(help: "Topology files to check ('-' reads standard input).")
    var files: [String]

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup var json: JSONOutputOptions

    @Option(help: "Output format: text, json or github.")
    var format: CheckFormat = .text

    @Flag(help: "Treat warnings as errors for the exit code.")
    var strict = false

    func run() throws {
      var all: [Diagnostic] = []
      var sources: [SourceFile] = []
      var lines: [String] = []
      var unreadable: [String] = []
      for path in files {
        // Every file that can be read is checked; one that cannot is reported and the exit
        // code says so (2), after the others.
        guard let source = try? readSource(path) else {
          unreadable.append(path)
          continue
        }
        sources.append(source)
        let result = TopologyLoader.load(source, limits: readLimits, counts: countLimits)
        var diagnostics = result.diagnostics
        if let t = result.topology { diagnostics += AnalysisLints.diagnostics(for: t) }
        all += diagnostics
        if let t = result.topology {
          lines.append(
            "\(source.path): valid (\(plural(t.datacenters.count, "datacenter")), \(plural(t.machines.count, "machine")), \(plural(t.ensembles.count, "ensemble")), \(plural(t.apps.count, "app")))"
          )
        }
      }
      switch format {
      case .text:
        let renderer = DiagnosticRenderer(color: useColor(fd: 1), sources: sources)
        var text = renderer.text(all, summary: false)
        for l in lines { text += l + "\n" }
        text += DiagnosticRenderer.summary(all, unreadable: unreadable.count) + "\n"
        out(text)
      case .json:
        out(
          DiagnosticRenderer.jsonDocument(
            all, files: sources.map(\.path), unreadable: unreadable, pretty: prettyJSON))
      case .github:
        out(DiagnosticRenderer.github(all))
      }
      if !unreadable.isEmpty { throw ExitCode(2) }
      if all.hasErrors || (strict && all.contains { $0.severity == .warning }) {
        throw ExitCode(1)
      }
    }
  }
}
