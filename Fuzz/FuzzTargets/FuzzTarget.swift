// The three libFuzzer targets of quorate (issue 14): `load` (arbitrary bytes through the whole
// pipeline), `scenario` (what-if's failure, isolation and partition syntax) and `plan` (plan's
// goals and bounds). A library, so that the tests call the same targets: the `quorate-fuzz`
// executable is only the entry point, and a test target must not depend on it (SwiftPM then
// builds the executable for linking into tests, and the fuzzing build loses its coverage
// instrumentation: libFuzzer runs blind, "no interesting inputs were found").
import Foundation
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel
import TopologyRendering
import TopologyYAML

public enum FuzzTarget: String, Sendable {
  case load
  case scenario
  case plan

  /// A valid topology for the argument targets: payments-prod, from the package root.
  static let topology: ValidatedTopology = {
    let path = ProcessInfo.processInfo.environment["QUORATE_FUZZ_TOPOLOGY"] ?? "topologies/payments-prod.yaml"
    guard let data = FileManager.default.contents(atPath: path),
      let t = TopologyLoader.load(SourceFile(path: path, bytes: [UInt8](data))).topology
    else {
      FileHandle.standardError.write(Data("quorate-fuzz: cannot load \(path) (run from the package root)\n".utf8))
      exit(2)
    }
    return t
  }()

  /// Runs one input through the target.
  public func run(_ bytes: [UInt8]) {
    switch self {
    case .load: _ = Self.load(bytes)
    case .scenario: Self.scenario(bytes)
    case .plan: Self.plan(bytes)
    }
  }

  /// Read, decode, validate, and for a valid topology every engine stage and renderer; says
  /// whether the bytes were a valid topology. The in-process mutation test runs this too.
  public static func load(_ bytes: [UInt8]) -> Bool {
    let source = SourceFile(path: "fuzz.yaml", bytes: bytes)
    precondition(streamingAgrees(source), "the apps decoded as read differ from the apps decoded from the document")
    let result = TopologyLoader.load(source)
    _ = DiagnosticRenderer(sources: [source]).text(result.diagnostics)
    _ = DiagnosticRenderer.jsonDocument(result.diagnostics, files: [source.path])
    _ = DiagnosticRenderer.github(result.diagnostics)
    guard let t = result.topology else { return false }
    let evaluator = ScenarioEvaluator(t)
    _ = AnalysisRendering.analyzeJSON(Analyzer.analyze(t, evaluator: evaluator), t).rendered()
    _ = ReportRendering.compareText(Comparison.compare(t, evaluator: evaluator))
    let rows = SurvivalMatrix.rows(t, options: MatrixOptions(racks: true, machines: true), evaluator: evaluator)
    _ = MatrixRendering.text(rows, t, gates: FailureGate.allCases)
    for _ in EmitPlan.files(t, options: ServerConfigOptions()) {}
    _ = AnalysisLints.diagnostics(for: t)
    _ = DiagramRendering.topologySVG(t)
    return true
  }

  /// Whether decoding the apps as they are read (what `TopologyLoader` does) gives what
  /// decoding them from the whole document gives: the same apps, diagnostics and undecodable
  /// paths, whatever the bytes.
  static func streamingAgrees(_ source: SourceFile) -> Bool {
    func lines(_ diagnostics: [Diagnostic]) -> [String] {
      diagnostics.sortedByPosition().map {
        "\($0.code) \($0.range) \($0.message) \($0.help ?? "") \($0.related.map(\.range))"
      }
    }
    let (root, read) = YAMLReader.read(source)
    var apps = StreamedApps(file: source.path, bytes: source.bytes.count)
    let (streamedRoot, streamedRead) = YAMLReader.read(source, streaming: "apps") { apps.decode($0) }
    // And most entries read straight from the parser's events, as `TopologyLoader` reads them.
    var direct = StreamedApps(file: source.path, bytes: source.bytes.count)
    let (directRoot, directRead) = YAMLReader.read(source, streaming: "apps", entries: &direct)
    guard let root, let streamedRoot, let directRoot else {
      return (root == nil) == (streamedRoot == nil) && (root == nil) == (directRoot == nil)
        && lines(read) == lines(streamedRead) && lines(read) == lines(directRead)
    }
    let (t, decoded) = TopologyDecoder.decode(root, file: source.path)
    let (s, streamedDecoded) = TopologyDecoder.decode(streamedRoot, file: source.path, streamedApps: apps)
    let (d, directDecoded) = TopologyDecoder.decode(directRoot, file: source.path, streamedApps: direct)
    return "\(t.apps)" == "\(s.apps)" && t.undecodable == s.undecodable
      && lines(read + decoded) == lines(streamedRead + streamedDecoded)
      && "\(t.apps)" == "\(d.apps)" && t.undecodable == d.undecodable
      && lines(read + decoded) == lines(directRead + directDecoded)
  }

  /// Lines `f VALUE` (--fail), `i VALUE` (--isolate), `p VALUE` (--partition).
  static func scenario(_ bytes: [UInt8]) {
    let t = topology
    var fail: [String] = []
    var isolate: [String] = []
    var partition: String?
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
      let value = String(line.dropFirst(2))
      switch line.first {
      case "f": fail.append(value)
      case "i": isolate.append(value)
      case "p": partition = value
      default: break
      }
    }
    do {
      let s = try FailureScenario.parse(fail: fail, isolate: isolate, partition: partition, in: t)
      _ = AnalysisWording.scenario(s, t)
      let r = ScenarioEvaluator(t).evaluate(s)
      _ = AnalysisRendering.whatIfJSON(s, r, t).rendered()
    } catch {
      precondition(!AnalysisWording.scenarioError(error).isEmpty)
    }
  }

  /// First line --max-voters, then one --survive goal per line; plans when every goal parses
  /// and the bound is one plan accepts, as the command does.
  static func plan(_ bytes: [UInt8]) {
    let t = topology
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    guard let first = lines.first, let maxVoters = Int(first), (1...255).contains(maxVoters) else { return }
    let goals = lines.dropFirst().prefix(8).map(SurvivalGoal.init(argument:))
    guard !goals.isEmpty, goals.allSatisfy({ $0 != nil }) else { return }
    let r = Planner.plan(t, ensemble: nil, goals: goals.compactMap { $0 }, maxVoters: maxVoters)
    _ = Planner.verify(r, in: t)
    _ = PlanRendering.text(r, t, verified: true)
  }
}
