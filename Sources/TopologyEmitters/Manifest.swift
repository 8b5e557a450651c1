#if canImport(Glibc)
  import Glibc
#endif

/// Relative paths kept as one buffer of their UTF-8 bytes and where each ends.
///
/// An estate's output folder has a path per file, 210,000 of them; a `String` each (a heap
/// object past 15 bytes), held in the plan and again in the parsed manifest, was most of
/// `emit`'s peak memory. Here they cost their bytes and four more each.
struct PathList: Sendable {
  private(set) var bytes: [UInt8] = []
  private var ends: [UInt32] = []

  var count: Int { ends.count }

  mutating func reserve(bytes: Int, paths: Int) {
    self.bytes.reserveCapacity(bytes)
    ends.reserveCapacity(paths)
  }

  mutating func append(_ path: String) {
    var path = path
    path.withUTF8 { append($0) }
  }

  mutating func append(_ path: UnsafeBufferPointer<UInt8>) {
    bytes.append(contentsOf: path)
    precondition(bytes.count <= Int(UInt32.max), "a manifest's paths fit in 4 GiB")
    ends.append(UInt32(bytes.count))
  }

  /// Where the path at `i` is in `bytes`.
  func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i]) }

  subscript(i: Int) -> String { String(decoding: bytes[range(i)], as: UTF8.self) }

  /// Byte order of the paths at `i` and `j`: -1, 0 or 1.
  func compare(_ i: Int, _ j: Int) -> Int {
    bytes.withUnsafeBufferPointer { all in
      Self.compare(UnsafeBufferPointer(rebasing: all[range(i)]), UnsafeBufferPointer(rebasing: all[range(j)]))
    }
  }

  /// Byte order of two paths: -1, 0 or 1 (a prefix comes first).
  static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let n = min(a.count, b.count)
    if n > 0 {
      let c = memcmp(a.baseAddress!, b.baseAddress!, n)
      if c != 0 { return c < 0 ? -1 : 1 }
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
  }
}

/// A manifest as read: each path it lists, once, with the digests it lists for it, found by
/// path without a `String` per line.
public struct Manifest: Sendable {
  /// The listed paths, in byte order, each once.
  var paths = PathList()
  /// The digests listed for each path, in the order of `paths`.
  var digests: [EmitPlan.ListedDigests] = []
  /// Lines whose path is not a plain relative path inside the folder: quorate never acts on them.
  public private(set) var rejected: [String] = []

  /// No manifest: nothing listed.
  public init() {}

  /// Reads a manifest: `<16 hex digits>  <path>` per line, `#` starting a comment line. A digest
  /// that is not 16 lowercase hex digits matches no file (the path is still known, as one
  /// quorate wrote). Lines whose path is not a plain relative path inside the folder, or is the
  /// manifest itself, are set apart in ``rejected``.
  public init(parsing text: [UInt8]) {
    var listed = PathList()
    listed.reserve(bytes: text.count, paths: text.count / 40)
    var listedDigests: [UInt64?] = []
    listedDigests.reserveCapacity(text.count / 40)
    text.withUnsafeBufferPointer { b in
      guard let base = b.baseAddress else { return }
      var i = 0
      while i < b.count {
        var end = b.count
        if let newline = memchr(base + i, 0x0A, b.count - i) {
          end = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
        }
        defer { i = end + 1 }
        guard end > i, b[i] != UInt8(ascii: "#") else { continue }
        // Fields as `split(separator: " ", maxSplits: 1)` reads them: the digest is the first
        // run of non-spaces; the path starts at the first non-space after the space ending it.
        var k = i
        while k < end && b[k] == UInt8(ascii: " ") { k += 1 }
        let digestStart = k
        while k < end && b[k] != UInt8(ascii: " ") { k += 1 }
        let digestEnd = k
        guard digestStart < end, k + 1 < end else { continue }
        k += 1
        while k < end && b[k] == UInt8(ascii: " ") { k += 1 }
        let pathBytes = UnsafeBufferPointer(rebasing: b[k..<end])
        guard OutputPlan.isPlainRelativePath(pathBytes), !pathBytes.elementsEqual(EmitPlan.manifestName.utf8) else {
          rejected.append(String(decoding: pathBytes, as: UTF8.self))
          continue
        }
        listed.append(pathBytes)
        listedDigests.append(EmitPlan.parseHex(UnsafeBufferPointer(rebasing: b[digestStart..<digestEnd])))
      }
    }
    // A manifest quorate wrote after a run that finished lists each path once, in order: kept
    // as read (a second copy of its paths was a tenth of `emit --check`'s peak on an estate).
    if !(1..<max(1, listed.count)).contains(where: { listed.compare($0 - 1, $0) >= 0 }) {
      paths = listed
      digests = listedDigests.map { EmitPlan.ListedDigests(first: $0) }
      return
    }
    // A journal is two runs in order, each path twice; sorting is for the rest. Equal paths
    // keep their lines' order, and so their digests' order.
    var order = Array(0..<listed.count)
    if (1..<max(1, listed.count)).contains(where: { listed.compare($0 - 1, $0) > 0 }) {
      order.sort {
        let c = listed.compare($0, $1)
        return c != 0 ? c < 0 : $0 < $1
      }
    }
    paths = PathList()
    for (n, i) in order.enumerated() {
      if n == 0 || listed.compare(order[n - 1], i) != 0 {
        listed.bytes.withUnsafeBufferPointer { paths.append(UnsafeBufferPointer(rebasing: $0[listed.range(i)])) }
        digests.append(EmitPlan.ListedDigests())
      }
      if let digest = listedDigests[i] { digests[digests.count - 1].insert(digest) }
    }
  }

  /// How many paths the manifest lists.
  public var count: Int { paths.count }

  /// The listed path at a position.
  public func path(_ position: Int) -> String { paths[position] }

  /// The position of `path` among the listed paths, if it is listed. `expected` is where it
  /// probably is, looked at first: files come in path order, as the manifest lists them, so
  /// the next file is nearly always the next path (a search of 210,000 paths for each file cost
  /// 0.15 G instructions of `emit --check` on L).
  func find(_ path: String, expected: Int? = nil) -> Int? {
    var path = path
    return path.withUTF8 { key in
      paths.bytes.withUnsafeBufferPointer { all in
        if let expected, expected >= 0, expected < paths.count,
          PathList.compare(UnsafeBufferPointer(rebasing: all[paths.range(expected)]), key) == 0
        {
          return expected
        }
        var (low, high) = (0, paths.count)
        while low < high {
          let mid = (low + high) / 2
          switch PathList.compare(UnsafeBufferPointer(rebasing: all[paths.range(mid)]), key) {
          case 0: return mid
          case ..<0: low = mid + 1
          default: high = mid
          }
        }
        return nil
      }
    }
  }
}
