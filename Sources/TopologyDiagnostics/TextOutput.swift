/// Text a view writes in pieces, kept as UTF-8 bytes.
///
/// A view appends to it as it goes; the text is either collected whole (for a caller that wants
/// a `String`) or passed on to a sink every `threshold` bytes, so that a report of tens of
/// megabytes is never held, or copied, whole.
///
/// `out += "app '\(name)' (\(datacenter))\n"` does not build a `String`: the literal is a
/// ``Line``, which collects the UTF-8 bytes of the literal's parts and of its values, and is
/// copied into the buffer in one piece. Building each line as a `String` first, and then
/// appending it to a `String` buffer, cost more than everything else `connect` does after
/// the load.
public final class TextOutput {
  // The text so far: `count` bytes at `storage`, which has room for `capacity`. Kept here
  // rather than in an array: appending a short piece to an array (a uniqueness check, a
  // capacity check, a generic copy) cost about a hundred instructions, and a report makes a
  // million such writes. Written only by this class, one call at a time: no run-time
  // exclusivity check (which cost as much as the copy itself on every write).
  @exclusivity(unchecked) private var storage: UnsafeMutableRawPointer
  @exclusivity(unchecked) private var count = 0
  @exclusivity(unchecked) private var capacity: Int
  private let sink: ((UnsafeRawBufferPointer) -> Void)?
  private let threshold: Int

  /// Collects everything written; ``finish()`` returns it.
  public init() {
    self.sink = nil
    self.threshold = .max
    capacity = 4096
    storage = .allocate(byteCount: capacity, alignment: 16)
  }

  /// Passes text on to `sink` in pieces of at least `threshold` bytes (the last may be shorter).
  /// A piece always ends where a write ended, so it never splits a character. The bytes `sink`
  /// is given are valid only during the call.
  public init(threshold: Int = 1 << 18, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
    self.sink = sink
    self.threshold = max(1, threshold)
    capacity = min(self.threshold, 1 << 20) + 4096
    storage = .allocate(byteCount: capacity, alignment: 16)
  }

  deinit { storage.deallocate() }

  /// Appends bytes, making room first when needed.
  private func append(_ bytes: UnsafeRawBufferPointer) {
    guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
    if capacity - count < bytes.count { grow(toHold: count + bytes.count) }
    (storage + count).copyMemory(from: from, byteCount: bytes.count)
    count += bytes.count
  }

  private func grow(toHold needed: Int) {
    let larger = max(needed, capacity * 2)
    let moved = UnsafeMutableRawPointer.allocate(byteCount: larger, alignment: 16)
    moved.copyMemory(from: storage, byteCount: count)
    storage.deallocate()
    storage = moved
    capacity = larger
  }

  private var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }

  /// Appends text.
  public func write(_ text: String) {
    var text = text
    text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    flushIfFull()
  }

  /// Appends a literal piece of a line (`", "`, `"'"`): copied from the binary, where
  /// `out += "..."` would build a ``Line`` (an array) for it first. For the small pieces a
  /// line is assembled from, that array was most of the cost.
  public func write(literal text: StaticString) {
    if text.hasPointerRepresentation {
      append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
      flushIfFull()
    } else {
      write(String(text.unicodeScalar))
    }
  }

  /// Appends text already in UTF-8 (a piece rendered once and written many times).
  public func write(bytes: [UInt8]) {
    bytes.withUnsafeBytes { append($0) }
    flushIfFull()
  }

  /// The bytes collected so far, for a collecting output (one made with ``init()``).
  public var collected: [UInt8] { Array(written) }

  /// Appends a line (or any part of one) written as a string literal.
  public static func += (output: TextOutput, line: Line) {
    line.bytes.withUnsafeBytes { output.append($0) }
    output.flushIfFull()
  }

  static func append(_ text: StaticString, to bytes: inout [UInt8]) {
    guard text.utf8CodeUnitCount > 0 else { return }
    if text.hasPointerRepresentation {
      bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    } else {
      append(String(text.unicodeScalar), to: &bytes)
    }
  }

  static func append(_ text: String, to bytes: inout [UInt8]) {
    var text = text
    text.withUTF8 { bytes.append(contentsOf: $0) }
  }

  /// A decimal integer, written digit by digit (no `String` in between).
  static func append(_ n: Int, to bytes: inout [UInt8]) {
    if n < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = n.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var i = digits.count
      repeat {
        i -= 1
        digits[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      bytes.append(contentsOf: digits[i...])
    }
  }

  private func flushIfFull() {
    if let sink, count >= threshold {
      sink(written)
      count = 0
    }
  }

  /// Passes on what is left to the sink and returns nothing, or, when collecting, returns all of
  /// the text.
  @discardableResult
  public func finish() -> String {
    guard let sink else { return String(decoding: written, as: UTF8.self) }
    if count > 0 { sink(written) }
    count = 0
    return ""
  }

  /// A line of text written as a string literal, kept as its UTF-8 bytes until it is written.
  ///
  /// Its interpolated values are texts, whole numbers (written as decimal digits) or anything
  /// `CustomStringConvertible` (written as its `description`).
  public struct Line: ExpressibleByStringInterpolation {
    var bytes: [UInt8]

    public init(stringLiteral value: StaticString) {
      var interpolation = Interpolation(literalCapacity: value.utf8CodeUnitCount, interpolationCount: 0)
      interpolation.appendLiteral(value)
      bytes = interpolation.bytes
    }

    public init(stringInterpolation: Interpolation) {
      bytes = stringInterpolation.bytes
    }

    /// Collects the bytes of an interpolated literal.
    public struct Interpolation: StringInterpolationProtocol {
      public typealias StringLiteralType = StaticString
      var bytes: [UInt8] = []

      public init(literalCapacity: Int, interpolationCount: Int) {
        bytes.reserveCapacity(literalCapacity + 128 * interpolationCount)
      }

      public mutating func appendLiteral(_ literal: StaticString) {
        TextOutput.append(literal, to: &bytes)
      }

      public mutating func appendInterpolation(_ text: String) {
        TextOutput.append(text, to: &bytes)
      }

      public mutating func appendInterpolation(_ text: Substring) {
        TextOutput.append(String(text), to: &bytes)
      }

      public mutating func appendInterpolation(_ n: Int) {
        TextOutput.append(n, to: &bytes)
      }

      public mutating func appendInterpolation(_ value: some CustomStringConvertible) {
        TextOutput.append(value.description, to: &bytes)
      }
    }
  }
}
