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

/// Reads one YAML document with libyaml's event API into a ``YAMLNode`` tree.
///
/// One pass over the events, with an explicit stack instead of recursion, so depth is bounded
/// by ``YAMLLimits/maxDepth`` and never by the process stack.
public enum YAMLReader {
  /// Reads `file`. Returns the root node when the file is well-formed, and every problem found.
  public static func read(
    _ file: SourceFile, limits: YAMLLimits = .default
  ) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
    // Locations keep byte offsets in 32 bits: no limit goes past that.
    let maxBytes = min(limits.maxBytes, Int(UInt32.max))
    if file.bytes.count > maxBytes {
      return (
        nil,
        [
          Diagnostic(
            DiagnosticCatalog.fileTooLarge,
            message: "file is larger than the limit of \(maxBytes) bytes",
            file: file.path, range: .fileStart,
            help: "raise the limit with --max-file-size if the file is meant to be this large")
        ]
      )
    }
    if file.bytes.starts(with: [0xFF, 0xFE]) || file.bytes.starts(with: [0xFE, 0xFF]) {
      return (
        nil,
        [
          Diagnostic(
            DiagnosticCatalog.invalidEncoding, message: "file is UTF-16, not UTF-8",
            file: file.path, range: .fileStart, help: "save the file as UTF-8")
        ]
      )
    }
    var builder = Builder(file: file, limits: limits)
    builder.run()
    // Duplicate keys are reported but not fatal: the first key wins and decoding goes on, so
    // one run reports every problem. Any other error leaves no usable tree.
    let fatal = builder.diagnostics.contains { $0.code != DiagnosticCatalog.duplicateKey.code }
    return (fatal ? nil : builder.root, builder.diagnostics)
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
    if file.isASCII { return file.location(line: l, column: c) }
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

private struct Builder {
  let file: SourceFile
  let limits: YAMLLimits
  var diagnostics: [Diagnostic] = []
  var root: YAMLNode?
  var marks: MarkConverter
  var anchors: [String: (node: YAMLNode, size: Int)] = [:]
  var stack: [Frame] = []
  var expandedNodes = 0
  /// Whether an alias was seen (for the wording of the node limit).
  var sawAlias = false
  var documents = 0

  struct Frame {
    var isMapping: Bool
    var start: SourceLocation
    var anchor: String?
    var items: [YAMLNode] = []
    var pairs: [YAMLPair] = []
    var pendingKey: YAMLNode?
    var size = 1
  }

  static let allowedTags: Set<String> = [
    "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:merge",
  ]

