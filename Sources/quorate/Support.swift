import ArgumentParser
import TopologyAnalysis
import TopologyDiagnostics
import TopologyModel
import TopologyYAML

#if canImport(Glibc)
  import Glibc
#endif

/// Whether standard output was closed when quorate started (its descriptor now holds
/// /dev/null so that no file quorate opens can take its place).
nonisolated(unsafe) var standardOutputWasClosed = false

/// Makes sure descriptors 0, 1 and 2 are open, so that a file quorate opens never becomes
/// "standard output"; remembers whether standard output was closed. Ignores SIGPIPE so that a
/// closed pipe is an error quorate handles (EPIPE), not a signal that kills it.
func prepareStandardStreams() {
  signal(SIGPIPE, SIG_IGN)
  for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 {
    if fd == 1 { standardOutputWasClosed = true }
    let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
    if null >= 0 && null != fd {
      dup2(null, fd)
      close(null)
    }
  }
}

/// Writes all of `text` to a descriptor; returns the errno of a failure, or nil.
private func writeAll(_ fd: Int32, _ text: String) -> Int32? {
  var text = text
  return text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
}

/// Writes all of `buffer` to a descriptor; returns the errno of a failure, or nil.
private func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int32? {
  var done = 0
  while done < buffer.count {
    let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
    if n < 0 {
      if errno == EINTR { continue }
      return errno
    }
    done += n
  }
  return nil
}

/// Writes text to standard output. A reader that closed the pipe ends quorate quietly
/// (exit 0, as `rg` does: the reader chose to stop); any other failure (a full disk, a closed
/// descriptor, a file-size limit) is said in one line on standard error, and quorate exits 2.
func out(_ text: String) {
  var text = text
  text.withUTF8 { out(UnsafeRawBufferPointer($0)) }
}

/// Writes bytes to standard output, as ``out(_:)`` writes text.
func out(_ bytes: UnsafeRawBufferPointer) {
  if standardOutputWasClosed {
    err("quorate: error: cannot write to standard output: it is closed\n")
    exit(2)
  }
  guard let problem = writeAll(1, bytes) else { return }
  if problem == EPIPE { exit(0) }
  err("quorate: error: cannot write to standard output: \(String(cString: strerror(problem)))\n")
  exit(2)
}

/// Writes a JSON document and a newline to standard output as it is rendered (compact unless
/// standard output is a terminal or --pretty was given).
func outJSON(_ value: JSONValue) {
  value.write(pretty: prettyJSON) { bytes in bytes.withUnsafeBytes { out($0) } }
}

/// Runs a view that writes its text in pieces, each piece going to standard output (through
/// ``out(_:)``) as soon as it is large enough: a long report is never held whole.
func streamOut(_ view: (TextOutput) -> Void) {
  let output = TextOutput { out($0) }
  view(output)
  output.finish()
}

/// Writes text to standard error; a failure there cannot be reported anywhere, so it is ignored.
func err(_ text: String) {
  _ = writeAll(2, text)
}

/// Fails the command with exit code 2 and a message on standard error.
func fail(_ message: String) -> ExitCode {
  err("quorate: error: \(message)\n")
  return ExitCode(2)
}

/// Whether to colour output written to a file descriptor: only on a terminal, never with
/// `NO_COLOR` set (to anything), never for `TERM=dumb`.
func useColor(fd: Int32) -> Bool {
  if environment("NO_COLOR") != nil { return false }
  if environment("TERM") == "dumb" { return false }
  return isatty(fd) == 1
}

/// Whether JSON output is indented: on a terminal, or with `--pretty`. Piped or redirected it is
/// compact, one document on one line (what `jq` and scripts read; a third of an estate's
/// indented JSON was indentation).
nonisolated(unsafe) var prettyJSON = isatty(1) == 1

/// `--pretty`: every command that prints JSON.
struct JSONOutputOptions: ParsableArguments {
  @Flag(help: "Indent JSON output even when standard output is not a terminal.")
  var pretty = false

  func validate() throws {
    if pretty { prettyJSON = true }
  }
}

/// The limits on what quorate reads, set from `LimitOptions` before a command runs.
nonisolated(unsafe) var readLimits = YAMLLimits.default

/// The limits on what a topology may declare, set from `LimitOptions` as well.
nonisolated(unsafe) var countLimits = TopologyLimits.default

