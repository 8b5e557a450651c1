import ArgumentParser
import TopologyDiagnostics
import TopologyImport
import TopologyModel

#if canImport(Glibc)
  import Glibc
#endif

extension Quorate {
  /// `quorate audit`: existing configuration files against the topology.
  struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare existing zoo.cfg, myid and Dubbo configuration with the topology.",
      discussion: """
        Every difference is a diagnostic pointing into the configuration file (codes U701-U726, \
        `quorate explain U720`). A zoo.cfg is compared with the ensemble that shares most of its \
        servers: missing or extra servers, ids, roles, ports, groups and weights, tickTime, limits \
        and session bounds; its dynamic file is read with it, and a myid beside it (or in its \
        dataDir) is checked too. Dubbo files (.properties, Spring XML, Spring Boot .yml/.yaml) and \
        --connect-string values are read the way Dubbo and ZooKeeper parse them: a comma inside a \
        zookeeper:// URL, a port-less primary (9090), servers of two ensembles in one registry, \
        duplicates, a session the servers clamp, '|' or ';' splitting one ensemble into two \
        registries, addresses of no ensemble. Exit 1 when an error is found (or a warning, with \
        --strict).

        Examples:
          quorate audit topo.yaml --zoo-cfg /etc/zookeeper/conf/zoo.cfg
          quorate audit topo.yaml --dubbo src/main/resources/dubbo.properties --dubbo application.yml
          quorate audit topo.yaml --connect-string 10.1.0.11:2181,10.2.0.11:2181/dubbo --format github
        """)

    @Argument(help: "The topology file.")
    var file: String

    @Option(name: .customLong("zoo-cfg"), help: "A zoo.cfg file (repeatable).")
    var zooCfg: [String] = []

    @Option(help: "A Dubbo configuration file: .properties, .xml, .yml or .yaml (repeatable).")
    var dubbo: [String] = []

    @Option(name: .customLong("connect-string"), help: "A ZooKeeper connect string in use (repeatable).")
    var connectString: [String] = []

    @Option(help: "Output format: text, json or github.")
    var format: CheckFormat = .text

    @Flag(help: "Exit 1 on warnings too.")
    var strict = false

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup var json: JSONOutputOptions

    func validate() throws {
      if zooCfg.isEmpty && dubbo.isEmpty && connectString.isEmpty {
        throw ValidationError("give at least one --zoo-cfg, --dubbo or --connect-string")
      }
    }

    func run() throws {
      let (_, t) = try loadValidated(file, json: format == .json)
      var sources: [SourceFile] = []
      var all: [Diagnostic] = []
      for path in zooCfg {
        let cfg = try readZooCfg(path, sources: &sources, diagnostics: &all)
        let folder = parentFolder(path)
        // The member's id file: beside the zoo.cfg (quorate's emitted layout), else in dataDir.
        let candidates =
          [(folder.isEmpty ? "." : folder) + "/myid"] + [cfg.string("dataDir").map { $0 + "/myid" }].compactMap { $0 }
        var myid: (id: Int?, file: SourceFile)?
        if let found = candidates.first(where: { pathExists($0) }) {
          let source = try readSource(found)
          sources.append(source)
          let text = String(decoding: source.bytes, as: UTF8.self).trimmedOfWhitespace
          myid = (Int(text), source)
        }
        let machine = lastComponent(folder)
        all += TopologyImport.Audit.zooCfg(
          cfg, myid: myid, machine: t.machineIndex(machine) != nil ? machine : nil, in: t)
      }
      for path in dubbo {
        let source = try readSource(path)
        sources.append(source)
        let (settings, problems) = TopologyImport.Audit.dubboSettings(source)
        all += problems
        all += TopologyImport.Audit.dubbo(settings, source: source, in: t)
      }
      for (i, value) in connectString.enumerated() {
        let source = SourceFile(
          path: connectString.count > 1 ? "<connect-string \(i + 1)>" : "<connect-string>", text: value)
        sources.append(source)
        all += TopologyImport.Audit.connectString(value, in: t).map { d in
          var d = d
          d.file = source.path
          return d
        }
      }
      all = all.sortedByPosition()
      switch format {
      case .text:
        var text = DiagnosticRenderer(color: useColor(fd: 1), sources: sources).text(all, summary: false)
        if all.isEmpty { text += "no differences from '\(t.name)'\n" }
        text += DiagnosticRenderer.summary(all) + "\n"
        out(text)
      case .json: out(DiagnosticRenderer.jsonDocument(all, files: sources.map(\.path), pretty: prettyJSON))
      case .github: out(DiagnosticRenderer.github(all))
      }
      if all.hasErrors || (strict && all.contains { $0.severity == .warning }) { throw ExitCode(1) }
    }
  }
}
