import Foundation
import Testing
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel
import TopologyRendering

/// Golden files for the text of `analyze`, `compare`, `what-if`, `matrix` and `plan` (issue 8).
/// They were read before they were accepted; `RECORD_GOLDEN=1` re-records them and fails the run.
@Suite struct TextGoldenTests {
  static let cases: [(name: String, args: [String])] = [
    ("analyze-payments-prod", ["analyze", "topologies/payments-prod.yaml"]),
    ("analyze-nine-voters-hierarchical", ["analyze", "topologies/nine-voters-hierarchical.yaml"]),
    ("compare-payments-prod", ["compare", "topologies/payments-prod.yaml"]),
    ("compare-two-dc-3-2", ["compare", "topologies/two-dc-3-2.yaml"]),
    ("what-if-payments-prod-cut-sh-a", ["what-if", "topologies/payments-prod.yaml", "--isolate", "sh-a"]),
    ("what-if-loopback-dc-b", ["what-if", "topologies/loopback-2-2-1.yaml", "--fail", "dc:dc-b"]),
    ("matrix-payments-prod", ["matrix", "topologies/payments-prod.yaml"]),
    ("matrix-three-dc-2-2-1-racks", ["matrix", "topologies/three-dc-2-2-1.yaml", "--racks", "--format", "markdown"]),
    ("plan-payments-prod-datacenter", ["plan", "topologies/payments-prod.yaml", "--survive", "datacenter"]),
    ("plan-two-dc-3-2-datacenter", ["plan", "topologies/two-dc-3-2.yaml", "--survive", "datacenter"]),
  ]

  @Test(arguments: cases.map(\.name))
  func textMatchesItsGoldenFile(name: String) throws {
    let args = try #require(Self.cases.first { $0.name == name }).args
    let r = try quorate(args)
    #expect(r.status == 0 || (args.first == "plan" && r.status == 1), "\(r.stderr)")
    let golden = packageRoot.appendingPathComponent("Tests/QuorateTests/Golden/text/\(name).txt")
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
      try FileManager.default.createDirectory(
        at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
      try r.stdout.write(to: golden, atomically: true, encoding: .utf8)
      Issue.record("recorded \(golden.path): read it, then run again without RECORD_GOLDEN")
      return
    }
    #expect(r.stdout == (try String(contentsOf: golden, encoding: .utf8)), "RECORD_GOLDEN=1 re-records \(name)")
  }
}

/// Views that write their text in pieces (analyze, report, connect) give exactly the text they
/// give whole, whatever the size of the pieces: no piece is lost, repeated or split badly.
@Suite struct TextOutputTests {
  @Test func piecesJoinToTheWholeText() throws {
    var pieces: [String] = []
    let out = TextOutput(threshold: 5) { pieces.append(String(decoding: $0, as: UTF8.self)) }
    for word in ["a", "bc", "defgh", "", "ijklmnop", "q"] { out.write(word) }
    #expect(out.finish() == "")
    #expect(pieces == ["abcdefgh", "ijklmnop", "q"])
    #expect(pieces.dropLast().allSatisfy { $0.utf8.count >= 5 })
    let whole = TextOutput()
    whole += "x"
    whole += "y"
    #expect(whole.finish() == "xy")
  }

  /// The output keeps its own storage and grows it: text far past its first 4 KiB, in writes
  /// of every kind and size (one larger than the storage at once), comes back byte for byte,
  /// collected whole or passed on in pieces.
  @Test func growingStorageKeepsEveryByte() {
    var expected = ""
    let whole = TextOutput()
    var pieces: [UInt8] = []
    let streamed = TextOutput(threshold: 1000) { pieces += $0 }
    for i in 0..<3000 {
      let word = String(repeating: "é東x", count: i % 7) + "\(i)"
      for out in [whole, streamed] {
        out.write(word)
        out.write(literal: ", ")
        out += "[\(i)]\n"
        out.write(bytes: Array("b\(i % 3)".utf8))
      }
      expected += word + ", " + "[\(i)]\n" + "b\(i % 3)"
    }
    let big = String(repeating: "0123456789", count: 2000)
    whole.write(big)
    streamed.write(big)
    expected += big
    #expect(whole.collected == Array(expected.utf8))
    #expect(whole.finish() == expected)
    streamed.finish()
    #expect(pieces == Array(expected.utf8))
  }