/// `--max-file-size`, `--max-depth`, `--max-nodes`, `--max-scalar-length`, `--max-datacenters`,
/// `--max-machines`, `--max-ensembles`, `--max-apps`, `--max-diagnostics`: every command that
/// reads a topology. Each passed limit is one diagnostic naming its flag (docs/reliability.md).
struct LimitOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The largest topology file read, in bytes.", valueName: "bytes"))
  var maxFileSize: Int = YAMLLimits.default.maxBytes

  @Option(help: ArgumentHelp("The deepest nesting of YAML collections.", valueName: "levels"))
  var maxDepth: Int = YAMLLimits.default.maxDepth

  @Option(help: ArgumentHelp("The most YAML nodes, every alias counted as a copy.", valueName: "count"))
  var maxNodes: Int = YAMLLimits.default.maxNodes

  @Option(help: ArgumentHelp("The longest scalar (name, host, address), in bytes.", valueName: "bytes"))
  var maxScalarLength: Int = YAMLLimits.default.maxScalarBytes

  @Option(help: ArgumentHelp("The most datacenters.", valueName: "count"))
  var maxDatacenters: Int = TopologyLimits.default.maxDatacenters

  @Option(help: ArgumentHelp("The most machines, across every datacenter.", valueName: "count"))
  var maxMachines: Int = TopologyLimits.default.maxMachines

  @Option(help: ArgumentHelp("The most ensembles.", valueName: "count"))
  var maxEnsembles: Int = TopologyLimits.default.maxEnsembles

  @Option(help: ArgumentHelp("The most apps.", valueName: "count"))
  var maxApps: Int = TopologyLimits.default.maxApps

  @Option(help: ArgumentHelp("The most diagnostics kept; the rest are counted.", valueName: "count"))
  var maxDiagnostics: Int = TopologyLimits.default.maxDiagnostics

  func validate() throws {
    guard (1...Int(UInt32.max)).contains(maxFileSize) else {
      throw ValidationError("--max-file-size must be from 1 to 4294967295 bytes")
    }
    guard (1...10_000).contains(maxDepth) else { throw ValidationError("--max-depth must be from 1 to 10000") }
    guard (1...1_000_000_000).contains(maxNodes) else {
      throw ValidationError("--max-nodes must be from 1 to 1000000000")
    }
    let counts: [(String, Int)] = [
      ("--max-scalar-length", maxScalarLength), ("--max-datacenters", maxDatacenters),
      ("--max-machines", maxMachines), ("--max-ensembles", maxEnsembles), ("--max-apps", maxApps),
      ("--max-diagnostics", maxDiagnostics),
    ]
    for (flag, value) in counts where !(1...1_000_000_000).contains(value) {
      throw ValidationError("\(flag) must be from 1 to 1000000000")
    }
    readLimits = YAMLLimits(
      maxBytes: maxFileSize, maxDepth: maxDepth, maxNodes: maxNodes, maxScalarBytes: maxScalarLength)
    countLimits = TopologyLimits(
      maxDatacenters: maxDatacenters, maxMachines: maxMachines, maxEnsembles: maxEnsembles, maxApps: maxApps,
      maxDiagnostics: maxDiagnostics)
  }
}

/// Reads a file, or standard input for `-`, at most one byte past the size limit (the reader
/// then reports the limit; nothing reads 1 GB to say so). Throws exit code 2 when it cannot.
func readSource(_ path: String) throws -> SourceFile {
  let limit = readLimits.maxBytes
  let fd: Int32
  if path == "-" {
    fd = 0
  } else {
    fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      let e = errno
      switch e {
      case ENOENT, ENOTDIR: throw fail("cannot read '\(path)': no such file")
      case EACCES: throw fail("cannot read '\(path)': permission denied")
      default: throw fail("cannot read '\(path)': \(String(cString: strerror(e)))")
      }
    }
  }
  defer { if fd != 0 { close(fd) } }
  let shown = path == "-" ? "<stdin>" : path
  var st = stat()
  let known = fstat(fd, &st) == 0
  if known && (st.st_mode & S_IFMT) == S_IFDIR { throw fail("cannot read '\(path)': it is a directory") }
  let size = known && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
  switch readDescriptor(fd, fileSize: size, atMost: limit + 1) {
  case .success(let bytes): return SourceFile(path: shown, bytes: bytes)
  case .failure(let e): throw fail("cannot read '\(shown)': \(String(cString: strerror(e.code)))")
  }
}

/// A failed `read`, with its errno.
struct ReadFailure: Error {
  let code: Int32
}

/// Reads from a descriptor until its end or `count` bytes. A regular file (`fileSize`, from
/// the caller's `fstat`) is read into one array of its size plus one byte, and a read that
/// returns less than asked is its end: a file that did not grow takes one `read` (`emit
/// --check` reads 208,881 files). Anything else (a pipe, standard input) is read in pieces,
/// each as large as what was read so far, until `read` returns nothing.
func readDescriptor(_ fd: Int32, fileSize: Int?, atMost count: Int) -> Result<[UInt8], ReadFailure> {
  var piece = fileSize.map { $0 + 1 } ?? 1 << 16
  var bytes: [UInt8] = []
  while bytes.count < count {
    let want = min(piece, count - bytes.count)
    var problem: Int32 = 0
    var ended = false
    let read = [UInt8](unsafeUninitializedCapacity: want) { buffer, filled in
      filled = 0
      while filled < want {
        let n = Glibc.read(fd, buffer.baseAddress! + filled, want - filled)
        if n < 0 && errno == EINTR { continue }
        if n < 0 { problem = errno }
        if n <= 0 {
          ended = true
          break
        }
        filled += n
        if fileSize != nil {
          ended = filled < want
          break
        }
      }
    }
    if problem != 0 { return .failure(ReadFailure(code: problem)) }
    if bytes.isEmpty { bytes = read } else { bytes += read }
    if ended { break }
    piece = max(1 << 16, bytes.count)
  }
  return .success(bytes)
}

