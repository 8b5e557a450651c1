/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
  case note
  case warning
  case error

  private var rank: Int {
    switch self {
    case .note: 0
    case .warning: 1
    case .error: 2
    }
  }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// A secondary place that explains a diagnostic ("first defined here").
public struct RelatedLocation: Sendable, Hashable {
  /// A short fragment that says what is at that place.
  public var message: String
  /// The file that holds it.
  public var file: String
  /// Where it is.
  public var range: SourceRange

  /// Creates a related location.
  public init(message: String, file: String, range: SourceRange) {
    self.message = message
    self.file = file
    self.range = range
  }
}

/// One problem found in a topology file.
///
/// Diagnostics are values passed along the pipeline, never thrown. The message is one line in
/// lower case without a trailing period; the help says what to change.
public struct Diagnostic: Sendable, Hashable {
  /// Error, warning or note; `--strict` promotes warnings to errors at the exit-code level.
  public var severity: Severity
  /// The stable code from ``DiagnosticCatalog``.
  public var code: String
  /// What is wrong, one line.
  public var message: String
  /// The display path of the file.
  public var file: String
  /// The range the diagnostic points at.
  public var range: SourceRange
  /// A short label drawn under the range.
  public var label: String?
  /// Other places that explain the problem.
  public var related: [RelatedLocation]
  /// Extra facts worth knowing.
  public var notes: [String]
  /// What to do about it.
  public var help: String?
  /// The value path inside the topology (`ensembles.global.voters[2]`), when there is one.
  public var path: String?

  /// Creates a diagnostic.
  public init(
    _ severity: Severity, code: String, message: String, file: String, range: SourceRange,
    label: String? = nil, related: [RelatedLocation] = [], notes: [String] = [],
    help: String? = nil, path: String? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.file = file
    self.range = range
    self.label = label
    self.related = related
    self.notes = notes
    self.help = help
    self.path = path
  }

  /// Creates a diagnostic from a catalogue entry, with that entry's severity and code.
  public init(
    _ entry: DiagnosticCatalog.Entry, message: String, file: String, range: SourceRange,
    label: String? = nil, related: [RelatedLocation] = [], notes: [String] = [],
    help: String? = nil, path: String? = nil
  ) {
    self.init(
      entry.severity, code: entry.code, message: message, file: file, range: range,
      label: label, related: related, notes: notes, help: help ?? entry.fix, path: path)
  }
}

extension Array where Element == Diagnostic {
  /// Diagnostics sorted by file, position, then code, so output is deterministic.
  public func sortedByPosition() -> [Diagnostic] {
    enumerated().sorted { a, b in
      let (x, y) = (a.element, b.element)
      if x.file != y.file { return x.file < y.file }
      if x.range.start != y.range.start { return x.range.start < y.range.start }
      if x.code != y.code { return x.code < y.code }
      return a.offset < b.offset
    }.map(\.element)
  }

  /// Whether any diagnostic is an error.
  public var hasErrors: Bool { contains { $0.severity == .error } }

  /// The number of diagnostics of one severity.
  public func count(_ severity: Severity) -> Int { filter { $0.severity == severity }.count }
}
