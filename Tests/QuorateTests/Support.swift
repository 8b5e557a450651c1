import Foundation
import Testing
import TopologyDiagnostics
import TopologyModel

/// The package root, found from this file's path.
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// The built `quorate` executable, next to the test bundle.
let quorateBinary: String = {
  let candidates = [
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("quorate").path,
    packageRoot.appendingPathComponent(".build/debug/quorate").path,
  ]
  return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
}()

/// The result of running a process.
struct ProcessResult {
  let status: Int32
  let stdout: String
  let stderr: String
}

/// Runs a program and waits for it, feeding `stdin`.
@discardableResult
func runProcess(
  _ executable: String, _ arguments: [String], stdin: String? = nil, cwd: URL = packageRoot,
  environment: [String: String]? = nil
) throws -> ProcessResult {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: executable)
  p.arguments = arguments
  p.currentDirectoryURL = cwd
  if let environment { p.environment = environment }
  let outPipe = Pipe()
  let errPipe = Pipe()
  p.standardOutput = outPipe
  p.standardError = errPipe
  let inPipe = Pipe()
  p.standardInput = inPipe
  try p.run()
  // Feed stdin and drain stderr on their own threads: a child that answers while it reads
  // would otherwise block on a full pipe while we block writing to it.
  nonisolated(unsafe) var errData = Data()
  let group = DispatchGroup()
  group.enter()
  DispatchQueue.global().async {
    // quorate may stop reading early (a size limit): a broken pipe is not the test's failure.
    signal(SIGPIPE, SIG_IGN)
    if let stdin { try? inPipe.fileHandleForWriting.write(contentsOf: Data(stdin.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    group.leave()
  }
  group.enter()
  DispatchQueue.global().async {
    errData = errPipe.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  p.waitUntilExit()
  return ProcessResult(
    status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs `quorate` with arguments from the package root.
@discardableResult
func quorate(_ arguments: String..., stdin: String? = nil) throws -> ProcessResult {
  try quorate(arguments, stdin: stdin)
}

/// Runs `quorate` with an array of arguments from the package root.
@discardableResult
func quorate(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
  var env = ProcessInfo.processInfo.environment
  env["NO_COLOR"] = "1"
  return try runProcess(quorateBinary, arguments, stdin: stdin, environment: env)
}

/// Text with emoji markers (1️⃣ 2️⃣ …) stripped, and each marker's 1-based line and column
/// (columns in Unicode scalars, as diagnostics count them).
struct MarkedText {
  let text: String
  let markers: [String: (line: Int, column: Int)]

  static let markerNames = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

  init(_ source: String) {
    var out = ""
    var found: [String: (Int, Int)] = [:]
    var line = 1
    var column = 1
    var rest = Substring(source)
    outer: while let c = rest.first {
      for m in Self.markerNames where rest.hasPrefix(m) {
        found[m] = (line, column)
        rest = rest.dropFirst(m.count)
        continue outer
      }
      out.append(c)
      if c == "\n" {
        line += 1
        column = 1
      } else {
        column += c.unicodeScalars.count
      }
      rest = rest.dropFirst()
    }
    text = out
    markers = found
  }
}

/// Loads YAML text through reading, decoding and validation.
func load(_ yaml: String) -> TopologyLoader.Result {
  TopologyLoader.load(SourceFile(path: "test.yaml", text: yaml))
}

/// Asserts that marked YAML produces exactly these codes, each at its marker.
func expectDiagnostics(
  _ marked: String, _ expected: [(code: String, marker: String)],
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  let m = MarkedText(marked)
  let diagnostics = load(m.text).diagnostics
  let got = diagnostics.map { "\($0.code)@\($0.range.start.line):\($0.range.start.column)" }.sorted()
  let want = expected.map { e -> String in
    let p = m.markers[e.marker] ?? (0, 0)
    return "\(e.code)@\(p.line):\(p.column)"
  }.sorted()
  #expect(got == want, "\(diagnostics.map { "\($0.code) \($0.message)" })", sourceLocation: sourceLocation)
}

/// A small valid topology to build cases from: three machines in each of three datacenters.
let baseTopology = """
  quorate: 1
  name: t
  datacenters:
    dc1:
      machines:
        a1: { host: 10.0.1.1, rack: r1 }
        a2: { host: 10.0.1.2, rack: r2 }
        a3: { host: 10.0.1.3, rack: r2 }
    dc2:
      machines:
        b1: { host: 10.0.2.1 }
        b2: { host: 10.0.2.2 }
        b3: { host: 10.0.2.3 }
    dc3:
      machines:
        c1: { host: 10.0.3.1 }
        c2: { host: 10.0.3.2 }
        c3: { host: 10.0.3.3 }

  """

/// The base topology with these ensembles (and apps) appended; must validate.
func validated(_ rest: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ValidatedTopology {
  let r = load(baseTopology + rest)
  #expect(!r.diagnostics.hasErrors, "\(r.diagnostics.map(\.message))", sourceLocation: sourceLocation)
  return try #require(r.topology, sourceLocation: sourceLocation)
}
