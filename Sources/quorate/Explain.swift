import ArgumentParser
import TopologyDiagnostics

extension Quorate {
  /// `quorate explain`: what a diagnostic code means and how to fix it.
  struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Explain a diagnostic code, or list them all.",
      discussion: """
        Examples:
          quorate explain V207
          quorate explain --all --format markdown > docs/diagnostics.md
        """)

    @Argument(help: "A diagnostic code such as V207.")
    var code: String?

    @Flag(help: "Print every code.")
    var all = false

    @Option(help: "Output format: text, markdown (with --all) or json.")
    var format: ExplainFormat = .text

    @OptionGroup var json: JSONOutputOptions

    enum ExplainFormat: String, ExpressibleByArgument, CaseIterable {
      case text
      case markdown
      case json
    }

    static func json(_ e: DiagnosticCatalog.Entry) -> JSONValue {
      .object([
        ("code", .string(e.code)), ("severity", .string(e.severity.rawValue)), ("title", .string(e.title)),
        ("explanation", .string(e.explanation)), ("fix", .string(e.fix)),
      ])
    }

    func validate() throws {
      if code == nil && !all { throw ValidationError("give a code such as V207, or --all") }
    }

    func run() throws {
      if all {
        if format == .json {
          out(
            JSONValue.object([("codes", .array(DiagnosticCatalog.all.map(Self.json)))]).rendered(pretty: prettyJSON)
              + "\n")
        } else if format == .markdown {
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
      if format == .json {
        outJSON(Self.json(e))
        return
      }
      out("\(e.code): \(e.title) (\(e.severity.rawValue))\n\n\(e.explanation)\n\nFix: \(e.fix).\n")
    }
  }
}
