/// What is at a path of the output folder before `emit` acts, as the command layer read it.
public enum ExistingFile: Sendable, Equatable {
  /// Nothing there (or a folder on the way does not exist yet).
  case missing
  /// A regular file with these contents (bytes: an estate's index is 21 MB, and a `String`
  /// of it besides the bytes read was a second copy).
  case file([UInt8])
  /// Something quorate must not read, replace or delete: a symbolic link (at the path or on the
  /// way to it), a folder, a device. The text says what, for the message.
  case blocked(String)
}

/// What `emit` will do to an output folder, decided from the files quorate produces, the
/// manifest of what it wrote there before, and what is there now. Pure: it reads nothing itself.
///
/// Paths are kept as one buffer of bytes and files as positions in it (an estate's folder has
/// 210,000 files: a `String` per path, in several lists, was most of `emit`'s peak memory).
public struct OutputPlan: Sendable {
  /// One file that will be created or replaced.
  public struct Change: Sendable {
    /// Created (missing), updated (quorate's own file, out of date), or a conflict (a file
    /// quorate did not write, or one changed since it did: replaced only under `--force`).
    public enum Kind: Sendable { case create, update, conflict }
    public let kind: Kind
    /// The file's position in the files the plan was made from.
    public let file: Int
    public let path: String
    /// What is there now and what quorate would write instead, kept only for a file that is
    /// there and differs, and only when the plan is made for a diff (`keepingTexts`): the
    /// writer renders each file again as it writes it.
    public let old: String?
    public let new: String?
  }

  /// The changes, in the files' order, each made when it is read.
  public struct Changes: RandomAccessCollection, Sendable {
    let paths: PathList
    let changed: [Changed]
    let texts: [Int32: (old: String, new: String)]

    public var startIndex: Int { 0 }
    public var endIndex: Int { changed.count }
    public subscript(i: Int) -> Change {
      let c = changed[i]
      let texts = texts[c.file]
      return Change(
        kind: c.kind, file: Int(c.file), path: paths[Int(c.file)], old: texts?.old, new: texts?.new)
    }
  }

  struct Changed: Sendable {
    var file: Int32
    var kind: Change.Kind
  }

  /// Every file the plan was made from, in order, and the digest of each as quorate will leave it.
  var paths = PathList()
  var finalDigests: [UInt64] = []
  var changed: [Changed] = []
  var texts: [Int32: (old: String, new: String)] = [:]
  public var changes: Changes { Changes(paths: paths, changed: changed, texts: texts) }
  public var unchanged = 0
  /// How many existing files the plan read, and how many it knew by the digest the caller
  /// gave (``make(_:known:keepingTexts:digestNow:read:)``).
  public var read = 0
  public var given = 0
  /// Files quorate wrote before that the topology no longer produces, untouched since: removed.
  public var stale: [String] = []
  /// Same, but changed since: left alone.
  public var staleChanged: [String] = []
  /// Paths quorate must not touch (symbolic links and the like), with what is there.
  public var blocked: [(path: String, what: String)] = []
  /// Manifest lines quorate will not act on (paths outside the folder, absolute, `..`).
  public var rejectedManifestEntries: [String] = []
  /// The digests of the files about to be replaced (by position) and removed (by path), kept
  /// in the journal while quorate writes.
  var oldDigests: [(file: Int32, digest: UInt64)] = []
  var staleDigests: [(path: String, digest: UInt64)] = []

  public var conflicts: [Change] { changes.filter { $0.kind == .conflict } }
  public var hasDrift: Bool { !changed.isEmpty || !stale.isEmpty }

  /// Whether `path` is a plain relative path inside a folder: non-empty components separated by
  /// single `/`, none of them `.` or `..`, no leading `/`, no NUL or control character.
  public static func isPlainRelativePath(_ path: String) -> Bool {
    var path = path
    return path.withUTF8(isPlainRelativePath)
  }

  /// ``isPlainRelativePath(_:)-(String)`` of a path's UTF-8 bytes.
  static func isPlainRelativePath(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
    guard !path.isEmpty, path.count <= 4096 else { return false }
    let slash = UInt8(ascii: "/")
    let dot = UInt8(ascii: ".")
    var start = 0
    for i in 0...path.count {
      if i < path.count {
        let b = path[i]
        if b < 0x20 || b == 0x7F { return false }
        if b != slash { continue }
      }
      // A component ends at i: not empty, not "." or "..".
      switch i - start {
      case 0: return false
      case 1 where path[start] == dot: return false
      case 2 where path[start] == dot && path[start + 1] == dot: return false
      default: break
      }
      start = i + 1
    }
    return true
  }

