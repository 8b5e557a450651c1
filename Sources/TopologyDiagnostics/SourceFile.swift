/// A position in a source file.
///
/// `line` and `column` are 1-based; `column` counts Unicode scalars (characters as libyaml counts
/// them, so `é` is one column). `offset` is the 0-based UTF-8 byte offset.
///
/// Every decoded value carries two of these, so they are kept in 32 bits each (12 bytes, not
/// 24): the largest file quorate reads (`--max-file-size`, at most 4294967295 bytes) fits.
public struct SourceLocation: Sendable, Hashable, Comparable {
  private var storedLine: UInt32
  private var storedColumn: UInt32
  private var storedOffset: UInt32

  /// The 1-based line number.
  public var line: Int {
    get { Int(storedLine) }
    set { storedLine = UInt32(clamping: newValue) }
  }
  /// The 1-based column, counted in Unicode scalars.
  public var column: Int {
    get { Int(storedColumn) }
    set { storedColumn = UInt32(clamping: newValue) }
  }
  /// The 0-based UTF-8 byte offset into the file.
  public var offset: Int {
    get { Int(storedOffset) }
    set { storedOffset = UInt32(clamping: newValue) }
  }

  /// Creates a location.
  public init(line: Int, column: Int, offset: Int) {
    self.storedLine = UInt32(clamping: line)
    self.storedColumn = UInt32(clamping: column)
    self.storedOffset = UInt32(clamping: offset)
  }

  public static func < (lhs: Self, rhs: Self) -> Bool {
    (lhs.line, lhs.column) < (rhs.line, rhs.column)
  }

  /// The start of a file.
  public static let start = SourceLocation(line: 1, column: 1, offset: 0)
}

/// A half-open range of source text: `start` inclusive, `end` exclusive.
public struct SourceRange: Sendable, Hashable {
  /// The first character of the range.
  public var start: SourceLocation
  /// The position just past the last character of the range.
  public var end: SourceLocation

  /// Creates a range.
  public init(start: SourceLocation, end: SourceLocation) {
    self.start = start
    self.end = end
  }

  /// An empty range at the start of a file.
  public static let fileStart = SourceRange(start: .start, end: .start)
}

/// A file's text with a line table that agrees with libyaml's idea of a line break.
///
/// libyaml breaks lines at LF, CR, CRLF, NEL (U+0085), LS (U+2028) and PS (U+2029); so does
/// this table, so that line numbers from libyaml marks and from byte offsets agree.
/// A leading UTF-8 byte order mark is dropped.
public struct SourceFile: Sendable {
  /// The name shown in diagnostics (`<stdin>` for standard input).
  public let path: String
  /// The file's bytes, without a UTF-8 byte order mark.
  public let bytes: [UInt8]
  /// Byte offsets at which each line starts; `lineStarts[0] == 0`.
  public let lineStarts: Offsets
  /// Byte offsets at which each line's text ends (before its line break).
  public let lineEnds: Offsets

  /// Byte offsets, kept in 32 bits (an estate of 206,000 lines held two arrays of 64-bit
  /// offsets). The reader refuses files past 4 GiB; past that an offset reads as 4 GiB.
  public struct Offsets: RandomAccessCollection, Sendable {
    let stored: [UInt32]

    init(_ offsets: [UInt32]) { stored = offsets }

    /// The first position.
    public var startIndex: Int { 0 }
    /// The position past the last offset.
    public var endIndex: Int { stored.count }
    /// The offset at `i`.
    public subscript(i: Int) -> Int { Int(stored[i]) }
  }
  /// Whether every byte is ASCII: then a column is a byte count, and a location is found
  /// without walking the line.
  public let isASCII: Bool

