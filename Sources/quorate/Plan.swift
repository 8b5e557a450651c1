import ArgumentParser
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel
import TopologyRendering

#if canImport(Glibc)
  import Glibc
#endif

extension Quorate {
  /// `quorate plan`: the smallest voter placement that meets survival goals.
  struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The smallest voter placement that survives what you ask, as a YAML snippet.",
      discussion: """
        Exits 0 with a plan, 1 when no placement on the topology's machines meets the goals \
        (with the reason and what to add).

        Examples:
          quorate plan topo.yaml --survive datacenter
          quorate plan topo.yaml --survive datacenter --survive machines:2 --ensemble zk-new --output new.yaml
        """)

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup var json: JSONOutputOptions

    @Option(help: "Name of the ensemble to plan (its machines are preferred); default 'planned'.")
    var ensemble: String?

    @Option(help: "A goal: datacenter, rack or machines:N (repeatable).")
    var survive: [String]

    var goals: [SurvivalGoal] { survive.compactMap(SurvivalGoal.init(argument:)) }

    @Option(help: "The most voters to consider.")
    var maxVoters: Int = 9

    @Option(help: "Write the whole topology with the planned ensemble added to this file.")
    var output: String?

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
      let (result, t) = try loadValidated(file, json: format == .json)
      if output != nil, let ensemble, t.ensembleIndex(ensemble) != nil {
        throw fail(
          "--output adds a new ensemble, and '\(ensemble)' exists; give --ensemble a new name, then point the apps at it"
        )
      }
      let r = Planner.plan(t, ensemble: ensemble, goals: goals, maxVoters: maxVoters)
      let verified = Planner.verify(r, in: t)
      switch format {
      case .json: outJSON(PlanRendering.json(r, t, verified: verified))
      case .text: out(PlanRendering.text(r, t, verified: verified))
      }
      if let output, r.found {
        try writeTopology(with: r, t, source: result.source, to: output)
        if format == .text { out("\nwrote \(output): the topology with '\(r.name)' added\n") }
      }
      if !r.found { throw ExitCode(1) }
    }

    /// The source text with the planned ensemble added at the end of `ensembles:`, written
    /// atomically, then read back: it must load without errors.
    func writeTopology(with r: PlanResult, _ t: ValidatedTopology, source: SourceFile, to path: String) throws {
      let text = String(decoding: source.bytes, as: UTF8.self)
      var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      guard let start = lines.firstIndex(where: { $0.hasPrefix("ensembles:") }) else {
        throw fail("cannot find a top-level 'ensembles:' line in '\(source.path)' to add the plan to")
      }
      // The block ends at the next top-level key; entries are indented as the first one is.
      var end = start + 1
      var indent = 2
      var sawEntry = false
      while end < lines.count {
        let line = lines[end]
        let trimmed = line.drop { $0 == " " }
        if !trimmed.isEmpty && !trimmed.hasPrefix("#") {
          let spaces = line.count - trimmed.count
          if spaces == 0 { break }
          if !sawEntry {
            indent = spaces
            sawEntry = true
          }
        }
        end += 1
      }
      while end > start + 1 && lines[end - 1].allSatisfy({ $0 == " " }) { end -= 1 }
      let block = PlanRendering.ensembleYAML(r, t, indent: indent).split(separator: "\n").map(String.init)
      lines.insert(contentsOf: block, at: end)
      let written = lines.joined(separator: "\n")
      let check = TopologyLoader.load(SourceFile(path: path, text: written), limits: readLimits, counts: countLimits)
      guard check.topology != nil else {
        throw fail("the topology with the plan added does not validate; nothing was written")
      }
      // Atomically and durably: a temporary file beside it, synced, renamed over it.
      do throws(FolderError) {
        let folder = parentFolder(path)
        guard let target = try SafeFolder.open(folder.isEmpty ? "." : folder, create: false) else {
          throw FolderError(description: "cannot write '\(path)': no such folder '\(folder)'")
        }
        try target.writeAtomically(lastComponent(path), written)
      } catch {
        throw fail(error.description)
      }
    }
  }
}