  /// Plans `files` against the folder, reading each file at most once and keeping only its
  /// digest.
  ///
  /// - Parameters:
  ///   - files: what the topology produces, in path order.
  ///   - manifest: the folder's manifest, or nil when there is none.
  ///   - keepingTexts: keep the old and new text of every file that differs, for a diff.
  ///   - digestNow: the digest of the regular file at a path the manifest lists (at a
  ///     position) as it is now, when the caller knows it without the plan reading the file:
  ///     from the stat cache, or read on another thread. Nil: the plan reads it. A file known
  ///     this way is read here only when it differs and its text is needed for a diff.
  ///   - read: what is at a relative path now.
  public static func make(
    _ files: some Sequence<EmittedFile>, manifest: [UInt8]?, keepingTexts: Bool = false,
    digestNow: (_ path: String, _ listed: Int) -> UInt64? = { _, _ in nil },
    read: (String) -> ExistingFile
  ) -> OutputPlan {
    let known = manifest.map(Manifest.init(parsing:)) ?? Manifest()
    return make(files, known: known, keepingTexts: keepingTexts, digestNow: digestNow, read: read)
  }

  /// ``make(_:manifest:keepingTexts:digestNow:read:)`` with the manifest already parsed.
  public static func make(
    _ files: some Sequence<EmittedFile>, known: Manifest, keepingTexts: Bool = false,
    digestNow: (_ path: String, _ listed: Int) -> UInt64? = { _, _ in nil },
    read: (String) -> ExistingFile
  ) -> OutputPlan {
    var plan = OutputPlan()
    plan.rejectedManifestEntries = known.rejected
    var produced = [Bool](repeating: false, count: known.count)
    func given(_ path: String, _ listed: Int?) -> UInt64? { listed.flatMap { digestNow(path, $0) } }
    var next = 0  // where the next file is probably listed
    for f in files {
      let file = Int32(plan.paths.count)
      plan.paths.append(f.path)
      let digest = f.digest
      plan.finalDigests.append(digest)
      let listed = known.find(f.path, expected: next)
      if let listed {
        produced[listed] = true
        next = listed + 1
      }
      if let old = given(f.path, listed) {
        plan.given += 1
        if old == digest {
          plan.unchanged += 1
          continue
        }
        if !keepingTexts {
          let ours = known.digests[listed!].contains(old)
          plan.changed.append(Changed(file: file, kind: ours ? .update : .conflict))
          plan.oldDigests.append((file, old))
          continue
        }
        // A diff needs the text: read it below.
      }
      plan.read += 1
      switch read(f.path) {
      case .blocked(let what):
        plan.blocked.append((f.path, what))
      case .missing:
        plan.changed.append(Changed(file: file, kind: .create))
      case .file(let existing):
        if f.isContents(of: existing) {
          plan.unchanged += 1
        } else {
          let old = EmitPlan.digest(existing)
          let ours = listed.map { known.digests[$0].contains(old) } ?? false
          plan.changed.append(Changed(file: file, kind: ours ? .update : .conflict))
          if keepingTexts { plan.texts[file] = (String(decoding: existing, as: UTF8.self), f.contents) }
          plan.oldDigests.append((file, old))
        }
      }
    }
    // Only the paths no longer produced, in order (not the whole manifest sorted).
    let gone = produced.indices.filter { !produced[$0] }.map { (path: known.paths[$0], listed: $0) }
    for (p, listed) in gone.sorted(by: { $0.path < $1.path }) {
      let old: UInt64
      if let digest = given(p, listed) {
        plan.given += 1
        old = digest
      } else {
        plan.read += 1
        switch read(p) {
        case .missing: continue
        case .blocked(let what):
          plan.blocked.append((p, what))
          continue
        case .file(let existing): old = EmitPlan.digest(existing)
        }
      }
      if known.digests[listed].contains(old) {
        plan.stale.append(p)
        plan.staleDigests.append((p, old))
      } else {
        plan.staleChanged.append(p)
      }
    }
    return plan
  }

