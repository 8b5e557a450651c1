import Foundation
import Testing
import TopologyDiagnostics

/// The rule list and the code catalogue, checked against each other (issue 8, item 8): every
/// catalogued code is emitted by some code outside the catalogue, and every code has an example
/// file with an accepted transcript (errors in `topologies/invalid`, warnings in
/// `topologies/warnings`), or a stated reason why not.
@Suite struct CatalogueTests {
  /// Codes without an example file, and why.
  static let statedReasons: [String: String] = [
    "Y007": "a file over the 64 MiB limit is not committed; CLITests.hostileFilesEndInADiagnostic generates one",
    "Y012": "a 64 KiB scalar is not committed; CLITests.scalarAndDiagnosticLimits generates one",
    "S114": "count limits need flags: CLITests.countLimitsAreFlagsNamedInTheirDiagnostic",
    "S115": "the diagnostic limit needs a flag: CLITests.scalarAndDiagnosticLimits",
    "I501": "import reads zoo.cfg files, not topologies: ImportTests.unplacedHostsAndBadLines",
    "I502": "import reads zoo.cfg files, not topologies: ImportTests.disagreeingFilesAreReportedNotMerged",
    "I503": "import reads zoo.cfg files, not topologies: ImportTests.unplacedHostsAndBadLines",
    "I504": "import reads zoo.cfg files, not topologies: a server line with several '|' addresses",
    "P601": "probe reads live servers: Tests/e2e/zookeeper_e2e.py restarts one from another server list",
    "P602": "probe reads live servers: the end-to-end test kills and freezes members",
    "P603": "probe reads live servers: ProbeJudgementTests feeds it a voter answering as observer",
    "U701": "audit reads zoo.cfg files: AuditTests.zooCfgDifferencesPointIntoTheFile",
    "U702": "audit reads zoo.cfg files: AuditTests.zooCfgDifferencesPointIntoTheFile",
    "U703": "audit reads zoo.cfg files: AuditTests.zooCfgDifferencesPointIntoTheFile",
    "U704": "audit reads zoo.cfg files: AuditTests.zooCfgDifferencesPointIntoTheFile",
    "U705": "audit reads zoo.cfg files: AuditTests.zooCfgDifferencesPointIntoTheFile",
    "U706": "audit reads zoo.cfg files: AuditTests.zooCfgDifferencesPointIntoTheFile",
    "U707": "audit reads zoo.cfg files: AuditTests.zooCfgDifferencesPointIntoTheFile",
    "U708": "audit reads myid files: AuditTests.zooCfgDifferencesPointIntoTheFile",
    "U709": "audit reads zoo.cfg files: AuditTests.zooCfgDifferencesPointIntoTheFile",
    "U720": "audit reads Dubbo files: AuditTests.dubboMistakesInEachSpelling",
    "U721": "audit reads Dubbo files: AuditTests.dubboMistakesInEachSpelling",
    "U722": "audit reads Dubbo files: AuditTests.dubboMistakesInEachSpelling and connectStringsAndUsage",
    "U723": "audit reads Dubbo files: AuditTests.dubboMistakesInEachSpelling",
    "U724": "audit reads Dubbo files: AuditTests.dubboMistakesInEachSpelling",
    "U725": "audit reads Dubbo files: AuditTests.dubboMistakesInEachSpelling",
    "U726": "audit reads Dubbo files: AuditTests.dubboMistakesInEachSpelling",
  ]

  static let warningFiles: [String] = {
    let dir = packageRoot.appendingPathComponent("topologies/warnings")
    return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".yaml") }
      .sorted()
  }()

  @Test func everyCodeIsEmittedSomewhere() throws {
    let catalogue = try String(
      contentsOf: packageRoot.appendingPathComponent("Sources/TopologyDiagnostics/DiagnosticCatalog.swift"),
      encoding: .utf8)
    // `public static let name = Entry(\n    code: "X000"` -> name for each code.
    var names: [String: String] = [:]
    let pattern = try NSRegularExpression(pattern: #"static let (\w+) = Entry\(\s*code: "([A-Z][0-9]{3})""#)
    for m in pattern.matches(in: catalogue, range: NSRange(catalogue.startIndex..., in: catalogue)) {
      let name = String(catalogue[Range(m.range(at: 1), in: catalogue)!])
      let code = String(catalogue[Range(m.range(at: 2), in: catalogue)!])
      names[code] = name
    }
    #expect(Set(names.keys) == Set(DiagnosticCatalog.all.map(\.code)), "every entry is in `all`")
    var sources = ""
    let enumerator = FileManager.default.enumerator(atPath: packageRoot.appendingPathComponent("Sources").path)
    while let path = enumerator?.nextObject() as? String {
      guard path.hasSuffix(".swift"), !path.hasSuffix("DiagnosticCatalog.swift") else { continue }
      sources += try String(contentsOf: packageRoot.appendingPathComponent("Sources/\(path)"), encoding: .utf8)
    }
    for (code, name) in names.sorted(by: { $0.key < $1.key }) {
      #expect(sources.contains("DiagnosticCatalog.\(name)"), "\(code) (\(name)) is catalogued but nothing emits it")
    }
  }

  @Test func everyCodeHasAnExampleOrAReason() throws {
    let invalid =
      (try? FileManager.default.contentsOfDirectory(
        atPath: packageRoot.appendingPathComponent("topologies/invalid").path)) ?? []
    let examples = Set((invalid + Self.warningFiles).filter { $0.hasSuffix(".yaml") }.map { String($0.prefix(4)) })
    for e in DiagnosticCatalog.all {
      #expect(
        examples.contains(e.code) || Self.statedReasons[e.code] != nil, "\(e.code) has no example and no stated reason")
      if e.severity == .warning && Self.statedReasons[e.code] == nil {
        #expect(Self.warningFiles.contains { $0.hasPrefix(e.code) }, "\(e.code)")
      }
    }
  }

  @Test(arguments: warningFiles)
  func warningExamplePrintsExactlyItsTranscript(file: String) throws {
    let yaml = "topologies/warnings/\(file)"
    let expected = try String(
      contentsOf: packageRoot.appendingPathComponent(yaml.replacingOccurrences(of: ".yaml", with: ".expected")),
      encoding: .utf8)
    let r = try quorate("check", yaml)
    #expect(r.status == 0)
    #expect(r.stdout == expected)
    #expect(r.stdout.contains("warning[\(file.prefix(4))]"))
    #expect(try quorate("check", yaml, "--strict").status == 1)
  }
}