  /// Creates a source file from raw bytes.
  public init(path: String, bytes: [UInt8]) {
    self.path = path
    let body =
      bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    self.bytes = body
    var starts: [UInt32] = [0]
    var ends: [UInt32] = []
    var high: UInt8 = 0
    body.withUnsafeBufferPointer { body in
      var i = 0
      let n = body.count
      let base = UnsafeRawPointer(body.baseAddress)
      while i < n {
        // Most bytes are printable ASCII: skip them eight at a time, and look closer only at
        // control bytes (line breaks) and the lead bytes of multi-byte characters. A byte at
        // a time, the table cost 43 M instructions on a 4.3 MB estate, before libyaml starts
        // (now 28 M, most of it appending the offsets).
        while i + 8 <= n, let base {
          let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
          let flagged = Self.notPrintableASCII(word)
          // The lowest flagged byte is the first one to look at (see `notPrintableASCII`).
          guard flagged == 0 else {
            i += flagged.trailingZeroBitCount / 8
            break
          }
          i += 8
        }
        guard i < n else { break }
        let b = body[i]
        if b >= 0x20 && b < 0x80 {
          i += 1
          continue
        }
        high |= b
        var breakLength = 0
        if b == 0x0A {
          breakLength = 1
        } else if b == 0x0D {
          breakLength = (i + 1 < n && body[i + 1] == 0x0A) ? 2 : 1
        } else if b == 0xC2, i + 1 < n, body[i + 1] == 0x85 {
          breakLength = 2
        } else if b == 0xE2, i + 2 < n, body[i + 1] == 0x80,
          body[i + 2] == 0xA8 || body[i + 2] == 0xA9
        {
          breakLength = 3
        }
        if breakLength > 0 {
          ends.append(UInt32(clamping: i))
          i += breakLength
          starts.append(UInt32(clamping: i))
        } else {
          i += 1
        }
      }
      ends.append(UInt32(clamping: n))
    }
    self.lineStarts = Offsets(starts)
    self.lineEnds = Offsets(ends)
    // Every byte went into `high` but the tail of a multi-byte line break, whose lead byte did.
    self.isASCII = high < 0x80
  }

  /// The high bit of each of eight bytes (the first in the lowest bits) set where the byte is
  /// not printable ASCII (0x20 to 0x7F), or 0 when each one is. A byte with its high bit set is
  /// flagged by it; subtracting 0x20 from each byte borrows into the high bit of those below
  /// 0x20. A borrow also runs into the byte above, which may then be flagged wrongly, but only
  /// above one rightly flagged: the lowest flagged byte is always a right one.
  @inline(__always)
  static func notPrintableASCII(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    return (word | (word &- ones &* 0x20)) & (ones &* 0x80)
  }

  /// Creates a source file from text.
  public init(path: String, text: String) {
    self.init(path: path, bytes: Array(text.utf8))
  }

  /// The number of lines (a file without a trailing newline still has its last line).
  public var lineCount: Int { lineStarts.count }

  /// The 1-based line that contains a byte offset.
  public func line(containing offset: Int) -> Int {
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
    }
    return lo + 1
  }

  /// The location of a byte offset.
  public func location(ofByteOffset offset: Int) -> SourceLocation {
    let clamped = max(0, min(offset, bytes.count))
    let line = line(containing: clamped)
    let start = lineStarts[line - 1]
    var column = 1
    for i in start..<clamped where bytes[i] & 0xC0 != 0x80 { column += 1 }
    return SourceLocation(line: line, column: column, offset: clamped)
  }

  /// The location of a 1-based line and a 1-based column counted in Unicode scalars.
  public func location(line: Int, column: Int) -> SourceLocation {
    guard line >= 1, line <= lineStarts.count else {
      return SourceLocation(line: line, column: column, offset: bytes.count)
    }
    var i = lineStarts[line - 1]
    let end = lineEnds[line - 1]
    if isASCII { return SourceLocation(line: line, column: column, offset: min(i + max(column - 1, 0), end)) }
    var remaining = column - 1
    while remaining > 0, i < end {
      i += 1
      while i < end, bytes[i] & 0xC0 == 0x80 { i += 1 }
      remaining -= 1
    }
    return SourceLocation(line: line, column: column, offset: i)
  }

  /// The text of a 1-based line without its line break (invalid UTF-8 shown as U+FFFD).
  public func lineText(_ line: Int) -> String {
    guard line >= 1, line <= lineStarts.count else { return "" }
    return String(decoding: bytes[lineStarts[line - 1]..<lineEnds[line - 1]], as: UTF8.self)
  }
}
