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
      abstract: "Validate topology files: every problem at once, with file:line:column and a fix.")

    @Argument(help: "Topology files to check ('-' reads standard input).")
    var files: [String]

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @Option(help: "Output format: text, json or github.")
    var format: CheckFormat = .text

    @Flag(help: "Treat warnings as errors for the exit code.")
    var strict = false

    func run() throws {
      var all: [Diagnostic] = []
      var sources: [SourceFile] = []
      var lines: [String] = []
      for path in files {
        let source = try readSource(path)
        sources.append(source)
        let result = TopologyLoader.load(source, limits: readLimits)
        var diagnostics = result.diagnostics
        if let t = result.topology { diagnostics += AnalysisLints.diagnostics(for: t) }
        all += diagnostics
        if let t = result.topology {
          lines.append(
            "\(source.path): \(diagnostics.isEmpty ? "ok" : "valid") (\(plural(t.datacenters.count, "datacenter")), \(plural(t.machines.count, "machine")), \(plural(t.ensembles.count, "ensemble")), \(plural(t.apps.count, "app")))"
          )
        }
      }
      switch format {
      case .text:
        let renderer = DiagnosticRenderer(color: useColor(fd: 1), sources: sources)
        var text = renderer.text(all, summary: false)
        for l in lines { text += l + "\n" }
        text += DiagnosticRenderer.summary(all) + "\n"
        out(text)
      case .json:
        out(DiagnosticRenderer.jsonDocument(all, files: sources.map(\.path)))
      case .github:
        out(DiagnosticRenderer.github(all))
      }
      if all.hasErrors || (strict && all.contains { $0.severity == .warning }) {
        throw ExitCode(1)
      }
    }
  }

  /// `quorate explain`: what a diagnostic code means and how to fix it.
  struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Explain a diagnostic code, or list them all.")

    @Argument(help: "A diagnostic code such as V207.")
    var code: String?

    @Flag(help: "Print every code.")
    var all = false

    @Option(help: "Output format with --all: text or markdown.")
    var format: ExplainFormat = .text

    enum ExplainFormat: String, ExpressibleByArgument, CaseIterable {
      case text
      case markdown
    }

    func validate() throws {
      if code == nil && !all { throw ValidationError("give a code such as V207, or --all") }
    }

    func run() throws {
      if all {
        if format == .markdown {
          out(DiagnosticCatalog.markdown())
        } else {
          for e in DiagnosticCatalog.all { out("\(e.code)  \(e.severity.rawValue)  \(e.title)\n") }
        }
        return
      }
      guard let code, let e = DiagnosticCatalog.entry(for: code) else {
        let known = DiagnosticCatalog.all.map(\.code).joined(separator: ", ")
        throw fail("unknown diagnostic code '\(code ?? "")'; known codes: \(known)")
      }
      out("\(e.code): \(e.title) (\(e.severity.rawValue))\n\n\(e.explanation)\n\nFix: \(e.fix).\n")
    }
  }
}
