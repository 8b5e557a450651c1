internal import CYAML
public import TopologyDiagnostics

/// Limits that keep hostile input from exhausting time or memory.
public struct YAMLLimits: Sendable {
  /// The largest file read, in bytes.
  public var maxBytes: Int
  /// The deepest nesting of collections.
  public var maxDepth: Int
  /// The most nodes the document may hold when every alias counts as a copy.
  public var maxNodes: Int
  /// The longest scalar (a name, an address, a description), in bytes.
  public var maxScalarBytes: Int

  /// The limits `quorate` uses unless told otherwise: 64 MiB, 64 levels, 8,000,000 nodes,
  /// scalars of 64 KiB. A generated estate of 256 datacenters and 200,000 apps (13 MB, 1.55
  /// million nodes) fits with room to spare; an alias bomb still stops within a fraction of a
  /// second, and no name is long enough to make a suggestion or a message costly.
  public static let `default` = YAMLLimits(
    maxBytes: 64 << 20, maxDepth: 64, maxNodes: 8_000_000, maxScalarBytes: 64 << 10)

  /// Creates limits.
  public init(maxBytes: Int, maxDepth: Int, maxNodes: Int, maxScalarBytes: Int = 64 << 10) {
    self.maxBytes = maxBytes
    self.maxDepth = maxDepth
    self.maxNodes = maxNodes
    self.maxScalarBytes = maxScalarBytes
  }
}

/// One event of a streamed entry's value, as ``StreamedEntries/next(_:)`` is given it. Only
/// events with no tag and no anchor come this way (an entry with one is built as a document).
public enum StreamedEvent {
  /// A scalar: its bytes (valid during the call), whether it is plain, and where it is.
  case scalar(UnsafeBufferPointer<UInt8>, plain: Bool, range: SourceRange)
  /// A sequence starts; the range is its start event's.
  case sequenceStart(SourceRange)
  /// A mapping starts; the range is its start event's.
  case mappingStart(SourceRange)
  /// The innermost open collection ends here.
  case end(SourceLocation)
}

/// Takes the entries of a streamed mapping (``YAMLReader/read(_:limits:streaming:entries:)``).
///
/// Each entry whose key is a plain scalar is first offered straight from the parser's events
/// (``begin(key:range:)``, ``next(_:)``, ``finish()``): an entry of the usual shape is then
/// decoded without being built as a document at all. Whenever an event is not one the reader
/// can take that way (a tag, an anchor, an alias), or ``begin(key:range:)`` or ``next(_:)``
/// declines it, the entry's events so far are built as a document after all and the entry is
/// handed to ``decode(_:)`` when it ends, as every entry was before. A decoder declines
/// whatever it would report a problem for, so that problems are always found in the document.
public protocol StreamedEntries {
  /// An entry as the document would hold it.
  mutating func decode(_ pair: YAMLPair)
  /// An entry with this key starts (a plain scalar that is not null and not `<<`). Returns
  /// false to have it built and handed to `decode`. A key that repeats an earlier one of the
  /// mapping is not taken this way even when this returns true: it is reported and dropped.
  mutating func begin(key: String, range: SourceRange) -> Bool
  /// The next event of the entry's value. Returns false to decline the entry.
  mutating func next(_ event: StreamedEvent) -> Bool
  /// The entry's value ended, every event of it taken: keep what was decoded.
  mutating func finish()
}

/// Where the reader sends a streamed mapping's entries: ``StreamedEntries``' four calls on
/// one value, as closures, so that the reader itself is not generic (a generic reader was
/// not specialised across modules, and looked up type metadata for every event). A class, so
/// that holding it is one reference, not four closures each retained.
final class EntrySink {
  let decode: (YAMLPair) -> Void
  let begin: (String, SourceRange) -> Bool
  let next: (StreamedEvent) -> Bool
  let finish: () -> Void

  /// Each entry built as a document and handed to `consume`.
  init(consume: @escaping (YAMLPair) -> Void) {
    decode = consume
    begin = { _, _ in false }
    next = { _ in false }
    finish = {}
  }

  /// The calls of `entries`, which must outlive the sink.
  init<Entries: StreamedEntries>(_ entries: UnsafeMutablePointer<Entries>) {
    decode = { entries.pointee.decode($0) }
    begin = { entries.pointee.begin(key: $0, range: $1) }
    next = { entries.pointee.next($0) }
    finish = { entries.pointee.finish() }
  }
}

