/// Renders diagnostics as text (a greppable header, the source line with an underline, notes
/// and help), JSON (the contract for scripts) and GitHub Actions workflow commands. One model,
/// several views.
public struct DiagnosticRenderer: Sendable {
  /// Whether to use ANSI colours (only on a terminal, never with `NO_COLOR`).
  public var color: Bool
  /// Source files by display path, for snippets.
  public var sources: [String: SourceFile]

  /// The widest source excerpt shown, in characters; longer lines are cut around the range.
  public static let maxSnippetWidth = 100

  /// Creates a renderer.
  public init(color: Bool = false, sources: [SourceFile] = []) {
    self.color = color
    var map: [String: SourceFile] = [:]
    for s in sources { map[s.path] = s }
    self.sources = map
  }

  private func paint(_ text: String, _ code: String) -> String {
    color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  private func severityCode(_ s: Severity) -> String {
    switch s {
    case .error: "1;31"
    case .warning: "1;33"
    case .note: "1;36"
    }
  }

  /// One diagnostic in the text format, ending in a newline.
  public func text(_ d: Diagnostic) -> String {
    let head = "\(d.severity.rawValue)[\(d.code)]"
    var out = "\(d.file):\(d.range.start.line):\(d.range.start.column): "
    out += paint(head, severityCode(d.severity)) + ": " + paint(d.message, "1") + "\n"
    // Notes line up with the snippet's gutter bar: `12 |` above `   = note`.
    let indent = String(repeating: " ", count: String(d.range.start.line).count + 1)
    if let source = sources[d.file], d.range.start.line <= source.lineCount {
      out += snippet(source, d.range, label: d.label, severity: d.severity)
    }
    for r in d.related {
      out += "\(indent)= note: \(r.message) at \(r.file):\(r.range.start.line):\(r.range.start.column)\n"
    }
    for n in d.notes { out += "\(indent)= note: \(n)\n" }
    if let help = d.help { out += "\(indent)= " + paint("help", "1;32") + ": \(help)\n" }
    return out
  }

  /// A character as a snippet shows it: tabs as one space, other non-printable characters
  /// (controls, NUL, DEL, C1) as U+FFFD, so the terminal gets no raw control bytes and the
  /// underline, counted in characters, still lines up.
  static func printable(_ c: Unicode.Scalar) -> Unicode.Scalar {
    if c == "\t" { return " " }
    if c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029 {
      return "\u{FFFD}"
    }
    return c
  }

  private func snippet(
    _ source: SourceFile, _ range: SourceRange, label: String?, severity: Severity
  ) -> String {
    let lineNumber = range.start.line
    let gutter = String(lineNumber)
    let pad = String(repeating: " ", count: gutter.count)
    // Work on a window of the line's bytes around the range, never the whole line, so a
    // diagnostic costs at most its window however long the line is.
    let lineStart = source.lineStarts[lineNumber - 1]
    let lineEnd = source.lineEnds[lineNumber - 1]
    let at = min(max(range.start.offset, lineStart), lineEnd)
    var from = max(lineStart, at - 4 * 40)
    var to = min(lineEnd, at + 4 * Self.maxSnippetWidth)
    // Move to character boundaries (never inside a UTF-8 sequence).
    while from > lineStart && from < source.bytes.count && (source.bytes[from] & 0xC0) == 0x80 { from -= 1 }
    while to < lineEnd && (source.bytes[to] & 0xC0) == 0x80 { to += 1 }
    let before = String(decoding: source.bytes[from..<at], as: UTF8.self).unicodeScalars.map(Self.printable)
    let after = String(decoding: source.bytes[at..<to], as: UTF8.self).unicodeScalars.map(Self.printable)
    // At most 40 characters before the range, and a line of at most maxSnippetWidth.
    let lead = before.suffix(40)
    let cutBefore = from > lineStart || lead.count < before.count
    let rangeLength: Int
    if range.end.line == lineNumber {
      rangeLength = max(1, range.end.column - range.start.column)
    } else {
      rangeLength = max(1, after.count)
    }
    let room = Self.maxSnippetWidth - lead.count
    let tail = after.prefix(room)
    let cutAfter = to < lineEnd || tail.count < after.count
    var shown = String(String.UnicodeScalarView(lead)) + String(String.UnicodeScalarView(tail))
    var caretStart = lead.count
    if cutBefore {
      shown = "…" + shown
      caretStart += 1
    }
    if cutAfter { shown += "…" }
    let caretLength = max(1, min(rangeLength, tail.count))
    var underline = String(repeating: " ", count: caretStart)
    underline += paint(String(repeating: "^", count: caretLength), severityCode(severity))
    if let label { underline += " " + label }
    var out = "\(pad) |\n"
    out += "\(gutter) | \(shown)\n"
    out += "\(pad) | \(underline)\n"
    return out
  }

  /// The most diagnostics of one code in one file the text and GitHub formats show; the rest
  /// are counted in one line ("and 262,140 more ..."). JSON lists every one.
  public static let maxPerCode = 20

  /// Diagnostics to show, and per (file, code) how many were left out.
  static func capped(_ diagnostics: [Diagnostic]) -> (
    shown: [Diagnostic], omitted: [(file: String, code: String, count: Int)]
  ) {
    var seen: [String: Int] = [:]
    var shown: [Diagnostic] = []
    var omittedOrder: [String] = []
    var omitted: [String: (String, String, Int)] = [:]
    for d in diagnostics.sortedByPosition() {
      let key = d.file + "\u{0}" + d.code
      let n = seen[key, default: 0]
      seen[key] = n + 1
      if n < maxPerCode {
        shown.append(d)
      } else {
        if omitted[key] == nil { omittedOrder.append(key) }
        omitted[key, default: (d.file, d.code, 0)].2 += 1
      }
    }
    return (shown, omittedOrder.compactMap { omitted[$0] }.map { ($0.0, $0.1, $0.2) })
  }

  /// All diagnostics in the text format, followed by a summary line. At most
  /// ``maxPerCode`` of one code in one file are shown; a line counts the rest.
  public func text(_ diagnostics: [Diagnostic], summary: Bool = true) -> String {
    var out = ""
    let (shown, omitted) = Self.capped(diagnostics)
    for d in shown { out += text(d) + "\n" }
    for o in omitted {
      let title = DiagnosticCatalog.entry(for: o.code)?.title ?? ""
      out += "\(o.file): and \(o.count) more \(o.code) (\(title)) not shown; --format json lists every one\n\n"
    }
    if summary { out += Self.summary(diagnostics) + "\n" }
    return out
  }

  /// "2 errors, 1 warning" style summary; files that could not be read are counted after it, so
  /// a run that read nothing never reads as clean.
  public static func summary(_ diagnostics: [Diagnostic], unreadable: Int = 0) -> String {
    let e = diagnostics.count(.error)
    let w = diagnostics.count(.warning)
    var line = "\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s")"
    if unreadable > 0 { line += "; \(unreadable) file\(unreadable == 1 ? "" : "s") could not be read" }
    return line
  }

