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
    if let source = sources[d.file], d.range.start.line <= source.lineCount {
      out += snippet(source, d.range, label: d.label, severity: d.severity)
    }
    for r in d.related {
      out += "   = note: \(r.message) at \(r.file):\(r.range.start.line):\(r.range.start.column)\n"
    }
    for n in d.notes { out += "   = note: \(n)\n" }
    if let help = d.help { out += "   = " + paint("help", "1;32") + ": \(help)\n" }
    return out
  }

  private func snippet(
    _ source: SourceFile, _ range: SourceRange, label: String?, severity: Severity
  ) -> String {
    let lineNumber = range.start.line
    let gutter = String(lineNumber)
    let pad = String(repeating: " ", count: gutter.count)
    // Tabs are shown as one space so that the underline, counted in characters, lines up.
    let chars = Array(source.lineText(lineNumber).map { $0 == "\t" ? " " : $0 })
    let startCol = max(0, range.start.column - 1)
    var endCol: Int
    if range.end.line == lineNumber {
      endCol = max(startCol + 1, range.end.column - 1)
    } else {
      endCol = max(startCol + 1, chars.count)
    }
    endCol = min(endCol, max(chars.count, startCol + 1))
    // Cut long lines to a window around the start of the range.
    var windowStart = 0
    var windowEnd = chars.count
    if chars.count > Self.maxSnippetWidth {
      windowStart = max(0, startCol - 40)
      windowEnd = min(chars.count, windowStart + Self.maxSnippetWidth)
    }
    var shown = String(chars[windowStart..<windowEnd])
    var offset = 0
    if windowStart > 0 {
      shown = "…" + shown
      offset = 1
    }
    if windowEnd < chars.count { shown += "…" }
    let caretStart = startCol - windowStart + offset
    let caretLength = max(1, min(endCol, windowEnd) - startCol)
    var underline = String(repeating: " ", count: caretStart)
    underline += paint(String(repeating: "^", count: caretLength), severityCode(severity))
    if let label { underline += " " + label }
    var out = "\(pad) |\n"
    out += "\(gutter) | \(shown)\n"
    out += "\(pad) | \(underline)\n"
    return out
  }

  /// All diagnostics in the text format, followed by a summary line.
  public func text(_ diagnostics: [Diagnostic], summary: Bool = true) -> String {
    var out = ""
    for d in diagnostics.sortedByPosition() { out += text(d) + "\n" }
    if summary { out += Self.summary(diagnostics) + "\n" }
    return out
  }

  /// "2 errors, 1 warning" style summary.
  public static func summary(_ diagnostics: [Diagnostic]) -> String {
    let e = diagnostics.count(.error)
    let w = diagnostics.count(.warning)
    return "\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s")"
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
  public static func jsonDocument(_ diagnostics: [Diagnostic], files: [String]) -> String {
    let sorted = diagnostics.sortedByPosition()
    let doc = JSONValue.object([
      ("diagnostics", .array(sorted.map(json))),
      (
        "summary",
        .object([
          ("errors", .int(diagnostics.count(.error))),
          ("warnings", .int(diagnostics.count(.warning))),
          ("files", .strings(files)),
        ])
      ),
    ])
    return doc.rendered() + "\n"
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
    for d in diagnostics.sortedByPosition() {
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
    guard !target.isEmpty else { return self }
    var out = ""
    var rest = self[...]
    while let r = rest.firstRange(of: target) {
      out += rest[..<r.lowerBound]
      out += replacement
      rest = rest[r.upperBound...]
    }
    out += rest
    return out
  }
}
