import ArgumentParser
import Foundation
import TopologyDiagnostics
import TopologyModel

/// Writes text to standard output.
func out(_ text: String) {
  FileHandle.standardOutput.write(Data(text.utf8))
}

/// Writes text to standard error.
func err(_ text: String) {
  FileHandle.standardError.write(Data(text.utf8))
}

/// Fails the command with exit code 2 and a message on standard error.
func fail(_ message: String) -> ExitCode {
  err("quorate: error: \(message)\n")
  return ExitCode(2)
}

/// Whether to colour output written to a file descriptor: only on a terminal, never with
/// `NO_COLOR` set (to anything), never for `TERM=dumb`.
func useColor(fd: Int32) -> Bool {
  let env = ProcessInfo.processInfo.environment
  if env["NO_COLOR"] != nil { return false }
  if env["TERM"] == "dumb" { return false }
  return isatty(fd) == 1
}

/// Reads a file, or standard input for `-`. Throws exit code 2 when it cannot.
func readSource(_ path: String) throws -> SourceFile {
  if path == "-" {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    return SourceFile(path: "<stdin>", bytes: [UInt8](data))
  }
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
    throw fail("cannot read '\(path)': no such file")
  }
  if isDirectory.boolValue { throw fail("cannot read '\(path)': it is a directory") }
  guard let handle = FileHandle(forReadingAtPath: path) else {
    throw fail("cannot read '\(path)': permission denied")
  }
  defer { try? handle.close() }
  // Read at most one byte past the limit: the reader reports the size; no need to read 1 GB.
  let limit = 16 << 20
  let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
  return SourceFile(path: path, bytes: [UInt8](data))
}

/// Loads a file through reading, decoding and validation; prints diagnostics on standard error
/// and exits 1 when the topology has errors. Used by every command except `check`.
func loadValidated(_ path: String, strict: Bool = false) throws -> (TopologyLoader.Result, ValidatedTopology) {
  let source = try readSource(path)
  let result = TopologyLoader.load(source)
  guard let topology = result.topology else {
    let renderer = DiagnosticRenderer(color: useColor(fd: 2), sources: [source])
    err(renderer.text(result.diagnostics))
    throw ExitCode(1)
  }
  return (result, topology)
}

/// `--format` for commands whose output is text or JSON.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text
  case json
}

/// "1 machine", "3 machines".
func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

/// The topology file and `--format text|json`, shared by the read-only commands.
struct FileAndFormat: ParsableArguments {
  @Argument(help: "The topology file ('-' reads standard input).")
  var file: String

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  /// Loads the file and prints the text or the JSON the caller renders.
  func run(text: (ValidatedTopology) -> String, json: (ValidatedTopology) -> JSONValue) throws {
    let (_, t) = try loadValidated(file)
    switch format {
    case .text: out(text(t))
    case .json: out(json(t).rendered() + "\n")
    }
  }
}
