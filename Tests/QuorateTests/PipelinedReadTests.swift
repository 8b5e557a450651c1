import Foundation
import Testing
import TopologyDiagnostics
import TopologyModel

@testable import TopologyYAML

/// Large files are parsed by libyaml on a second thread while the document is built
/// (`YAMLReader.read(_:limits:pipelined:)`). Whatever the bytes, that must give what reading
/// on one thread gives: the same document, apps and diagnostics, including when reading stops
/// early (a syntax error, a limit, a second document) with parsed batches still queued.
@Suite struct PipelinedReadTests {
  /// The outcome of reading and decoding `bytes`, one way.
  static func outcome(_ bytes: [UInt8], pipelined: Bool, limits: YAMLLimits = .default) -> StreamedAppsTests.Outcome {
    let file = SourceFile(path: "t.yaml", bytes: bytes)
    var apps = StreamedApps(file: file.path, bytes: file.bytes.count)
    let (root, read) = YAMLReader.read(file, limits: limits, streaming: "apps", pipelined: pipelined, entries: &apps)
    return StreamedAppsTests.outcome(root, read) {
      TopologyDecoder.decode($0, file: file.path, streamedApps: apps)
    }
  }

  /// The document without streaming, written out (every node, in order).
  static func document(_ bytes: [UInt8], pipelined: Bool, limits: YAMLLimits = .default) -> String {
    let (root, read) = YAMLReader.read(SourceFile(path: "t.yaml", bytes: bytes), limits: limits, pipelined: pipelined)
    func dump(_ n: YAMLNode) -> String {
      switch n.content {
      case .scalar(let s, let plain): return "\(plain ? "" : "!")\(s)@\(n.range)"
      case .sequence(let items): return "[" + items.map(dump).joined(separator: ",") + "]"
      case .mapping(let pairs):
        return "{" + pairs.map { dump($0.key) + ":" + dump($0.value) }.joined(separator: ",") + "}"
      }
    }
    return (root.map(dump) ?? "no root") + "\n"
      + read.map { "\($0.code) \($0.range) \($0.message)" }.joined(separator: "\n")
  }

  static func agree(_ bytes: [UInt8], limits: YAMLLimits = .default, _ what: String) {
    let (one, two) = (outcome(bytes, pipelined: false, limits: limits), outcome(bytes, pipelined: true, limits: limits))
    #expect(one == two, "\(what)")
    #expect(
      document(bytes, pipelined: false, limits: limits) == document(bytes, pipelined: true, limits: limits), "\(what)")
  }

  /// Apps enough for many batches of events (a batch is 512 events), after a valid head.
  static func estate(apps: Int) -> String {
    StreamedAppsTests.head + "apps:\n"
      + (0..<apps).map { "  app\($0): {datacenter: dc\($0 % 2 + 1), registry: zk, sessionTimeout: 40s}\n" }.joined()
  }

  @Test func everyBundledTopologyAndFuzzInputReadsTheSameBothWays() throws {
    var paths: [URL] = []
    for folder in ["topologies", "topologies/invalid", "topologies/warnings", "Fuzz/corpus/load"] {
      let dir = packageRoot.appendingPathComponent(folder)
      paths += try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
        .filter { !$0.hasDirectoryPath }
    }
    #expect(paths.count > 500)
    for url in paths { Self.agree(Array(try Data(contentsOf: url)), url.lastPathComponent) }
  }

  @Test func largeFilesReadTheSameBothWays() {
    let text = Self.estate(apps: 3_000)
    Self.agree(Array(text.utf8), "3,000 apps")
    // The pipelined read is what a large file gets by default.
    let file = SourceFile(path: "t.yaml", bytes: Array(text.utf8))
    #expect(file.bytes.count >= YAMLReader.pipelineBytes)
    #expect(YAMLReader.read(file).root != nil)
  }

  @Test func readingThatStopsEarlyWithBatchesQueuedStopsTheSameBothWays() {
    let text = Self.estate(apps: 3_000)
    // A syntax error after many batches.
    Self.agree(Array((text + "  broken: [unclosed\n").utf8), "syntax error at the end")
    // A syntax error early, with the rest of the file never parsed.
    Self.agree(
      Array((StreamedAppsTests.head + "apps: {a: [\n" + String(repeating: "x\n", count: 5_000)).utf8),
      "syntax error early")
    // A second document after many events: reading stops at its start.
    Self.agree(Array((text + "---\nname: again\n" + text).utf8), "second document")
    // The node limit passed part-way: reading stops while later batches are already parsed.
    Self.agree(Array(text.utf8), limits: YAMLLimits(maxBytes: 64 << 20, maxDepth: 64, maxNodes: 2_000), "node limit")
    // A tag quorate refuses, deep in the file.
    Self.agree(Array((text + "  tagged: !custom {a: 1}\n").utf8), "unknown tag")
  }
}
