import ArgumentParser
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel
import TopologyRendering

extension Quorate {
  /// `quorate what-if`: fail datacenters, racks and machines, cut the network.
  struct WhatIf: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "what-if",
      abstract: "Which ensembles keep a quorum and which apps keep a registry when things fail.",
      discussion: """
        Examples:
          quorate what-if topo.yaml --fail dc:bj-b
          quorate what-if topo.yaml --fail machine:zk-a1 --fail rack:bj-a/r2
          quorate what-if topo.yaml --isolate sh-a
          quorate what-if topo.yaml --partition "bj-a,bj-b|sh-a"
          quorate what-if topo.yaml --fail dc:bj-b --fail-on degraded   # exit 1 in CI if any app degrades
        """)

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup var json: JSONOutputOptions

    @Option(name: .customLong("fail"), help: "A failure: dc:NAME, rack:DC/RACK or machine:NAME (repeatable).")
    var failures: [String] = []

    @Option(name: .customLong("isolate"), help: "Cut one datacenter off from the others (repeatable).")
    var isolated: [String] = []

    @Option(help: "Cut the network into sides, naming every datacenter once: \"A,B|C\".")
    var partition: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @OptionGroup var gates: GateOptions

    func run() throws {
      let (_, t) = try loadValidated(file, json: format == .json)
      let scenario: FailureScenario
      do {
        scenario = try FailureScenario.parse(fail: failures, isolate: isolated, partition: partition, in: t)
      } catch {
        throw fail(AnalysisWording.scenarioError(error))
      }
      let result = ScenarioEvaluator(t).evaluate(scenario)
      switch format {
      case .text: streamOut { AnalysisRendering.whatIfText(scenario, result, t, into: $0) }
      case .json: outJSON(AnalysisRendering.whatIfJSON(scenario, result, t))
      }
      let tripped = FailureGate.tripped(
        gates.failOn, ensembles: Outcomes(result.ensembles), apps: Outcomes(result.apps))
      if !tripped.isEmpty {
        err("quorate: --fail-on \(tripped.map(\.rawValue).joined(separator: ", ")): the scenario fails the gate\n")
        throw ExitCode(1)
      }
    }
  }
}
