import ArgumentParser
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel

extension Quorate {
  /// `quorate plan`: the smallest voter placement that meets survival goals.
  struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The smallest voter placement that survives what you ask, as a YAML snippet.",
      discussion: """
        Exits 0 with a plan, 1 when no placement on the topology's machines meets the goals \
        (with the reason and what to add).
        """)

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @Option(help: "Name of the ensemble to plan (its machines are preferred); default 'planned'.")
    var ensemble: String?

    @Option(help: "A goal: datacenter, rack or machines:N (repeatable).")
    var survive: [String]

    var goals: [SurvivalGoal] { survive.compactMap(SurvivalGoal.init(argument:)) }

    @Option(help: "The most voters to consider.")
    var maxVoters: Int = 9

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
      if survive.isEmpty { throw ValidationError("give at least one --survive goal: datacenter, rack or machines:N") }
      for goal in survive where SurvivalGoal(argument: goal) == nil {
        throw ValidationError(
          "--survive '\(goal)' is not datacenter, rack or machines:N with N from 1 to \(SurvivalGoal.maxTolerated)")
      }
      if !(1...255).contains(maxVoters) {
        throw ValidationError("--max-voters must be from 1 to 255 (ZooKeeper's server ids are 1..255)")
      }
    }

    func run() throws {
      let (_, t) = try loadValidated(file, json: format == .json)
      if let ensemble, t.ensembleIndex(ensemble) == nil {
        throw fail("no ensemble named '\(ensemble)'; ensembles: \(t.ensembles.map(\.name).joined(separator: ", "))")
      }
      let r = Planner.plan(t, ensemble: ensemble, goals: goals, maxVoters: maxVoters)
      let verified = Planner.verify(r, in: t)
      let names = { (ms: [Int]) in ms.map { t.machines[$0].name } }
      var snippet = ""
      if r.found {
        snippet = "ensembles:\n  \(r.name):\n    voters: [\(names(r.voters).joined(separator: ", "))]\n"
        if !r.observers.isEmpty { snippet += "    observers: [\(names(r.observers).joined(separator: ", "))]\n" }
      }
      switch format {
      case .json:
        out(
          JSONValue.object([
            ("ensemble", .string(r.name)),
            ("goals", .strings(r.goals.map(\.description))),
            ("found", .bool(r.found)),
            ("voters", .strings(names(r.voters))),
            ("observers", .strings(names(r.observers))),
            ("toleratedMachineFailures", r.found ? .int(r.toleratedFailures) : .null),
            ("verified", .bool(verified)),
            ("explanation", .strings(r.explanation)),
            ("yaml", r.found ? .string(snippet) : .null),
          ]).rendered() + "\n")
      case .text:
        var text = "Plan for '\(r.name)' to survive \(r.goals.map(\.description).joined(separator: " and ")):\n"
        if r.found {
          var perDC: [(String, [String])] = []
          for d in t.datacenters.indices {
            let here = r.voters.filter { t.machines[$0].datacenter == d }
            if !here.isEmpty { perDC.append((t.datacenters[d].name, names(here))) }
          }
          text +=
            "  voters (\(r.voters.count)): "
            + perDC.map { "\($0.0) \($0.1.count) (\($0.1.joined(separator: ", ")))" }.joined(separator: ", ") + "\n"
          if !r.observers.isEmpty { text += "  observers: \(names(r.observers).joined(separator: ", "))\n" }
          text +=
            "  tolerates any \(r.toleratedFailures) voter failure\(r.toleratedFailures == 1 ? "" : "s"); goals \(verified ? "checked with the quorum engine" : "NOT met")\n"
        } else {
          text += "  no placement exists\n"
        }
        for note in r.explanation { text += "  note: \(note)\n" }
        if r.found {
          text +=
            "\nPaste into the topology (give it its own ports if these machines serve another ensemble):\n\n" + snippet
        }
        out(text)
      }
      if !r.found { throw ExitCode(1) }
    }
  }
}