/// Reads one YAML document with libyaml's event API into a ``YAMLNode`` tree.
///
/// One pass over the events, with an explicit stack instead of recursion, so depth is bounded
/// by ``YAMLLimits/maxDepth`` and never by the process stack.
public enum YAMLReader {
  /// Reads `file`. Returns the root node when the file is well-formed, and every problem found.
  public static func read(
    _ file: SourceFile, limits: YAMLLimits = .default
  ) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
    read(file, limits: limits, pipelined: nil)
  }

  /// Files from this size up are parsed on a second thread while the document is built
  /// (``read(_:limits:pipelined:)``): below it, starting a thread costs more than it saves.
  static let pipelineBytes = 64 << 10

  /// Reads `file`, parsing on a second thread when `pipelined` says so (by default, from
  /// ``pipelineBytes`` up). Either way gives the same document and the same diagnostics.
  static func read(
    _ file: SourceFile, limits: YAMLLimits, pipelined: Bool?
  ) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
    if let refused = refusal(file, limits) { return (nil, [refused]) }
    var builder = Builder(file: file, limits: limits, streamKey: nil, entries: nil)
    builder.run(pipelined: pipelined ?? (file.bytes.count >= pipelineBytes))
    return builder.result
  }

  /// Why a file is not read at all: too large, or UTF-16.
  static func refusal(_ file: SourceFile, _ limits: YAMLLimits) -> Diagnostic? {
    // Locations keep byte offsets in 32 bits: no limit goes past that.
    let maxBytes = min(limits.maxBytes, Int(UInt32.max))
    if file.bytes.count > maxBytes {
      return Diagnostic(
        DiagnosticCatalog.fileTooLarge,
        message: "file is larger than the limit of \(maxBytes) bytes",
        file: file.path, range: .fileStart,
        help: "raise the limit with --max-file-size if the file is meant to be this large")
    }
    if file.bytes.starts(with: [0xFF, 0xFE]) || file.bytes.starts(with: [0xFE, 0xFF]) {
      return Diagnostic(
        DiagnosticCatalog.invalidEncoding, message: "file is UTF-16, not UTF-8",
        file: file.path, range: .fileStart, help: "save the file as UTF-8")
    }
    return nil
  }

  /// Reads `file` as ``read(_:limits:)`` does, and hands each entry of one mapping to
  /// `consume` as soon as it ends, instead of keeping it in the document: the mapping that is
  /// the value of the root mapping's first key `streamKey` (an estate's 50,000 apps are most
  /// of its nodes; the document then never holds them).
  ///
  /// The entries are those the document would hold, in its order: a repeated key is reported
  /// and dropped (the first one stays), and entries merged in with `<<` come after the mapping's
  /// own, unless their key is already there. In the document the mapping has no entries, and
  /// ``YAMLNode/isStreamedMapping`` is true for it. Nothing is streamed when the mapping has
  /// an anchor (an alias could copy it), or when the value is not a mapping written there.
  /// An entry that defines an anchor stays in the document (an alias later may copy part of
  /// it); the others are dropped once consumed. `consume` may be called for entries of a
  /// file that then fails to read: use what it gathered only when a root is returned.
  public static func read(
    _ file: SourceFile, limits: YAMLLimits = .default, streaming streamKey: String,
    consume: (YAMLPair) -> Void
  ) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
    read(file, limits: limits, streaming: streamKey, pipelined: nil, consume: consume)
  }

  /// Reads as ``read(_:limits:streaming:consume:)`` does, parsing on a second thread when
  /// `pipelined` says so (``read(_:limits:pipelined:)``).
  static func read(
    _ file: SourceFile, limits: YAMLLimits, streaming streamKey: String, pipelined: Bool?,
    consume: (YAMLPair) -> Void
  ) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
    if let refused = refusal(file, limits) { return (nil, [refused]) }
    return withoutActuallyEscaping(consume) { consume in
      var builder = Builder(file: file, limits: limits, streamKey: streamKey, entries: EntrySink(consume: consume))
      builder.run(pipelined: pipelined ?? (file.bytes.count >= pipelineBytes))
      return builder.result
    }
  }

  /// Reads as ``read(_:limits:streaming:consume:)`` does, with the entries given to `entries`:
  /// straight from the parser's events where it takes them, as a document otherwise
  /// (``StreamedEntries``). Use what it gathered only when a root is returned.
  public static func read<Entries: StreamedEntries>(
    _ file: SourceFile, limits: YAMLLimits = .default, streaming streamKey: String, entries: inout Entries
  ) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
    read(file, limits: limits, streaming: streamKey, pipelined: nil, entries: &entries)
  }

  /// Reads as ``read(_:limits:streaming:entries:)`` does, parsing on a second thread when
  /// `pipelined` says so (``read(_:limits:pipelined:)``).
  static func read<Entries: StreamedEntries>(
    _ file: SourceFile, limits: YAMLLimits, streaming streamKey: String, pipelined: Bool?, entries: inout Entries
  ) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
    if let refused = refusal(file, limits) { return (nil, [refused]) }
    return withUnsafeMutablePointer(to: &entries) { entries in
      var builder = Builder(file: file, limits: limits, streamKey: streamKey, entries: EntrySink(entries))
      builder.run(pipelined: pipelined ?? (file.bytes.count >= pipelineBytes))
      return builder.result
    }
  }
}

/// Converts libyaml marks (0-based line and column, column in characters) to locations,
/// walking forward from the last answer so a long line costs linear time overall.
private struct MarkConverter {
  let file: SourceFile
  var line = 1
  var column = 1
  var offset = 0

  init(file: SourceFile) { self.file = file }

