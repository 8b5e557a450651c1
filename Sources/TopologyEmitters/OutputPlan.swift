/// What is at a path of the output folder before `emit` acts, as the command layer read it.
public enum ExistingFile: Sendable, Equatable {
  /// Nothing there (or a folder on the way does not exist yet).
  case missing
  /// A regular file with these contents.
  case file(String)
  /// Something quorate must not read, replace or delete: a symbolic link (at the path or on the
  /// way to it), a folder, a device. The text says what, for the message.
  case blocked(String)
}

/// What `emit` will do to an output folder, decided from the files quorate produces, the
/// manifest of what it wrote there before, and what is there now. Pure: it reads nothing itself.
public struct OutputPlan: Sendable {
  /// One file that will be created or replaced.
  public struct Change: Sendable {
    /// Created (missing), updated (quorate's own file, out of date), or a conflict (a file
    /// quorate did not write, or one changed since it did: replaced only under `--force`).
    public enum Kind: Sendable { case create, update, conflict }
    public let kind: Kind
    public let path: String
    /// What is there now and what quorate would write instead, kept only for a file that is
    /// there and differs, and only when the plan is made for a diff (`keepingTexts`): the
    /// writer renders each file again as it writes it.
    public let old: String?
    public let new: String?
  }

  public var changes: [Change] = []
  public var unchanged = 0
  /// Files quorate wrote before that the topology no longer produces, untouched since: removed.
  public var stale: [String] = []
  /// Same, but changed since: left alone.
  public var staleChanged: [String] = []
  /// Paths quorate must not touch (symbolic links and the like), with what is there.
  public var blocked: [(path: String, what: String)] = []
  /// Manifest lines quorate will not act on (paths outside the folder, absolute, `..`).
  public var rejectedManifestEntries: [String] = []
  /// The digests of every file as quorate will leave it, plus (while it writes) the old ones.
  var finalDigests: [(path: String, digest: UInt64)] = []
  var oldDigests: [(path: String, digest: UInt64)] = []

  public var conflicts: [Change] { changes.filter { $0.kind == .conflict } }
  public var hasDrift: Bool { !changes.isEmpty || !stale.isEmpty }

  /// Whether `path` is a plain relative path inside a folder: non-empty components separated by
  /// single `/`, none of them `.` or `..`, no leading `/`, no NUL or control character.
  public static func isPlainRelativePath(_ path: String) -> Bool {
    guard !path.isEmpty, path.utf8.count <= 4096, !path.hasPrefix("/") else { return false }
    if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return false }
    return path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy {
      !$0.isEmpty && !$0.elementsEqual(".".utf8) && !$0.elementsEqual("..".utf8)
    }
  }

  /// Plans `files` against the folder, reading each file once and keeping only its digest.
  ///
  /// - Parameters:
  ///   - files: what the topology produces, in path order.
  ///   - manifest: the folder's manifest text, or nil when there is none.
  ///   - keepingTexts: keep the old and new text of every file that differs, for a diff.
  ///   - read: what is at a relative path now.
  public static func make(
    _ files: some Sequence<EmittedFile>, manifest: String?, keepingTexts: Bool = false,
    read: (String) -> ExistingFile
  ) -> OutputPlan {
    var plan = OutputPlan()
    let parsed = manifest.map(EmitPlan.parseManifest) ?? (entries: [:], rejected: [])
    plan.rejectedManifestEntries = parsed.rejected
    let known = parsed.entries
    var produced = Set<String>()
    for f in files {
      produced.insert(f.path)
      let digest = EmitPlan.digest(f.contents)
      plan.finalDigests.append((f.path, digest))
      switch read(f.path) {
      case .blocked(let what):
        plan.blocked.append((f.path, what))
      case .missing:
        plan.changes.append(Change(kind: .create, path: f.path, old: nil, new: nil))
      case .file(let existing):
        if existing == f.contents {
          plan.unchanged += 1
        } else {
          let old = EmitPlan.digest(existing)
          let ours = known[f.path]?.contains(old) ?? false
          plan.changes.append(
            Change(
              kind: ours ? .update : .conflict, path: f.path, old: keepingTexts ? existing : nil,
              new: keepingTexts ? f.contents : nil))
          plan.oldDigests.append((f.path, old))
        }
      }
    }
    // Only the paths no longer produced, in order (not the whole manifest sorted).
    for (p, digests) in known.filter({ !produced.contains($0.key) }).sorted(by: { $0.key < $1.key }) {
      switch read(p) {
      case .missing: continue
      case .blocked(let what): plan.blocked.append((p, what))
      case .file(let existing):
        let old = EmitPlan.digest(existing)
        if digests.contains(old) {
          plan.stale.append(p)
          plan.oldDigests.append((p, old))
        } else {
          plan.staleChanged.append(p)
        }
      }
    }
    return plan
  }

  /// The manifest to keep while the files are being written: every final digest plus the digest
  /// of every file that is about to be replaced or removed. A run killed at any point leaves each
  /// file either as it was or complete, and both are recognised as quorate's by the next run.
  public func journal() -> String {
    EmitPlan.manifestHeader
      + (finalDigests + oldDigests).map { "\(EmitPlan.hex($0.digest))  \($0.path)\n" }.joined()
  }

  /// The manifest once every file is written.
  public func manifest() -> String {
    EmitPlan.manifestHeader + finalDigests.map { "\(EmitPlan.hex($0.digest))  \($0.path)\n" }.joined()
  }

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
    let drift = changes.count + stale.count + blocked.count
    out +=
      drift == 0
      ? "up to date: \(Wording.count(unchanged, "file"))\n"
      : "drift: \(Wording.count(drift, "file")) would change\n"
    return out
  }

  /// The line `emit` prints after writing.
  public func summary(folder: String) -> String {
    let created = changes.filter { $0.kind == .create }.count
    let updated = changes.count - created
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