  /// Whether the planned paths are in strictly increasing byte order, as the manifest's parser
  /// keeps them: then the `i`th file is the manifest's `i`th path, which the stat cache relies on.
  public var pathsInManifestOrder: Bool {
    (1..<max(1, paths.count)).allSatisfy { paths.compare($0 - 1, $0) < 0 }
  }

  /// Every planned file's relative path, in order (for the stat cache).
  public var filePaths: some RandomAccessCollection<String> { (0..<paths.count).lazy.map { paths[$0] } }

  /// The manifest to keep while the files are being written, in pieces to `sink`: every final
  /// digest plus the digest of every file that is about to be replaced or removed. A run killed
  /// at any point leaves each file either as it was or complete, and both are recognised as
  /// quorate's by the next run.
  public func writeJournal(to sink: (UnsafeRawBufferPointer) -> Void) {
    write(journal: true, to: sink)
  }

  /// The manifest once every file is written, in pieces to `sink`.
  public func writeManifest(to sink: (UnsafeRawBufferPointer) -> Void) {
    write(journal: false, to: sink)
  }

  /// The digest of the manifest once every file is written.
  public var manifestDigest: UInt64 {
    var digest = EmitPlan.digestSeed
    write(journal: false) { digest = EmitPlan.digest(continuing: digest, $0) }
    return digest
  }

  /// Writes the manifest's lines, `<16 hex digits>  <path>`, in pieces of about 64 KiB.
  func write(journal: Bool, to sink: (UnsafeRawBufferPointer) -> Void) {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 16 + 4096)
    out.append(contentsOf: EmitPlan.manifestHeader.utf8)
    func line(_ digest: UInt64, _ path: ArraySlice<UInt8>) {
      for shift in stride(from: 60, through: 0, by: -4) {
        out.append(Self.hexDigits[Int((digest >> UInt64(shift)) & 0xF)])
      }
      out.append(UInt8(ascii: " "))
      out.append(UInt8(ascii: " "))
      out.append(contentsOf: path)
      out.append(UInt8(ascii: "\n"))
      if out.count >= 1 << 16 {
        out.withUnsafeBytes(sink)
        out.removeAll(keepingCapacity: true)
      }
    }
    for (i, digest) in finalDigests.enumerated() { line(digest, paths.bytes[paths.range(i)]) }
    if journal {
      for (file, digest) in oldDigests { line(digest, paths.bytes[paths.range(Int(file))]) }
      for (path, digest) in staleDigests { line(digest, Array(path.utf8)[...]) }
    }
    if !out.isEmpty { out.withUnsafeBytes(sink) }
  }

  static let hexDigits = Array("0123456789abcdef".utf8)

  /// What `emit --check` prints: every difference, with a unified diff for changed files.
  public func checkReport() -> String {
    var out = ""
    for c in changes {
      switch c.kind {
      case .create: out += "missing: \(c.path)\n"
      case .update: out += "changed: \(c.path)\n"
      case .conflict: out += "changed: \(c.path) (edited by hand or not written by quorate)\n"
      }
      if let old = c.old, let new = c.new { out += TextDiff.unified(old: old, new: new, path: c.path) }
    }
    for s in stale { out += "stale: \(s) (no longer produced by the topology)\n" }
    for s in staleChanged { out += "stale: \(s) (no longer produced, changed by hand: left alone)\n" }
    for b in blocked { out += "blocked: \(b.path) (\(b.what); quorate will not write through it)\n" }
    let drift = changed.count + stale.count + blocked.count
    out +=
      drift == 0
      ? "up to date: \(Wording.count(unchanged, "file"))\n"
      : "drift: \(Wording.count(drift, "file")) would change\n"
    return out
  }

  /// The line `emit` prints after writing.
  public func summary(folder: String) -> String {
    let created = changed.filter { $0.kind == .create }.count
    let updated = changed.count - created
    return "wrote \(folder): \(created) created, \(updated) updated, \(unchanged) unchanged, \(stale.count) removed\n"
  }
}

/// Small wording helpers shared by the renderers.
public enum Wording {
  /// "1 file", "3 files", "no files".
  public static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    let many = plural ?? noun + "s"
    return n == 0 ? "no \(many)" : "\(n) \(n == 1 ? noun : many)"
  }
}