  mutating func location(_ mark: yaml_mark_t) -> SourceLocation {
    let l = Int(mark.line) + 1
    let c = Int(mark.column) + 1
    if file.isASCII {
      // libyaml counts characters in `index`, and in an ASCII file a character is a byte.
      let location = SourceLocation(line: l, column: c, offset: Int(mark.index))
      assert(location == file.location(line: l, column: c), "libyaml's index is the byte offset")
      return location
    }
    if l == line, c >= column {
      var i = offset
      var remaining = c - column
      let bytes = file.bytes
      while remaining > 0, i < bytes.count {
        i += 1
        while i < bytes.count, bytes[i] & 0xC0 == 0x80 { i += 1 }
        remaining -= 1
      }
      column = c
      offset = i
    } else {
      let loc = file.location(line: l, column: c)
      (line, column, offset) = (l, c, loc.offset)
    }
    return SourceLocation(line: line, column: column, offset: offset)
  }
}

/// The tags a topology may use: the core schema's, spelled out, and `!`.
private enum Tags {
  static let allowed: Set<String> = [
    "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge",
  ]
}

private struct Builder {
  let file: SourceFile
  let limits: YAMLLimits
  var diagnostics: [Diagnostic] = []
  var marks: MarkConverter
  /// The document as it is read: nodes in the order they end, children of finished
  /// collections, scalar texts (see ``YAMLDocument``).
  var nodes: [YAMLDocument.Stored] = []
  var children: [UInt32] = []
  var scalars: [String] = []
  /// The children read so far of every open collection, innermost last.
  var pending: [UInt32] = []
  var root: UInt32?
  var anchors: [String: (id: UInt32, size: Int)] = [:]
  var stack: [Frame] = []
  var expandedNodes = 0
  /// Whether an alias was seen (for the wording of the node limit).
  var sawAlias = false
  var documents = 0
  /// How many anchors were defined so far.
  var anchorsDefined = 0

  /// Streaming (``YAMLReader/read(_:limits:streaming:entries:)``): the root key whose
  /// mapping's entries go to `entries`.
  let streamKey: String?
  let entries: EntrySink?
  /// The streamed entry being read straight into `entries`, if any: its key, the events
  /// taken so far (built into the document if it is declined after all), how many of its
  /// value's collections are open, and how many nodes it counted.
  var direct: (key: String, range: SourceRange)?
  var directEvents: [DirectEvent] = []
  var directDepth = 0
  var directNodes = 0

  /// An event taken straight into `entries`, kept until its entry ends.
  enum DirectEvent {
    /// A scalar: its bytes in the file (a plain scalar written on one line is its source),
    /// or its text.
    case source(Range<Int>, plain: Bool, range: SourceRange)
    case text(String, plain: Bool, range: SourceRange)
    case start(isMapping: Bool, at: SourceLocation)
    case end(SourceLocation)
  }
  var streamStarted = false
  /// The streamed mapping's keys so far, each with its place in `streamRanges` (where it was
  /// written, said when a repeat is dropped).
  var streamSeen: [String: Int32] = [:]
  var streamRanges: [SourceRange] = []
  /// The streamed mapping's repeated keys, reported when it ends (as a mapping's are: one
  /// that never ends, cut short by a syntax error, reports none).
  var streamRepeats: [Diagnostic] = []
  /// Where the streamed entry being read starts in each array, and the anchors defined then.
  var streamMark = (nodes: 0, scalars: 0, children: 0, anchors: 0)
  /// How many of the streamed mapping's children stay in `pending`: its merge keys and their
  /// values, applied when it ends.
  var streamKept = 0
  /// The streamed mapping, once it ended.
  var streamedID: UInt32?

  struct Frame {
    var isMapping: Bool
    var start: SourceLocation
    var anchor: String?
    /// Where the collection's children start in `pending`.
    var base: Int
    var size = 1
    /// Whether this is the streamed mapping.
    var streaming = false
  }

  init(file: SourceFile, limits: YAMLLimits, streamKey: String?, entries: EntrySink?) {
    self.file = file
    self.limits = limits
    self.streamKey = streamKey
    self.entries = entries
    self.marks = MarkConverter(file: file)
    // Reserved from the file's size, so that the arrays of a large file do not grow by
    // copying (each copy touched a new buffer and held two at once). A topology written in
    // block style takes about nine bytes per node (a generated estate: 4.4 MB, 476,000 nodes);
    // a quarter of the byte count covers dense flow style too, and the node limit caps it.
    // A file denser than that still reads: the arrays grow as before. Reserved pages that are
    // never written are never touched, so memory in use is what the document holds.
    let estimate = min(file.bytes.count / 4, limits.maxNodes) + 16
    nodes.reserveCapacity(estimate)
    scalars.reserveCapacity(estimate)
    children.reserveCapacity(estimate)
  }

  /// The document read, when there is one.
  var document: YAMLDocument? {
    root.map {
      YAMLDocument(nodes: nodes, children: children, scalars: scalars, root: $0, streamedMapping: streamedID)
    }
  }