  init(file: SourceFile, limits: YAMLLimits) {
    self.file = file
    self.limits = limits
    self.marks = MarkConverter(file: file)
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

  mutating func run() {
    // libyaml keeps a pointer to the parser inside the parser: it must never move.
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    guard yaml_parser_initialize(parser) == 1 else {
      error(DiagnosticCatalog.yamlSyntax, "libyaml could not allocate a parser", .fileStart)
      return
    }
    defer { yaml_parser_delete(parser) }
    var input = file.bytes
    input.withUnsafeMutableBufferPointer { buffer in
      yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
      yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
      var event = yaml_event_t()
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
      let tag = string(s.tag)
      guard checkTag(tag, range) else { return false }
      if Int(s.length) > limits.maxScalarBytes {
        error(
          DiagnosticCatalog.scalarTooLong,
          "a scalar of \(Int(s.length)) bytes is longer than the limit of \(limits.maxScalarBytes) bytes", range,
          help: "check that this value belongs here, or raise the limit with --max-scalar-length")
        return false
      }
      let value =
        s.value.map {
          String(decoding: UnsafeBufferPointer(start: $0, count: Int(s.length)), as: UTF8.self)
        } ?? ""
      let plain =
        s.style == YAML_PLAIN_SCALAR_STYLE
        && (tag == nil || tag == "tag:yaml.org,2002:merge" || tag == "tag:yaml.org,2002:int"
          || tag == "tag:yaml.org,2002:float" || tag == "tag:yaml.org,2002:null"
          || tag == "tag:yaml.org,2002:bool")
      let node = YAMLNode(content: .scalar(value, plain: plain), range: range)
      return add(node, size: 1, anchor: string(s.anchor))
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
      return add(target.node, size: target.size, anchor: nil)
    case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
      let isMapping = event.type == YAML_MAPPING_START_EVENT
      let tag = string(isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag)
      let range = SourceRange(start: start, end: marks.location(event.end_mark))
      guard checkTag(tag, range) else { return false }
      if stack.count >= limits.maxDepth {
        error(
          DiagnosticCatalog.nestingTooDeep,
          "collections nest more than \(limits.maxDepth) levels deep", range,
          help: "flatten the structure (a topology needs fewer than ten levels), or raise the limit with --max-depth")
        return false
      }
      guard count(1, range) else { return false }
      let anchor = string(
        isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
      stack.append(Frame(isMapping: isMapping, start: start, anchor: anchor))
      return true
    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
      guard var frame = stack.popLast() else { return true }
      let range = SourceRange(start: frame.start, end: marks.location(event.end_mark))
      let node: YAMLNode
      if frame.isMapping {
        guard let pairs = finishMapping(&frame) else { return false }
        node = YAMLNode(content: .mapping(pairs), range: range)
      } else {
        node = YAMLNode(content: .sequence(frame.items), range: range)
      }
      return attach(node, size: frame.size, anchor: frame.anchor)
    default:
      return true
    }
  }

  mutating func checkTag(_ tag: String?, _ range: SourceRange) -> Bool {
    guard let tag, !Self.allowedTags.contains(tag) else { return true }
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

  mutating func add(_ node: YAMLNode, size: Int, anchor: String?) -> Bool {
    guard count(size, node.range) else { return false }
    return attach(node, size: size, anchor: anchor)
  }

  /// Puts a finished node into its parent (or makes it the root).
  mutating func attach(_ node: YAMLNode, size: Int, anchor: String?) -> Bool {
    if let anchor { anchors[anchor] = (node, size) }
    guard !stack.isEmpty else {
      root = node
      return true
    }
    let top = stack.count - 1
    stack[top].size = min(stack[top].size + size, Int.max / 2)
    if stack[top].isMapping {
      // Moved out of the frame, not copied and then cleared.
      if let key = stack[top].pendingKey.take() {
        stack[top].pairs.append(YAMLPair(key: key, value: node))
      } else {
        stack[top].pendingKey = node
      }
    } else {
      stack[top].items.append(node)
    }
    return true
  }

  /// Applies merge keys and reports duplicated keys; returns the mapping's final pairs.
  mutating func finishMapping(_ frame: inout Frame) -> [YAMLPair]? {
    let pairs = frame.pairs
    // Without a merge key, the pairs are kept as they are unless a key repeats. Duplicates are
    // found by comparing with the earlier keys in a small mapping (most of a topology's), and
    // through a set of keys in a large one (the apps of an estate).
    if !pairs.contains(where: Self.isMergeKey) {
      var kept: [YAMLPair]?  // nil while every pair is kept
      var seen = Set<String>(minimumCapacity: pairs.count > 8 ? pairs.count : 0)
      for i in pairs.indices {
        if case .scalar(let key, _) = pairs[i].key.content,
          pairs.count > 8 ? !seen.insert(key).inserted : pairs[..<i].contains(where: { Self.hasKey($0, key) }),
          let j = pairs[..<i].firstIndex(where: { Self.hasKey($0, key) })
        {
          error(
            DiagnosticCatalog.duplicateKey, "key '\(key)' appears twice in this mapping",
            pairs[i].key.range, label: "duplicate key",
            related: [RelatedLocation(message: "first defined here", file: file.path, range: pairs[j].key.range)])
          if kept == nil { kept = Array(pairs[..<i]) }
          continue
        }
        kept?.append(pairs[i])
      }
      return kept ?? pairs
    }
    var explicit: [YAMLPair] = []
    var merges: [YAMLPair] = []
    var seen: [String: YAMLNode] = [:]
    for pair in frame.pairs {
      if Self.isMergeKey(pair) {
        merges.append(pair)
        continue
      }
      if let key = pair.key.scalar {
        if let first = seen[key] {
          error(
            DiagnosticCatalog.duplicateKey, "key '\(key)' appears twice in this mapping",
            pair.key.range, label: "duplicate key",
            related: [RelatedLocation(message: "first defined here", file: file.path, range: first.range)])
          continue
        }
        seen[key] = pair.key
      }
      explicit.append(pair)
    }
    for merge in merges {
      var sources: [YAMLNode] = []
      switch merge.value.content {
      case .mapping: sources = [merge.value]
      case .sequence(let items): sources = items
      case .scalar: sources = [merge.value]
      }
      for source in sources {
        guard case .mapping(let pairs) = source.content else {
          error(
            DiagnosticCatalog.invalidMerge,
            "the merge key '<<' needs a mapping, found "
              + source.kindDescription, source.range)
          return nil
        }
        for pair in pairs {
          guard let key = pair.key.scalar, seen[key] == nil else { continue }
          seen[key] = pair.key
          explicit.append(pair)
        }
      }
    }
    return explicit
  }

  /// `<<` as a plain scalar key: a merge.
  static func isMergeKey(_ pair: YAMLPair) -> Bool {
    if case .scalar(let key, true) = pair.key.content, key.utf8.count == 2, key == "<<" { return true }
    return false
  }

  /// Whether a pair's key is the scalar `key` (lengths first: most keys of a mapping differ
  /// in length, and comparing those costs nothing).
  static func hasKey(_ pair: YAMLPair, _ key: String) -> Bool {
    guard case .scalar(let k, _) = pair.key.content else { return false }
    return k.utf8.count == key.utf8.count && k == key
  }
}