  /// A line written as a literal holds exactly what the same `String` interpolation gives:
  /// its static parts, texts (with characters of more than one byte), whole numbers of every
  /// size and sign, and other values through their description.
  @Test func linesWriteWhatStringInterpolationWrites() {
    let name = "dc-é東"
    let port = 2181
    let substring = "a,b,c".split(separator: ",")[1]
    let ratio = 0.25
    let out = TextOutput()
    out += "app '\(name)' at \(port) of \(Int.min) and \(Int.max), \(0), \(-7); \(substring) \(ratio)\n"
    out += ""
    out += "é plain\n"
    out.write("\(port)")
    #expect(
      out.finish()
        == "app '\(name)' at \(port) of \(Int.min) and \(Int.max), \(0), \(-7); \(substring) \(ratio)\n"
        + "é plain\n" + "2181")
  }

  @Test(arguments: ConsistencyTests.topologies)
  func streamedViewsEqualTheirWholeText(file: String) throws {
    let source = try SourceFile(
      path: file, bytes: Array(Data(contentsOf: packageRoot.appendingPathComponent("topologies/\(file)"))))
    let loaded = TopologyLoader.load(source)
    let t = try #require(loaded.topology)
    func streamed(_ view: (TextOutput) -> Void) -> String {
      var text = ""
      let out = TextOutput(threshold: 64) { text += String(decoding: $0, as: UTF8.self) }
      view(out)
      out.finish()
      return text
    }
    for markdown in [false, true] {
      let whole = ReportRendering.report(t, diagnostics: loaded.diagnostics, markdown: markdown)
      #expect(!whole.isEmpty)
      #expect(
        streamed { ReportRendering.report(t, diagnostics: loaded.diagnostics, markdown: markdown, into: $0) } == whole)
    }
    let r = Analyzer.analyze(t)
    #expect(streamed { AnalysisRendering.analyzeText(r, t, into: $0) } == AnalysisRendering.analyzeText(r, t))
    // JSON written in pieces of a few bytes is the rendered document and a newline.
    let json = ReportRendering.reportJSON(t, diagnostics: loaded.diagnostics)
    for pretty in [false, true] {
      var bytes: [UInt8] = []
      var pieces = 0
      json.write(pretty: pretty, threshold: 16) {
        bytes += $0
        pieces += 1
      }
      #expect(String(decoding: bytes, as: UTF8.self) == json.rendered(pretty: pretty) + "\n")
      #expect(pieces > 10)
    }
    #expect(streamed { ConnectStrings.text(t, apps: t.apps, into: $0) } == ConnectStrings.text(t, apps: t.apps))
    // The matrix's scenarios, made one at a time as they are written, are the document built
    // whole: every scenario's what-if value, in order.
    let rows = SurvivalMatrix.rows(t, evaluator: ScenarioEvaluator(t))
    let eager = JSONValue.object([
      (
        "scenarios",
        .array(rows.map { AnalysisRendering.whatIfJSON($0.scenario, (Array($0.ensembles), Array($0.apps)), t) })
      )
    ])
    for pretty in [false, true] {
      #expect(MatrixRendering.json(rows, t).rendered(pretty: pretty) == eager.rendered(pretty: pretty))
    }
  }

  /// An array whose elements are made as it is written reads exactly as the same array built
  /// whole: empty, one element, several, nested, compact and indented, in pieces of any size.
  @Test func lazyElementsWriteWhatAnArrayWrites() {
    let values: [[Int]] = [[], [7], [1, 2, 3]]
    for items in values {
      let eager = JSONValue.object([
        ("xs", .array(items.map { .object([("n", .int($0)), ("inner", .array([.int($0), .null]))]) })),
        ("after", .bool(true)),
      ])
      let lazy = JSONValue.object([
        ("xs", .elements(JSONElements(items) { .object([("n", .int($0)), ("inner", .array([.int($0), .null]))]) })),
        ("after", .bool(true)),
      ])
      for pretty in [false, true] {
        #expect(lazy.rendered(pretty: pretty) == eager.rendered(pretty: pretty))
        var bytes: [UInt8] = []
        lazy.write(pretty: pretty, threshold: 3) { bytes += $0 }
        #expect(String(decoding: bytes, as: UTF8.self) == eager.rendered(pretty: pretty) + "\n")
      }
    }
  }
}