  /// The root and every problem. Duplicate keys are reported but not fatal: the first key
  /// wins and decoding goes on, so one run reports every problem. Any other error leaves no
  /// usable tree.
  var result: (root: YAMLNode?, diagnostics: [Diagnostic]) {
    let fatal = diagnostics.contains { $0.code != DiagnosticCatalog.duplicateKey.code }
    return (fatal ? nil : document?.root, diagnostics)
  }

  mutating func error(
    _ entry: DiagnosticCatalog.Entry, _ message: String, _ range: SourceRange,
    label: String? = nil, related: [RelatedLocation] = [], notes: [String] = [], help: String? = nil
  ) {
    diagnostics.append(
      Diagnostic(
        entry, message: message, file: file.path, range: range, label: label, related: related,
        notes: notes, help: help))
  }

  mutating func run(pipelined: Bool) {
    // libyaml keeps a pointer to the parser inside the parser: it must never move.
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    guard yaml_parser_initialize(parser) == 1 else {
      error(DiagnosticCatalog.yamlSyntax, "libyaml could not allocate a parser", .fileStart)
      return
    }
    defer { yaml_parser_delete(parser) }
    // Read in place: libyaml takes the input as const (a mutable buffer copied the file).
    file.bytes.withUnsafeBufferPointer { buffer in
      yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
      yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
      var event = yaml_event_t()
      // libyaml parses on a second thread while this one builds: the same events, in order.
      // The pipe deletes them (on the thread that made them).
      if pipelined, let pipe = quorate_pipe_start(parser) {
        while true {
          let status = quorate_pipe_next(pipe, &event)
          guard status == 1 else {
            quorate_pipe_finish(pipe)
            // The producer is done: the parser, and the problem it holds, are this thread's.
            if status < 0 { reportParserError(parser.pointee) }
            return
          }
          let keepGoing = handle(&event)
          let type = event.type
          if !keepGoing || type == YAML_STREAM_END_EVENT {
            quorate_pipe_finish(pipe)
            return
          }
        }
      }
      while true {
        guard yaml_parser_parse(parser, &event) == 1 else {
          reportParserError(parser.pointee)
          return
        }
        let keepGoing = handle(&event)
        let type = event.type
        yaml_event_delete(&event)
        if !keepGoing || type == YAML_STREAM_END_EVENT { return }
      }
    }
    if documents == 0 && !diagnostics.hasErrors {
      error(DiagnosticCatalog.emptyDocument, "file holds no YAML document", .fileStart)
    }
  }

  mutating func reportParserError(_ p: yaml_parser_t) {
    let problem = p.problem.map { String(cString: $0) } ?? "unknown problem"
    if p.error == YAML_READER_ERROR {
      let loc = file.location(ofByteOffset: Int(p.problem_offset))
      let range = SourceRange(start: loc, end: loc)
      var message = problem
      if p.problem_value != -1 {
        let hex = String(UInt32(bitPattern: p.problem_value), radix: 16, uppercase: true)
        message += " (byte 0x\(hex))"
      }
      error(DiagnosticCatalog.invalidEncoding, message, range)
      return
    }
    if p.error == YAML_MEMORY_ERROR {
      error(DiagnosticCatalog.yamlSyntax, "libyaml ran out of memory", .fileStart)
      return
    }
    let loc = marks.location(p.problem_mark)
    var related: [RelatedLocation] = []
    if let context = p.context {
      let cloc = marks.location(p.context_mark)
      related.append(
        RelatedLocation(
          message: String(cString: context), file: file.path,
          range: SourceRange(start: cloc, end: cloc)))
    }
    var help: String?
    let atTab = loc.offset < file.bytes.count && file.bytes[loc.offset] == 0x09
    if problem.contains("tab") || atTab {
      help = "indent with spaces; YAML does not allow tabs for indentation"
    } else if problem.contains("did not find expected key") {
      help = "check the indentation of this line against its siblings"
    } else if problem.contains("could not find expected ':'") {
      help = "a key needs a ':' after it; check for an unclosed quote or bracket before this"
    }
    // libyaml stops at the first syntax error: say so, rather than let "1 error" suggest the
    // rest of the file is fine.
    error(
      DiagnosticCatalog.yamlSyntax, problem, SourceRange(start: loc, end: loc), related: related,
      notes: ["fix this first: YAML reading stops at a syntax error, so the rest of the file was not checked"],
      help: help)
  }

