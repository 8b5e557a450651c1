/// A JSON value whose objects keep their keys in insertion order, so output is deterministic
/// and reads in the order a person expects (`name` first).
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])
  /// An array whose elements are made one at a time, as it is written, and dropped once
  /// written: `matrix --format json` on an estate is thousands of scenarios of every app each,
  /// far more than fits in memory at once.
  case elements(JSONElements)

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    lhs.rendered(pretty: false) == rhs.rendered(pretty: false)
  }

  /// The value as JSON text; `pretty` indents by two spaces. No trailing newline.
  public func rendered(pretty: Bool = true) -> String {
    var writer = Writer(pretty: pretty, threshold: .max, sink: nil)
    writer.out.reserveCapacity(4096)
    writer.write(self, indent: 0)
    return String(decoding: writer.out, as: UTF8.self)
  }

  /// Writes the value as JSON text and a newline to `sink`, in pieces of at least `threshold`
  /// bytes (the last may be shorter), so that a hundred megabytes of JSON is never held whole.
  public func write(pretty: Bool, threshold: Int = 1 << 18, to sink: @escaping ([UInt8]) -> Void) {
    var writer = Writer(pretty: pretty, threshold: max(1, threshold), sink: sink)
    writer.write(self, indent: 0)
    writer.out.append(UInt8(ascii: "\n"))
    writer.flush()
  }

  /// Appends values as UTF-8 bytes: a byte buffer, never one Unicode scalar at a time, passed on
  /// whenever it passes the threshold.
  struct Writer {
    let pretty: Bool
    let threshold: Int
    let sink: (([UInt8]) -> Void)?
    var out: [UInt8] = []

    init(pretty: Bool, threshold: Int, sink: (([UInt8]) -> Void)?) {
      self.pretty = pretty
      self.threshold = threshold
      self.sink = sink
    }

    mutating func flush() {
      guard let sink, !out.isEmpty else { return }
      sink(out)
      out.removeAll(keepingCapacity: true)
    }

    mutating func write(_ value: JSONValue, indent: Int) {
      switch value {
      case .null: out.append(contentsOf: "null".utf8)
      case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
      case .int(let i): out.append(contentsOf: String(i).utf8)
      case .double(let d):
        if d.isFinite {
          out.append(contentsOf: (d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)").utf8)
        } else {
          out.append(contentsOf: "null".utf8)
        }
      case .string(let s): JSONValue.quote(s, into: &out)
      case .array(let items):
        if items.isEmpty {
          out.append(contentsOf: "[]".utf8)
          return
        }
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
          if i > 0 { out.append(UInt8(ascii: ",")) }
          if pretty { JSONValue.newline(&out, indent + 1) }
          write(item, indent: indent + 1)
          if out.count >= threshold { flush() }
        }
        if pretty { JSONValue.newline(&out, indent) }
        out.append(UInt8(ascii: "]"))
      case .elements(let elements):
        let items = elements.makeIterator()
        guard var item = items.next() else {
          out.append(contentsOf: "[]".utf8)
          return
        }
        out.append(UInt8(ascii: "["))
        var first = true
        while true {
          if !first { out.append(UInt8(ascii: ",")) }
          first = false
          if pretty { JSONValue.newline(&out, indent + 1) }
          write(item, indent: indent + 1)
          if out.count >= threshold { flush() }
          guard let next = items.next() else { break }
          item = next
        }
        if pretty { JSONValue.newline(&out, indent) }
        out.append(UInt8(ascii: "]"))
      case .object(let pairs):
        if pairs.isEmpty {
          out.append(contentsOf: "{}".utf8)
          return
        }
        out.append(UInt8(ascii: "{"))
        for (i, (key, value)) in pairs.enumerated() {
          if i > 0 { out.append(UInt8(ascii: ",")) }
          if pretty { JSONValue.newline(&out, indent + 1) }
          JSONValue.quote(key, into: &out)
          out.append(UInt8(ascii: ":"))
          if pretty { out.append(UInt8(ascii: " ")) }
          write(value, indent: indent + 1)
          if out.count >= threshold { flush() }
        }
        if pretty { JSONValue.newline(&out, indent) }
        out.append(UInt8(ascii: "}"))
      }
    }
  }

  private static func newline(_ out: inout [UInt8], _ level: Int) {
    out.append(UInt8(ascii: "\n"))
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
  }

  /// A JSON string: runs of bytes that need no escape are copied whole.
  private static func quote(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { bytes in
      var start = 0
      for (i, b) in bytes.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F {
        out.append(contentsOf: bytes[start..<i])
        start = i + 1
        switch b {
        case 0x22: out.append(contentsOf: "\\\"".utf8)
        case 0x5C: out.append(contentsOf: "\\\\".utf8)
        case 0x0A: out.append(contentsOf: "\\n".utf8)
        case 0x0D: out.append(contentsOf: "\\r".utf8)
        case 0x09: out.append(contentsOf: "\\t".utf8)
        default:
          let hex = String(b, radix: 16)
          out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
        }
      }
      out.append(contentsOf: bytes[start...])
    }
    out.append(UInt8(ascii: "\""))
  }
}

/// The elements of a ``JSONValue/elements(_:)`` array: a sequence and what makes each element's
/// value, run again each time the array is written.
public struct JSONElements: Sendable {
  let makeIterator: @Sendable () -> AnyIterator<JSONValue>

  /// The values `transform` makes of the elements of `sequence`, in order.
  public init<S: Sequence & Sendable>(_ sequence: S, _ transform: @escaping @Sendable (S.Element) -> JSONValue) {
    makeIterator = {
      var iterator = sequence.makeIterator()
      return AnyIterator { iterator.next().map(transform) }
    }
  }
}

extension JSONValue {
  /// A string array.
  public static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
  /// An optional string, `null` when absent.
  public static func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
}
