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

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    lhs.rendered(pretty: false) == rhs.rendered(pretty: false)
  }

  /// The value as JSON text; `pretty` indents by two spaces. No trailing newline.
  public func rendered(pretty: Bool = true) -> String {
    var out = ""
    write(into: &out, indent: pretty ? 0 : nil)
    return out
  }

  private func write(into out: inout String, indent: Int?) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d):
      if d.isFinite {
        if d == d.rounded(), abs(d) < 1e15 { out += String(Int(d)) } else { out += "\(d)" }
      } else {
        out += "null"
      }
    case .string(let s): JSONValue.quote(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        if let indent {
          out += "\n" + String(repeating: "  ", count: indent + 1)
          item.write(into: &out, indent: indent + 1)
        } else {
          item.write(into: &out, indent: nil)
        }
      }
      if let indent { out += "\n" + String(repeating: "  ", count: indent) }
      out += "]"
    case .object(let pairs):
      if pairs.isEmpty {
        out += "{}"
        return
      }
      out += "{"
      for (i, (key, value)) in pairs.enumerated() {
        if i > 0 { out += "," }
        if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
        JSONValue.quote(key, into: &out)
        out += indent == nil ? ":" : ": "
        value.write(into: &out, indent: indent.map { $0 + 1 })
      }
      if let indent { out += "\n" + String(repeating: "  ", count: indent) }
      out += "}"
    }
  }

  private static func quote(_ s: String, into out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}

extension JSONValue {
  /// A string array.
  public static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
  /// An optional string, `null` when absent.
  public static func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
}