  /// One diagnostic as a JSON object with the contract's fields first.
  public static func json(_ d: Diagnostic) -> JSONValue {
    var pairs: [(String, JSONValue)] = [
      ("severity", .string(d.severity.rawValue)),
      ("code", .string(d.code)),
      ("message", .string(d.message)),
      ("file", .string(d.file)),
      ("line", .int(d.range.start.line)),
      ("column", .int(d.range.start.column)),
      ("endLine", .int(d.range.end.line)),
      ("endColumn", .int(d.range.end.column)),
    ]
    pairs.append(("path", .optional(d.path)))
    pairs.append(("label", .optional(d.label)))
    pairs.append(("help", .optional(d.help)))
    pairs.append(("notes", .strings(d.notes)))
    pairs.append(
      (
        "related",
        .array(
          d.related.map {
            .object([
              ("message", .string($0.message)), ("file", .string($0.file)),
              ("line", .int($0.range.start.line)), ("column", .int($0.range.start.column)),
            ])
          })
      ))
    return .object(pairs)
  }

  /// The `check --format json` document.
  /// `unreadable` lists the files named that could not be read (each also reported on standard
  /// error); `files` lists the ones checked.
  public static func jsonDocument(
    _ diagnostics: [Diagnostic], files: [String], unreadable: [String] = [], pretty: Bool = true
  ) -> String {
    let sorted = diagnostics.sortedByPosition()
    let doc = JSONValue.object([
      ("diagnostics", .array(sorted.map(json))),
      (
        "summary",
        .object([
          ("errors", .int(diagnostics.count(.error))),
          ("warnings", .int(diagnostics.count(.warning))),
          ("files", .strings(files)),
          ("unreadable", .strings(unreadable)),
        ])
      ),
    ])
    return doc.rendered(pretty: pretty) + "\n"
  }

  /// GitHub Actions workflow commands, one line a diagnostic.
  public static func github(_ diagnostics: [Diagnostic]) -> String {
    func escapeData(_ s: String) -> String {
      s.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }
    func escapeProperty(_ s: String) -> String {
      escapeData(s).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }
    var out = ""
    for d in capped(diagnostics).shown {
      let kind = d.severity == .error ? "error" : (d.severity == .warning ? "warning" : "notice")
      var props = "file=\(escapeProperty(d.file)),line=\(d.range.start.line),col=\(d.range.start.column)"
      if d.range.end.line >= d.range.start.line {
        props += ",endLine=\(d.range.end.line),endColumn=\(d.range.end.column)"
      }
      props += ",title=\(escapeProperty("\(d.code) \(d.message)"))"
      var body = "\(d.code): \(d.message)"
      if let help = d.help { body += "\nhelp: \(help)" }
      out += "::\(kind) \(props)::\(escapeData(body))\n"
    }
    return out
  }
}

extension String {
  /// Replaces every occurrence of `target` (no Foundation needed).
  public func replacingAll(_ target: String, _ replacement: String) -> String {
    // On UTF-8 bytes: a valid UTF-8 target only ever matches whole characters' bytes, and a
    // string without the target's first byte (the usual case when escaping) is returned as is.
    let t = Array(target.utf8)
    guard let first = t.first else { return self }
    var copy = self
    let replaced: String? = copy.withUTF8 { bytes in
      guard bytes.contains(first) else { return nil }
      var out: [UInt8] = []
      out.reserveCapacity(bytes.count + 16)
      var i = 0
      while i < bytes.count {
        if bytes[i] == first && i + t.count <= bytes.count
          && (t.count == 1 || bytes[i..<(i + t.count)].elementsEqual(t))
        {
          out.append(contentsOf: replacement.utf8)
          i += t.count
        } else {
          out.append(bytes[i])
          i += 1
        }
      }
      return String(decoding: out, as: UTF8.self)
    }
    return replaced ?? self
  }
}
