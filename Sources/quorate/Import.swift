import ArgumentParser
import TopologyDiagnostics
import TopologyImport
import TopologyModel
import TopologyRendering

#if canImport(Glibc)
  import Glibc
#endif

extension Quorate {
  /// `quorate import`: existing zoo.cfg files into a format-v1 topology.
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read existing zoo.cfg files and print a format-v1 topology for them.",
      discussion: """
        One ensemble per distinct server list, with the servers' roles, ids, ports, groups and \
        weights as the files say, and tickTime, limits, session bounds and autopurge from the first \
        file of each. A zoo.cfg whose dynamicConfigFile names a file is read with it. --map places \
        hosts in datacenters (first match wins); the rest go to 'unassigned', with a warning. \
        Files that share a server but list different servers are reported and nothing is printed.

        Examples:
          quorate import --zoo-cfg zk1/zoo.cfg --zoo-cfg zk2/zoo.cfg --map '10.1.*=bj-a' --map '10.2.*=bj-b/r1'
          quorate import --zoo-cfg /etc/zookeeper/conf/zoo.cfg --name payments > payments.yaml
        """)

    @Option(name: .customLong("zoo-cfg"), help: "A zoo.cfg file (repeatable).")
    var zooCfg: [String]

    @Option(
      help: ArgumentHelp(
        "Place hosts: HOST_GLOB=DATACENTER[/RACK] (repeatable; first match wins).", valueName: "glob=dc[/rack]"))
    var map: [String] = []

    @Option(help: "The topology's name.")
    var name: String = "imported"

    func validate() throws {
      if zooCfg.isEmpty { throw ValidationError("give at least one --zoo-cfg FILE") }
      for m in map where HostMap(argument: m) == nil {
        throw ValidationError("--map '\(m)' is not HOST_GLOB=DATACENTER[/RACK] with valid names")
      }
      guard Scalars.isName(name) else { throw ValidationError("--name '\(name)' is not a valid name") }
    }

    func run() throws {
      var files: [ZooCfg] = []
      var sources: [SourceFile] = []
      var diagnostics: [Diagnostic] = []
      for path in zooCfg {
        files.append(try readZooCfg(path, sources: &sources, diagnostics: &diagnostics))
      }
      let topology = Importer.assemble(
        files, maps: map.compactMap(HostMap.init(argument:)), name: name, diagnostics: &diagnostics)
      if !diagnostics.isEmpty {
        err(DiagnosticRenderer(color: useColor(fd: 2), sources: sources).text(diagnostics.sortedByPosition()))
      }
      guard let topology, !diagnostics.hasErrors else { throw ExitCode(1) }
      out(ImportRendering.yaml(topology))
    }
  }
}

/// Reads a zoo.cfg and the dynamic configuration file its `dynamicConfigFile` names (as
/// ZooKeeper opens it, relative to the working directory, else beside the zoo.cfg), adding both
/// to `sources` and what cannot be read to `diagnostics`. `import` and `audit` read them alike.
func readZooCfg(_ path: String, sources: inout [SourceFile], diagnostics: inout [Diagnostic]) throws -> ZooCfg {
  let source = try readSource(path)
  sources.append(source)
  var cfg = ZooCfg(path: source.path)
  ZooCfgReader.read(source, into: &cfg, diagnostics: &diagnostics)
  if let dynamic = cfg.string("dynamicConfigFile") {
    let folder = parentFolder(path)
    let beside = folder.isEmpty ? dynamic : folder + "/" + dynamic
    let chosen = pathExists(dynamic) || dynamic.hasPrefix("/") ? dynamic : beside
    let dynamicSource = try readSource(chosen)
    sources.append(dynamicSource)
    ZooCfgReader.read(dynamicSource, into: &cfg, diagnostics: &diagnostics)
  }
  return cfg
}
