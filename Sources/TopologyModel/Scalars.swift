/// Parsers for the format's scalar types. Each returns nil when the text is not of the type.
public enum Scalars {
  /// Whether `text` is a valid name: `[A-Za-z0-9][A-Za-z0-9._-]{0,62}`.
  public static func isName(_ text: String) -> Bool {
    // Over the bytes in place, with no copy: every name of the file comes through here, and
    // stepping through a short string's `utf8` view took about 25 instructions a byte.
    text.utf8.withContiguousStorageIfAvailable(isName(bytes:))
      ?? Array(text.utf8).withUnsafeBufferPointer(isName(bytes:))
  }

  /// Whether these bytes are a name: one to 63 ASCII letters, digits, `.`, `_` and `-`, the
  /// first a letter or a digit.
  static func isName(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = bytes.first, bytes.count <= 63, isAlnum(first) else { return false }
    for b in bytes.dropFirst()
    where !(isAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")) {
      return false
    }
    return true
  }

  static func isAlnum(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
  }

  /// A decimal integer (`-` allowed, no other signs, no underscores, no leading `0x`).
  public static func integer(_ text: String) -> Int? {
    let body = text.hasPrefix("-") ? text.dropFirst() : text[...]
    guard !body.isEmpty, body.count <= 18, body.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
    else { return nil }
    return Int(text)
  }

