import TopologyDiagnostics
import TopologyYAML

/// The reading stage as the model sees it.
enum YAMLReaderBridge {
  static func read(_ source: SourceFile) -> (YAMLNode?, [Diagnostic]) {
    let r = YAMLReader.read(source)
    return (r.root, r.diagnostics)
  }
}