  func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
  }

  /// Handles one event; returns false to stop reading.
  mutating func handle(_ event: inout yaml_event_t) -> Bool {
    let start = marks.location(event.start_mark)
    if direct != nil { return handleDirect(&event, start) }
    switch event.type {
    case YAML_DOCUMENT_START_EVENT:
      documents += 1
      if documents > 1 {
        error(
          DiagnosticCatalog.multipleDocuments, "a second YAML document starts here",
          SourceRange(start: start, end: marks.location(event.end_mark)))
        return false
      }
      return true
    case YAML_SCALAR_EVENT:
      let s = event.data.scalar
      let end = marks.location(event.end_mark)
      let range = SourceRange(start: start, end: end)
      let text = UnsafeBufferPointer(start: s.value, count: s.value == nil ? 0 : Int(s.length))
      if s.tag == nil, s.anchor == nil, s.style == YAML_PLAIN_SCALAR_STYLE, awaitsStreamedKey,
        text.count <= limits.maxScalarBytes, let handled = beginDirect(text, range)
      {
        return handled
      }
      let tag = string(s.tag)
      guard checkTag(tag, range) else { return false }
      if Int(s.length) > limits.maxScalarBytes {
        error(
          DiagnosticCatalog.scalarTooLong,
          "a scalar of \(Int(s.length)) bytes is longer than the limit of \(limits.maxScalarBytes) bytes", range,
          help: "check that this value belongs here, or raise the limit with --max-scalar-length")
        return false
      }
      let plain =
        s.style == YAML_PLAIN_SCALAR_STYLE
        && (tag == nil || tag == "tag:yaml.org,2002:merge" || tag == "tag:yaml.org,2002:int"
          || tag == "tag:yaml.org,2002:float" || tag == "tag:yaml.org,2002:null"
          || tag == "tag:yaml.org,2002:bool")
      guard count(1, range) else { return false }
      return scalar(text, plain: plain, range: range, anchor: string(s.anchor))
    case YAML_ALIAS_EVENT:
      sawAlias = true
      let name = string(event.data.alias.anchor) ?? ""
      let range = SourceRange(start: start, end: marks.location(event.end_mark))
      guard let target = anchors[name] else {
        error(
          DiagnosticCatalog.undefinedAlias, "alias '*\(name)' refers to no anchor defined before it",
          range, label: "undefined alias")
        return false
      }
      // Counted at the node the alias copies, as every other node is counted where it is.
      guard count(target.size, nodes[Int(target.id)].range) else { return false }
      return attach(target.id, size: target.size, anchor: nil)
    case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
      let isMapping = event.type == YAML_MAPPING_START_EVENT
      let tag = string(isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag)
      let range = SourceRange(start: start, end: marks.location(event.end_mark))
      guard checkTag(tag, range) else { return false }
      guard deepEnough(range), count(1, range) else { return false }
      let anchor = string(
        isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
      startCollection(isMapping: isMapping, at: start, anchor: anchor)
      return true
    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
      return endCollection(at: marks.location(event.end_mark))
    default:
      return true
    }
  }

  /// Reports and returns false when a collection starting here would nest too deep.
  mutating func deepEnough(_ range: SourceRange) -> Bool {
    guard stack.count >= limits.maxDepth else { return true }
    error(
      DiagnosticCatalog.nestingTooDeep,
      "collections nest more than \(limits.maxDepth) levels deep", range,
      help: "flatten the structure (a topology needs fewer than ten levels), or raise the limit with --max-depth")
    return false
  }

  /// Adds a scalar with these bytes to the document (the caller counted and checked it).
  mutating func scalar(_ text: UnsafeBufferPointer<UInt8>, plain: Bool, range: SourceRange, anchor: String?) -> Bool {
    scalars.append(String(decoding: text, as: UTF8.self))
    let kind: YAMLDocument.Kind = plain ? (YAMLDocument.isNull(text) ? .null : .plainScalar) : .textScalar
    let id = append(YAMLDocument.Stored(range: range, first: UInt32(scalars.count - 1), count: 0, kind: kind))
    return attach(id, size: 1, anchor: anchor)
  }

  /// Opens a collection starting at `start` (the caller counted and checked it).
  mutating func startCollection(isMapping: Bool, at start: SourceLocation, anchor: String?) {
    var frame = Frame(isMapping: isMapping, start: start, anchor: anchor, base: pending.count)
    if isMapping && anchor == nil && startsStream() {
      frame.streaming = true
      streamStarted = true
      // Room for the keys a mapping of what is left of the file can hold, at about 64 bytes
      // an entry (growing by doubling hashed every key again at each step).
      let room = min((file.bytes.count - start.offset) / 64, limits.maxNodes) + 16
      streamSeen.reserveCapacity(room)
      streamRanges.reserveCapacity(room)
      streamMark = (nodes.count, scalars.count, children.count, anchorsDefined)
    }
    stack.append(frame)
  }

  /// Closes the innermost collection, which ends at `end`.
  mutating func endCollection(at end: SourceLocation) -> Bool {
    guard let frame = stack.popLast() else { return true }
    let range = SourceRange(start: frame.start, end: end)
    let first = UInt32(children.count)
    if frame.isMapping {
      guard finishMapping(frame) else { return false }
    } else {
      children.append(contentsOf: pending[frame.base...])
    }
    pending.removeSubrange(frame.base...)
    let id = append(
      YAMLDocument.Stored(
        range: range, first: first, count: UInt32(children.count) - first,
        kind: frame.isMapping ? .mapping : .sequence))
    if frame.streaming { streamedID = id }
    return attach(id, size: frame.size, anchor: frame.anchor)
  }

  // MARK: Entries read straight from events

  /// Whether the next node is the key of a new entry of the streamed mapping, and there is
  /// someone to take entries straight from events.
  var awaitsStreamedKey: Bool {
    guard entries != nil, let top = stack.last, top.streaming else { return false }
    return pending.count - top.base - streamKept == 0
  }

  /// A streamed entry's key, a plain scalar with no tag or anchor: starts taking the entry
  /// straight from events when `entries` will, the key is neither null nor `<<`, and it does
  /// not repeat one. Returns nil to handle the key as usual, else whether to go on reading
  /// (false once the node limit is passed here: reported, and counted once).
  mutating func beginDirect(_ text: UnsafeBufferPointer<UInt8>, _ range: SourceRange) -> Bool? {
    guard let entries, !YAMLDocument.isNull(text), !text.elementsEqual("<<".utf8) else { return nil }
    let key = String(decoding: text, as: UTF8.self)
    guard entries.begin(key, range) else { return nil }
    // Recorded now (one hash); undone if the entry is declined, and the usual path records it.
    if let first = streamSeen.updateValue(Int32(streamRanges.count), forKey: key) {
      streamSeen[key] = first
      return nil
    }
    streamRanges.append(range)
    // The count comes after `entries` accepted the event, as it does below: when it fails,
    // reading stops and nothing `entries` gathered is used.
    guard count(1, range) else { return false }
    direct = (key, range)
    directEvents.removeAll(keepingCapacity: true)
    directEvents.append(recorded(text, plain: true, range: range))
    (directDepth, directNodes) = (0, 1)
    return true
  }

  /// Undoes the record of a key whose entry is not taken straight from events.
  mutating func forgetDirectKey(_ key: String) {
    streamSeen.removeValue(forKey: key)
    streamRanges.removeLast()
  }

  /// A scalar kept for a replay: where it is in the file when that is its text.
  func recorded(_ text: UnsafeBufferPointer<UInt8>, plain: Bool, range: SourceRange) -> DirectEvent {
    let (from, to) = (range.start.offset, range.end.offset)
    if to - from == text.count, to <= file.bytes.count,
      text.isEmpty
        || file.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress! + from, text.baseAddress!, text.count) == 0 })
    {
      return .source(from..<to, plain: plain, range: range)
    }
    return .text(String(decoding: text, as: UTF8.self), plain: plain, range: range)
  }

  /// An event of an entry taken straight from events: given to `entries`, counted, and kept
  /// until the entry ends. Anything with a tag or an anchor, an alias, a scalar too long, or
  /// a collection too deep declines the entry (the usual path then reports what is wrong).
  mutating func handleDirect(_ event: inout yaml_event_t, _ start: SourceLocation) -> Bool {
    guard let entries else { return declineDirect(&event) }
    switch event.type {
    case YAML_SCALAR_EVENT:
      let s = event.data.scalar
      let range = SourceRange(start: start, end: marks.location(event.end_mark))
      let text = UnsafeBufferPointer(start: s.value, count: s.value == nil ? 0 : Int(s.length))
      let plain = s.style == YAML_PLAIN_SCALAR_STYLE
      guard s.tag == nil, s.anchor == nil, text.count <= limits.maxScalarBytes,
        entries.next(.scalar(text, plain: plain, range: range))
      else { return declineDirect(&event) }
      guard count(1, range) else { return false }
      directEvents.append(recorded(text, plain: plain, range: range))
      directNodes += 1
      return directDepth == 0 ? finishDirect() : true
    case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
      let isMapping = event.type == YAML_MAPPING_START_EVENT
      let (tag, anchor) =
        isMapping
        ? (event.data.mapping_start.tag, event.data.mapping_start.anchor)
        : (event.data.sequence_start.tag, event.data.sequence_start.anchor)
      let range = SourceRange(start: start, end: marks.location(event.end_mark))
      guard tag == nil, anchor == nil, stack.count + directDepth < limits.maxDepth,
        entries.next(isMapping ? .mappingStart(range) : .sequenceStart(range))
      else { return declineDirect(&event) }
      guard count(1, range) else { return false }
      directEvents.append(.start(isMapping: isMapping, at: start))
      (directDepth, directNodes) = (directDepth + 1, directNodes + 1)
      return true
    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
      let end = marks.location(event.end_mark)
      guard entries.next(.end(end)) else { return declineDirect(&event) }
      directEvents.append(.end(end))
      directDepth -= 1
      return directDepth == 0 ? finishDirect() : true
    default:
      return declineDirect(&event)
    }
  }

  /// The entry's value ended with every event taken: `entries` keeps it, and the document
  /// never held it.
  mutating func finishDirect() -> Bool {
    entries?.finish()
    direct = nil
    let top = stack.count - 1
    stack[top].size = min(stack[top].size + directNodes, Int.max / 2)
    return true
  }

  /// The entry is not taken straight from events after all: its events so far are built into
  /// the document (they were counted and checked already), and this one is handled as usual.
  mutating func declineDirect(_ event: inout yaml_event_t) -> Bool {
    guard let (key, _) = direct else { return handle(&event) }
    direct = nil
    forgetDirectKey(key)
    let events = directEvents
    for e in events {
      switch e {
      case .source(let bytes, let plain, let range):
        let source = file.bytes
        let added = source.withUnsafeBufferPointer {
          scalar(UnsafeBufferPointer(rebasing: $0[bytes]), plain: plain, range: range, anchor: nil)
        }
        guard added else { return false }
      case .text(var text, let plain, let range):
        guard text.withUTF8({ scalar($0, plain: plain, range: range, anchor: nil) }) else { return false }
      case .start(let isMapping, let start):
        startCollection(isMapping: isMapping, at: start, anchor: nil)
      case .end(let end):
        guard endCollection(at: end) else { return false }
      }
    }
    return handle(&event)
  }

  mutating func checkTag(_ tag: String?, _ range: SourceRange) -> Bool {
    guard let tag, !Tags.allowed.contains(tag) else { return true }
    let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst(18) : tag
    error(DiagnosticCatalog.unknownTag, "unsupported tag '\(shown)'", range)
    return false
  }

  mutating func count(_ n: Int, _ range: SourceRange) -> Bool {
    expandedNodes = expandedNodes > limits.maxNodes ? expandedNodes : expandedNodes + n
    if expandedNodes > limits.maxNodes {
      error(
        DiagnosticCatalog.aliasExpansion,
        sawAlias
          ? "the document expands to more than \(limits.maxNodes) nodes when every alias counts as a copy"
          : "the document has more than \(limits.maxNodes) nodes", range,
        label: "limit passed here",
        help: sawAlias ? nil : "raise the limit with --max-nodes if the file is meant to be this large")
      return false
    }
    return true
  }

  /// Adds a finished node to the document; returns its id.
  mutating func append(_ node: YAMLDocument.Stored) -> UInt32 {
    nodes.append(node)
    return UInt32(nodes.count - 1)
  }

  /// Puts a finished node into its parent (or makes it the root).
  mutating func attach(_ id: UInt32, size: Int, anchor: String?) -> Bool {
    if let anchor {
      anchors[anchor] = (id, size)
      anchorsDefined += 1
    }
    guard !stack.isEmpty else {
      root = id
      return true
    }
    let top = stack.count - 1
    stack[top].size = min(stack[top].size + size, Int.max / 2)
    pending.append(id)
    if stack[top].streaming && pending.count - stack[top].base - streamKept == 2 { finishStreamedEntry() }
    return true
  }

  // MARK: Streaming

  /// Whether the mapping starting now is the one to stream: the value of the root mapping's
  /// first key `streamKey`, in the first document.
  func startsStream() -> Bool {
    guard let streamKey, !streamStarted, documents == 1, stack.count == 1, stack[0].isMapping else {
      return false
    }
    let base = stack[0].base
    guard (pending.count - base) % 2 == 1, hasKey(pending[pending.count - 1], streamKey) else { return false }
    // A later key of the same name is a repeat the root drops: only the first is streamed.
    return !stride(from: base, to: pending.count - 1, by: 2).contains { hasKey(pending[$0], streamKey) }
  }

  /// An entry of the streamed mapping ended: hand it over (unless its key repeats one), then
  /// drop its nodes (unless it defined an anchor). A merge key stays for the mapping's end.
  mutating func finishStreamedEntry() {
    let (key, value) = (pending[pending.count - 2], pending[pending.count - 1])
    if isMergeKey(key) {
      streamKept += 2
    } else {
      if let text = text(key) {
        if seeStreamed(text, at: nodes[Int(key)].range) { hand(key, value) }
      } else {
        hand(key, value)
      }
      pending.removeLast(2)
      if anchorsDefined == streamMark.anchors {
        nodes.removeSubrange(streamMark.nodes...)
        scalars.removeSubrange(streamMark.scalars...)
        children.removeSubrange(streamMark.children...)
      }
    }
    streamMark = (nodes.count, scalars.count, children.count, anchorsDefined)
  }

  /// Records a key of the streamed mapping; reports and returns false when it repeats one.
  /// One hash of the key for a new one (an estate's 50,000 app names).
  mutating func seeStreamed(_ key: String, at range: SourceRange) -> Bool {
    if let first = streamSeen.updateValue(Int32(streamRanges.count), forKey: key) {
      streamSeen[key] = first
      streamRepeats.append(duplicateDiagnostic(key, at: range, first: streamRanges[Int(first)]))
      return false
    }
    streamRanges.append(range)
    return true
  }

  /// Hands one entry to `consume`, through a document over the arrays as they are (shared, not
  /// copied; it is gone when `consume` returns, so dropping nodes after it copies nothing).
  func hand(_ key: UInt32, _ value: UInt32) {
    let document = YAMLDocument(nodes: nodes, children: children, scalars: scalars, root: value)
    entries?.decode(
      YAMLPair(key: YAMLNode(document: document, id: key), value: YAMLNode(document: document, id: value)))
  }

  /// The streamed mapping ended: what its merge keys bring that it does not have yet.
  mutating func finishStreamedMapping(_ frame: Frame) -> Bool {
    diagnostics += streamRepeats
    let merges = stride(from: frame.base + 1, to: pending.count, by: 2).map { pending[$0] }
    guard let merged = mergedPairs(merges) else { return false }
    for (k, value) in merged {
      guard let text = text(k), streamSeen[text] == nil else { continue }
      _ = seeStreamed(text, at: nodes[Int(k)].range)
      hand(k, value)
    }
    return true
  }

  /// The keys and values that merge keys' values bring (each a mapping, or a list of them),
  /// in order; reports and returns nil when one is not a mapping. Merges are rare: an array
  /// of pairs costs nothing that matters.
  mutating func mergedPairs(_ merges: [UInt32]) -> [(key: UInt32, value: UInt32)]? {
    var pairs: [(key: UInt32, value: UInt32)] = []
    for merge in merges {
      let node = nodes[Int(merge)]
      let sources =
        node.kind == .sequence ? Array(children[Int(node.first)..<Int(node.first + node.count)]) : [merge]
      for source in sources {
        let s = nodes[Int(source)]
        guard s.kind == .mapping else {
          error(
            DiagnosticCatalog.invalidMerge,
            "the merge key '<<' needs a mapping, found " + YAMLDocument.kindDescription(s), s.range)
          return nil
        }
        for at in stride(from: Int(s.first), to: Int(s.first + s.count), by: 2) {
          pairs.append((children[at], children[at + 1]))
        }
      }
    }
    return pairs
  }

  /// The text of a scalar node.
  func text(_ id: UInt32) -> String? { YAMLDocument.text(nodes[Int(id)], in: scalars) }

  /// `<<` as a plain scalar key: a merge.
  func isMergeKey(_ id: UInt32) -> Bool {
    let node = nodes[Int(id)]
    return node.kind == .plainScalar && scalars[Int(node.first)] == "<<"
  }

  /// Whether a node is the scalar `key` (``YAMLNode/sameKey(_:_:)``).
  func hasKey(_ id: UInt32, _ key: String) -> Bool {
    guard let k = text(id) else { return false }
    return YAMLNode.sameKey(k, key)
  }

  mutating func duplicate(_ key: String, at id: UInt32, first: UInt32) {
    duplicate(key, at: nodes[Int(id)].range, first: nodes[Int(first)].range)
  }

  mutating func duplicate(_ key: String, at range: SourceRange, first: SourceRange) {
    diagnostics.append(duplicateDiagnostic(key, at: range, first: first))
  }

  func duplicateDiagnostic(_ key: String, at range: SourceRange, first: SourceRange) -> Diagnostic {
    Diagnostic(
      DiagnosticCatalog.duplicateKey, message: "key '\(key)' appears twice in this mapping", file: file.path,
      range: range, label: "duplicate key",
      related: [RelatedLocation(message: "first defined here", file: file.path, range: first)])
  }

  /// Moves a finished mapping's keys and values from `pending` to `children`, applying merge
  /// keys and reporting repeated keys (the first one stays). Returns false on a bad merge.
  mutating func finishMapping(_ frame: Frame) -> Bool {
    if frame.streaming { return finishStreamedMapping(frame) }
    let base = frame.base
    let count = (pending.count - base) / 2
    func key(_ i: Int) -> UInt32 { pending[base + 2 * i] }
    var hasMerge = false
    for i in 0..<count where isMergeKey(key(i)) { hasMerge = true }
    if !hasMerge {
      // Duplicates are found by comparing with the earlier keys in a small mapping (most of a
      // topology's), and through a set of keys in a large one (the apps of an estate).
      var seen = Set<String>(minimumCapacity: count > 8 ? count : 0)
      for i in 0..<count {
        if let k = text(key(i)),
          count > 8 ? !seen.insert(k).inserted : (0..<i).contains(where: { hasKey(key($0), k) }),
          let j = (0..<i).first(where: { hasKey(key($0), k) })
        {
          duplicate(k, at: key(i), first: key(j))
          continue
        }
        children.append(key(i))
        children.append(pending[base + 2 * i + 1])
      }
      return true
    }
    var merges: [UInt32] = []
    var seen: [String: UInt32] = [:]
    for i in 0..<count {
      let k = key(i)
      let value = pending[base + 2 * i + 1]
      if isMergeKey(k) {
        merges.append(value)
        continue
      }
      if let text = text(k) {
        if let first = seen[text] {
          duplicate(text, at: k, first: first)
          continue
        }
        seen[text] = k
      }
      children.append(k)
      children.append(value)
    }
    guard let merged = mergedPairs(merges) else { return false }
    for (k, value) in merged {
      guard let text = text(k), seen[text] == nil else { continue }
      seen[text] = k
      children.append(k)
      children.append(value)
    }
    return true
  }
}
