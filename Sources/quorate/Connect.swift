import ArgumentParser
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel

extension Quorate {
  /// `quorate connect`: connect strings and Dubbo registry addresses for every app.
  struct Connect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "ZooKeeper connect strings and Dubbo registry addresses for every app.",
      discussion: """
        Examples:
          quorate connect topo.yaml
          quorate connect topo.yaml --app order-service --format json
        """)

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup var json: JSONOutputOptions

    @Option(help: "Only this app.")
    var app: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
      let (_, t) = try loadValidated(file, json: format == .json)
      var apps = t.apps
      if let app {
        guard let a = t.apps.first(where: { $0.name == app }) else {
          let names = t.apps.map(\.name)
          let hint = Scalars.suggestion(for: app, among: names).map { " (did you mean '\($0)'?)" } ?? ""
          throw fail("no app named '\(app)'\(hint); apps: \(names.joined(separator: ", "))")
        }
        apps = [a]
      }
      switch format {
      case .text: streamOut { ConnectStrings.text(t, apps: apps, into: $0) }
      case .json: outJSON(ConnectStrings.json(t, apps: apps))
      }
    }
  }
}
