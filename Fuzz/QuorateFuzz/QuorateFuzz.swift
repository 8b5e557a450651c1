// libFuzzer targets for quorate (issue 14), one binary with three targets chosen by
// QUORATE_FUZZ_TARGET: `load` (arbitrary bytes through the whole pipeline), `scenario`
// (what-if's failure, isolation and partition syntax) and `plan` (plan's goals and bounds).
//
// Built with -DFUZZING and -sanitize=fuzzer (make fuzz), libFuzzer supplies main and calls
// LLVMFuzzerTestOneInput. Built plainly, it is a replayer: `quorate-fuzz TARGET FILE...` runs
// each file through the target once, which is how the committed corpus becomes a regression
// test.
import Foundation
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel
import TopologyRendering

enum FuzzTarget: String {
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

  func run(_ bytes: [UInt8]) {
    switch self {
    case .load: _ = Self.load(bytes)
    case .scenario: Self.scenario(bytes)
    case .plan: Self.plan(bytes)
    }
  }

  /// Read, decode, validate, and for a valid topology every engine stage and renderer; says
  /// whether the bytes were a valid topology. The in-process mutation test runs this too.
  static func load(_ bytes: [UInt8]) -> Bool {
    let source = SourceFile(path: "fuzz.yaml", bytes: bytes)
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
    _ = EmitPlan.files(t, options: ServerConfigOptions())
    _ = AnalysisLints.diagnostics(for: t)
    _ = DiagramRendering.topologySVG(t)
    return true
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

#if FUZZING
  /// The target, chosen once.
  let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["QUORATE_FUZZ_TARGET"] ?? "load"
    guard let target = FuzzTarget(rawValue: name) else {
      FileHandle.standardError.write(Data("quorate-fuzz: QUORATE_FUZZ_TARGET must be load, scenario or plan\n".utf8))
      exit(2)
    }
    return target
  }()

  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    fuzzTarget.run(bytes)
    return 0
  }
#else
  @main
  enum Replay {
    static func main() {
      let arguments = CommandLine.arguments.dropFirst()
      guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("usage: quorate-fuzz load|scenario|plan FILE-OR-FOLDER...\n".utf8))
        exit(2)
      }
      var count = 0
      for path in arguments.dropFirst() {
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        let files =
          isFolder.boolValue
          ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
          : [path]
        for file in files {
          guard let data = FileManager.default.contents(atPath: file) else { continue }
          target.run([UInt8](data))
          count += 1
        }
      }
      print("replayed \(count) input(s) through '\(target.rawValue)' without a trap")
    }
  }
#endif