/// The folder a path names a file in, as the path spells it: "a/b/c" -> "a/b", "c" -> "",
/// "/c" -> "/", "a/b/" -> "a".
func parentFolder(_ path: String) -> String {
  var p = Substring(path)
  while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
  guard let slash = p.lastIndex(of: "/") else { return "" }
  if slash == p.startIndex { return "/" }
  var folder = p[..<slash]
  while folder.count > 1 && folder.hasSuffix("/") { folder = folder.dropLast() }
  return String(folder)
}

/// The last component of a path: "a/b" -> "b", "a/b/" -> "b", "/" -> "/".
func lastComponent(_ path: String) -> String {
  var p = Substring(path)
  while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
  guard let slash = p.lastIndex(of: "/"), p.count > 1 else { return String(p) }
  return String(p[p.index(after: slash)...])
}

/// Whether something exists at a path (following links).
func pathExists(_ path: String) -> Bool {
  var st = stat()
  return stat(path, &st) == 0
}

/// The value of an environment variable.
func environment(_ name: String) -> String? {
  getenv(name).map { String(cString: $0) }
}

extension StringProtocol {
  /// The text without the white space and line ends around it (`\r\n` is one character,
  /// and white space, as Foundation's `whitespacesAndNewlines` reads it).
  var trimmedOfWhitespace: Substring {
    let s = Substring(self)
    guard let first = s.firstIndex(where: { !$0.isWhitespace }) else { return s[s.endIndex...] }
    let last = s.lastIndex(where: { !$0.isWhitespace })!
    return s[first...last]
  }
}

/// Loads a file through reading, decoding and validation; when the topology has errors it
/// prints the diagnostics and exits 1: as text on standard error, or, when the command was
/// asked for JSON, as `check`'s JSON document on standard output (scripts get JSON either
/// way). Used by every command except `check`.
func loadValidated(_ path: String, json: Bool = false) throws -> (TopologyLoader.Result, ValidatedTopology) {
  let source = try readSource(path)
  let result = TopologyLoader.load(source, limits: readLimits, counts: countLimits)
  guard let topology = result.topology else {
    if json {
      out(DiagnosticRenderer.jsonDocument(result.diagnostics, files: [source.path], pretty: prettyJSON))
    } else {
      let renderer = DiagnosticRenderer(color: useColor(fd: 2), sources: [source])
      err(renderer.text(result.diagnostics))
    }
    throw ExitCode(1)
  }
  return (result, topology)
}

/// `--fail-on degraded|unavailable|no-quorum` (repeatable), for `what-if` and `matrix`.
struct GateOptions: ParsableArguments {
  @Option(
    name: .customLong("fail-on"),
    help: ArgumentHelp(
      "Exit 1 when some app outside the failed datacenters is degraded (or worse) or unavailable, or some ensemble has no quorum (repeatable).",
      valueName: "degraded|unavailable|no-quorum"))
  var failOnArguments: [GateArgument] = []

  var failOn: [FailureGate] { failOnArguments.map(\.gate) }
}

/// A `--fail-on` value.
struct GateArgument: ExpressibleByArgument {
  let gate: FailureGate
  init?(argument: String) {
    guard let g = FailureGate(rawValue: argument) else { return nil }
    gate = g
  }
  static var allValueStrings: [String] { FailureGate.allCases.map(\.rawValue) }
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

  @OptionGroup(title: "Limits") var limits: LimitOptions

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup var json: JSONOutputOptions

  /// Loads the file and prints the text or the JSON the caller renders.
  func run(text: (ValidatedTopology) -> String, json: (ValidatedTopology) -> JSONValue) throws {
    try run(text: { t, output in output.write(text(t)) }, json: json)
  }

  /// Runs with text written to standard output as the view makes it.
  func run(text: (ValidatedTopology, TextOutput) -> Void, json: (ValidatedTopology) -> JSONValue) throws {
    let (_, t) = try loadValidated(file, json: format == .json)
    switch format {
    case .text: streamOut { text(t, $0) }
    case .json: outJSON(json(t))
    }
  }
}

/// `--pairs/--no-pairs`, `--racks`, `--machines`: the scenarios of the survival matrix, for
/// `matrix` and `diagram --view survival`.
struct MatrixScenarioOptions: ParsableArguments {
  @Flag(inversion: .prefixedNo, help: "Every pair of datacenters lost.")
  var pairs = true

  @Flag(help: "Add every rack lost.")
  var racks = false

  @Flag(help: "Add every machine lost.")
  var machines = false

  var options: MatrixOptions { MatrixOptions(pairs: pairs, racks: racks, machines: machines) }
}