  /// A decimal number such as `1.5` (digits, at most one dot) times `scale`, or nil when it is
  /// not one, is finer than `1 / scale`, or does not fit in an `Int`.
  static func decimalMicro(_ text: Substring, scale: Int) -> Int? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= 18,
      whole.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let w = Int(whole)
    else { return nil }
    let (scaled, overflow) = w.multipliedReportingOverflow(by: scale)
    guard !overflow else { return nil }
    var value = scaled
    if parts.count == 2 {
      let frac = parts[1]
      guard !frac.isEmpty, frac.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
      var digits = Array(frac.utf8.map { Int($0) - 0x30 })
      var s = scale
      var f = 0
      while s > 1 && !digits.isEmpty {
        s /= 10
        f += digits.removeFirst() * s
      }
      guard digits.allSatisfy({ $0 == 0 }) else { return nil }  // finer than a microsecond
      let (sum, over) = value.addingReportingOverflow(f)
      guard !over else { return nil }
      value = sum
    }
    return value
  }

  /// The units a duration may carry, and microseconds per unit.
  public static let durationUnits: [(unit: String, microseconds: Int)] = [
    ("ms", 1000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000),
  ]

  /// The longest duration quorate accepts: 2^31 - 1 ms (about 24.8 days), the most ZooKeeper
  /// and its Java clients can hold (they keep every time as an `int` of milliseconds).
  public static let longestDurationMs = Int(Int32.max)

  /// Why a text is not a duration.
  public enum DurationProblem: Error, Sendable, Equatable {
    /// A number without a unit.
    case noUnit
    /// A number followed by something that is not a unit.
    case unknownUnit(String)
    /// Longer than ``longestDurationMs``.
    case tooLong
    /// Anything else (not a number, finer than a microsecond).
    case malformed
  }

  /// A duration with a unit (`2000ms`, `1.5ms`, `60s`, `2m`, `1h`), or why it is not one.
  public static func parseDuration(_ text: String) -> Result<Duration, DurationProblem> {
    if let d = wholeDuration(text) { return .success(d) }
    return generalDuration(text)
  }

  /// Any duration, and why a text is not one.
  static func generalDuration(_ text: String) -> Result<Duration, DurationProblem> {
    let digitsEnd = text.firstIndex { !(("0"..."9").contains($0) || $0 == ".") } ?? text.endIndex
    let number = text[..<digitsEnd]
    let unit = String(text[digitsEnd...])
    guard !number.isEmpty, number.first != "." else { return .failure(.malformed) }
    guard !unit.isEmpty else {
      return decimalMicro(number, scale: 1000) != nil ? .failure(.noUnit) : .failure(.malformed)
    }
    guard let scale = durationUnits.first(where: { $0.unit == unit })?.microseconds else {
      return .failure(.unknownUnit(unit))
    }
    let parts = number.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else { return .failure(.malformed) }
    guard let micro = decimalMicro(number, scale: scale) else {
      // A well-formed number fails only by overflowing, or by being finer than a microsecond.
      let approximate = (Double(number) ?? 0) * Double(scale) / 1000
      return .failure(approximate > Double(longestDurationMs) ? .tooLong : .malformed)
    }
    guard micro / 1000 <= longestDurationMs else { return .failure(.tooLong) }
    return .success(Duration(microseconds: micro))
  }

  /// The common case read on bytes: whole digits and a unit ("60s", "2000ms"), within the
  /// limit. Nil sends every other text (and every problem) to the general parser, which gives
  /// the same value for whatever this accepts.
  static func wholeDuration(_ text: String) -> Duration? {
    var value = 0
    var digits = 0
    var unit: UInt32 = 0
    var unitLength = 0
    for b in text.utf8 {
      if unitLength == 0, b >= 0x30, b <= 0x39 {
        guard digits < 18 else { return nil }
        value = value * 10 + Int(b &- 0x30)
        digits += 1
      } else {
        guard unitLength < 2 else { return nil }
        unit = unit << 8 | UInt32(b)
        unitLength += 1
      }
    }
    guard digits > 0 else { return nil }
    let scale: Int
    switch unit {
    case UInt32(UInt8(ascii: "m")) << 8 | UInt32(UInt8(ascii: "s")): scale = 1000
    case UInt32(UInt8(ascii: "s")): scale = 1_000_000
    case UInt32(UInt8(ascii: "m")): scale = 60_000_000
    case UInt32(UInt8(ascii: "h")): scale = 3_600_000_000
    default: return nil
    }
    let (micro, overflow) = value.multipliedReportingOverflow(by: scale)
    guard !overflow, micro / 1000 <= longestDurationMs else { return nil }
    return Duration(microseconds: micro)
  }

  /// A duration with a unit, or nil.
  public static func duration(_ text: String) -> Duration? {
    if case .success(let d) = parseDuration(text) { return d }
    return nil
  }

  /// An availability: `99.95%` or a fraction in (0, 1].
  public static func availability(_ text: String) -> Double? {
    if text.hasSuffix("%") {
      guard let v = Double(text.dropLast()), v > 0, v <= 100, isPlainDecimal(text.dropLast())
      else { return nil }
      return v / 100
    }
    guard let v = Double(text), v > 0, v <= 1, isPlainDecimal(text[...]) else { return nil }
    return v
  }

  static func isPlainDecimal(_ s: Substring) -> Bool {
    !s.isEmpty && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }
  }

  /// The kind of a valid host, or nil.
  public enum HostKind: Sendable { case ipv4, ipv6, name }

  /// Classifies a host: IPv4 dotted quad, bare IPv6, or an RFC 1123 host name.
  public static func host(_ text: String) -> HostKind? {
    if isIPv4(text) { return .ipv4 }
    if text.contains(":") { return isIPv6(text) ? .ipv6 : nil }
    guard (1...253).contains(text.utf8.count) else { return nil }
    let labels = text.split(separator: ".", omittingEmptySubsequences: false)
    var allNumeric = true
    for label in labels {
      let b = Array(label.utf8)
      guard (1...63).contains(b.count), isAlnum(b[0]), isAlnum(b[b.count - 1]),
        b.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") })
      else { return nil }
      if !b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { allNumeric = false }
    }
    // "10.0.0.256" or "10.1" look like addresses, not names.
    return allNumeric ? nil : .name
  }

  /// A dotted-quad IPv4 address with octets 0..255 and no leading zeros.
  public static func isIPv4(_ text: String) -> Bool {
    // Four parts of one to three digits, each at most 255, no leading zero; read on bytes.
    var dots = 0
    var digits = 0
    var value = 0
    for b in text.utf8 {
      if b == UInt8(ascii: ".") {
        guard digits > 0, dots < 3 else { return false }
        dots += 1
        digits = 0
        value = 0
        continue
      }
      guard b >= 0x30, b <= 0x39, digits < 3, digits == 0 || value != 0 else { return false }
      value = value * 10 + Int(b - 0x30)
      digits += 1
      guard value <= 255 else { return false }
    }
    return dots == 3 && digits > 0
  }

  /// A bare IPv6 address (RFC 4291 text form, optionally ending in an IPv4 part).
  public static func isIPv6(_ text: String) -> Bool {
    // Every IPv6 spelling has a colon; host names and IPv4 addresses (most hosts) have none.
    guard text.utf8.contains(UInt8(ascii: ":")), !text.contains("[") else { return false }
    let doubleColon = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
    guard doubleColon.count <= 2 else { return false }
    func groups(_ s: String) -> [Substring]? {
      s.isEmpty ? [] : s.split(separator: ":", omittingEmptySubsequences: false)
    }
    guard let head = groups(doubleColon[0]) else { return false }
    let tail = doubleColon.count == 2 ? groups(doubleColon[1]) ?? [] : []
    var all = head + tail
    var count = 0
    if let last = all.last, last.contains(".") {
      guard isIPv4(String(last)) else { return false }
      all.removeLast()
      count += 2
    }
    for g in all {
      guard (1...4).contains(g.count), g.utf8.allSatisfy({ isHex($0) }) else { return false }
      count += 1
    }
    return doubleColon.count == 2 ? count < 8 : count == 8
  }

  /// A host as ZooKeeper compares addresses: IPv6 in one canonical form (every spelling of one
  /// address alike: `fd00::1` and `fd00:0:0:0:0:0:0:1`), an IPv4-mapped IPv6 address as its IPv4
  /// form, names lowercased (`QuorumServer.checkAddressDuplicate` compares resolved addresses).
  public static func canonicalHost(_ text: String) -> String {
    guard isIPv6(text) else {
      return text.utf8.contains(where: { (65...90).contains($0) || $0 >= 0x80 }) ? text.lowercased() : text
    }
    let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
    func words(_ s: String) -> [UInt16] {
      guard !s.isEmpty else { return [] }
      var out: [UInt16] = []
      for part in s.split(separator: ":") {
        if part.contains(".") {
          let o = part.split(separator: ".").compactMap { UInt16($0) }
          if o.count == 4 { out += [o[0] << 8 | o[1], o[2] << 8 | o[3]] }
        } else {
          out.append(UInt16(part, radix: 16) ?? 0)
        }
      }
      return out
    }
    let head = words(halves[0])
    let tail = halves.count == 2 ? words(halves[1]) : []
    let all = head + Array(repeating: 0, count: max(0, 8 - head.count - tail.count)) + tail
    if all.count == 8, all[0..<5].allSatisfy({ $0 == 0 }), all[5] == 0xFFFF {
      return "\(all[6] >> 8).\(all[6] & 0xFF).\(all[7] >> 8).\(all[7] & 0xFF)"
    }
    return all.map { String($0, radix: 16) }.joined(separator: ":")
  }

  static func isHex(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
  }

  /// Why a ZooKeeper path is invalid, as `PathUtils.validatePath` decides, or nil when valid.
  public static func zooKeeperPathProblem(_ path: String) -> String? {
    if path.isEmpty { return "the path is empty" }
    if !path.hasPrefix("/") { return "the path must start with '/'" }
    if path == "/" { return nil }
    if path.hasSuffix("/") { return "the path must not end with '/'" }
    for scalar in path.unicodeScalars {
      let v = scalar.value
      if v == 0 || (v > 0 && v < 0x20) || (v >= 0x7F && v <= 0x9F) || (v >= 0xD800 && v <= 0xF8FF)
        || (v >= 0xFFF0 && v <= 0xFFFF)
      {
        return "the path holds a character ZooKeeper does not allow (U+\(String(v, radix: 16, uppercase: true)))"
      }
      // Java holds a character above U+FFFF as two UTF-16 surrogates (D800-DFFF), which
      // PathUtils refuses: an emoji in a chroot never reaches the server.
      if v > 0xFFFF {
        return
          "the path holds U+\(String(v, radix: 16, uppercase: true)), which Java stores as two UTF-16 surrogates that ZooKeeper refuses"
      }
    }
    for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
      if segment.isEmpty { return "the path has an empty segment ('//')" }
      if segment == "." || segment == ".." { return "relative segments ('.' or '..') are not allowed" }
    }
    return nil
  }

  /// The closest candidate to `word` (edit distance at most a third of its length, at least 1).
  ///
  /// Bounded for hostile sizes: a word longer than 100 characters gets no suggestion, and a
  /// candidate whose length differs by more than the distance allowed is skipped before any
  /// distance is computed (the distance is at least the difference in length).
  public static func suggestion(for word: String, among candidates: [String]) -> String? {
    guard word.count <= 100 else { return nil }
    let lower = Array(word.lowercased())
    var best: (String, Int)?
    for c in candidates {
      let candidate = Array(c.lowercased())
      let allowed = max(1, min(lower.count, candidate.count) / 3)
      guard abs(candidate.count - lower.count) <= allowed else { continue }
      if candidate == lower { return c }
      let d = editDistance(lower, candidate)
      if d <= allowed, d < (best?.1 ?? Int.max) { best = (c, d) }
    }
    return best?.0
  }

  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    // Optimal string alignment: insertions, deletions, substitutions and adjacent swaps.
    var before = Array(repeating: 0, count: b.count + 1)
    var prev = Array(0...b.count)
    for i in 1...a.count {
      var cur = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          cur[j] = min(cur[j], before[j - 2] + 1)
        }
      }
      before = prev
      prev = cur
    }
    return prev[b.count]
  }
}
