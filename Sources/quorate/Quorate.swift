import ArgumentParser
import TopologyDiagnostics

#if canImport(Glibc)
  import Glibc
#endif

/// The `quorate` command: plans ZooKeeper ensembles and their clients across datacenters.
struct Quorate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quorate",
    abstract: "Plan ZooKeeper ensembles and Dubbo registries across datacenters.",
    discussion: """
      Exit codes: 0 success (warnings allowed); 1 the input has errors (or warnings under \
      --strict, or emit --check found drift); 2 quorate could not do its job.
      """,
    version: "0.1.0",
    subcommands: [
      Check.self, Analyze.self, Compare.self, WhatIf.self, Matrix.self, Connect.self, Emit.self, Report.self,
      Plan.self, Diagram.self, Import.self, Audit.self, Probe.self, Explain.self,
    ]
  )
}

@main
enum Main {
  static func main() {
    // A write past a file-size limit must fail with EFBIG and be reported, not kill us.
    signal(SIGXFSZ, SIG_IGN)
    prepareStandardStreams()
    do {
      var command = try Quorate.parseAsRoot()
      try command.run()
    } catch {
      let code = Quorate.exitCode(for: error)
      // swift-argument-parser exits 64 (EX_USAGE) on a usage error; the contract says 2.
      if code.rawValue == 64 {
        let message = Quorate.fullMessage(for: error)
        err(message + "\n")
        Glibc.exit(2)
      }
      Quorate.exit(withError: error)
    }
  }
}
