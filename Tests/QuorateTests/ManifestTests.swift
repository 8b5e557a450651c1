import Testing

@testable import TopologyEmitters

/// The manifest as `emit` reads it back, and the plan made against it. Digests here are
/// written by hand: sixteen hex digits, and the values they spell.
@Suite struct ManifestTests {
  static let a = "00000000000000aa"
  static let b = "00000000000000bb"

  func parse(_ text: String) -> Manifest { Manifest(parsing: Array(text.utf8)) }

  /// A digest as a manifest line spells it, worked out apart from the plan's writer: 16
  /// lowercase hex digits, zero-padded.
  func hex(_ digest: UInt64) -> String {
    let digits = String(digest, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  func digests(_ m: Manifest, _ path: String) -> [UInt64]? {
    guard let i = m.find(path) else { return nil }
    let d = m.digests[i]
    return (d.first.map { [$0] } ?? []) + d.more
  }

  @Test func readsLinesInAnyOrderAndFindsEachPath() {
    let m = parse(
      "# quorate manifest\n\(Self.b)  servers/e/m/zoo.cfg\n\(Self.a)  apps/x/dubbo.properties\n\n\(Self.a)  index.md\n")
    #expect(m.count == 3)
    #expect(digests(m, "apps/x/dubbo.properties") == [0xaa])
    #expect(digests(m, "index.md") == [0xaa])
    #expect(digests(m, "servers/e/m/zoo.cfg") == [0xbb])
    #expect(m.find("apps/x") == nil && m.find("index.m") == nil && m.find("zzz") == nil)
    #expect(m.rejected.isEmpty)
  }

  @Test func aPathIsFoundWhereverTheHintPoints() {
    // Sorted, the paths are apps/x/dubbo.properties (0), index.md (1), servers/e/m/zoo.cfg (2).
    let m = parse(
      "\(Self.b)  servers/e/m/zoo.cfg\n\(Self.a)  apps/x/dubbo.properties\n\(Self.a)  index.md\n")
    #expect(m.find("index.md", expected: 1) == 1)  // the hint is right
    #expect(m.find("index.md", expected: 2) == 1)  // wrong: the search finds it
    #expect(m.find("index.md", expected: 0) == 1)
    #expect(m.find("servers/e/m/zoo.cfg", expected: 3) == 2)  // past the end
    #expect(m.find("servers/e/m/zoo.cfg", expected: -1) == 2)
    #expect(m.find("apps/y", expected: 0) == nil)  // not listed, whatever the hint
  }

  @Test func aJournalListsAPathTwiceAndKeepsBothDigestsInLineOrder() {
    // A journal: every final digest, then the old digest of each file about to be replaced.
    let m = parse("\(Self.b)  a/f\n\(Self.a)  b/g\n\(Self.a)  a/f\n\(Self.b)  a/f\n")
    #expect(m.count == 2)
    #expect(digests(m, "a/f") == [0xbb, 0xaa])
    #expect(digests(m, "b/g") == [0xaa])
  }

  @Test func fieldsAreSplitAtTheFirstRunOfSpaces() {
    // Leading spaces before the digest, several between: the path starts at the first
    // non-space after the digest and keeps its own spaces.
    let m = parse("  \(Self.a)    dir/with space\n\(Self.a)\n\(Self.a) \n")
    #expect(digests(m, "dir/with space") == [0xaa])
    #expect(m.count == 1)
  }

  @Test func aBadDigestKeepsThePathKnownButMatchesNothing() {
    let m = parse("XYZ  apps/x/a.txt\n00000000000000AA  apps/x/b.txt\n")
    #expect(digests(m, "apps/x/a.txt") == [])
    #expect(digests(m, "apps/x/b.txt") == [])
  }

  @Test func pathsOutsideTheFolderAndTheManifestItselfAreSetApart() {
    let m = parse(
      "\(Self.a)  ../victim\n\(Self.a)  /etc/passwd\n\(Self.a)  a/./b\n\(Self.a)  .quorate-manifest\n\(Self.a)  ok/file\n"
    )
    #expect(m.rejected == ["../victim", "/etc/passwd", "a/./b", ".quorate-manifest"])
    #expect(m.count == 1 && m.find("ok/file") != nil)
  }

  @Test func plainRelativePaths() {
    for ok in ["a", "a/b", ".hidden/x", "a/..b/c", "a/b.."] { #expect(OutputPlan.isPlainRelativePath(ok), "\(ok)") }
    for bad in ["", "/a", "a/", "a//b", ".", "..", "a/.", "a/../b", "./a", "a/\u{1}b", "a\u{7F}", "a\nb"] {
      #expect(!OutputPlan.isPlainRelativePath(bad), "\(bad.debugDescription)")
    }
  }

  /// A plan against a folder: what is there decides create, update, conflict and unchanged; the
  /// journal lists every final digest and then the old ones; the manifest only the final ones.
  @Test func planAgainstAManifest() {
    let files = [
      EmittedFile(path: "a/new", contents: "1"),
      EmittedFile(path: "a/ours", contents: "2"),
      EmittedFile(path: "a/same", contents: "3"),
      EmittedFile(path: "a/theirs", contents: "4"),
    ]
    let oursOld = EmitPlan.digest("old ours")
    let goneOld = EmitPlan.digest("gone")
    let manifest = [
      "\(hex(oursOld))  a/ours", "\(hex(EmitPlan.digest("3")))  a/same",
      "\(hex(goneOld))  a/gone", "\(hex(goneOld))  a/edited",
    ].map { $0 + "\n" }.joined()
    let disk: [String: String] = [
      "a/ours": "old ours", "a/same": "3", "a/theirs": "hand made", "a/gone": "gone", "a/edited": "edited",
    ]
    let plan = OutputPlan.make(files, manifest: Array(manifest.utf8), keepingTexts: true) { path in
      disk[path].map { .file(Array($0.utf8)) } ?? .missing
    }
    #expect(plan.changes.map(\.path) == ["a/new", "a/ours", "a/theirs"])
    #expect(plan.changes.map(\.kind) == [.create, .update, .conflict])
    #expect(plan.changes.map(\.file) == [0, 1, 3])
    #expect(plan.changes[1].old == "old ours" && plan.changes[1].new == "2")
    #expect(plan.changes[0].old == nil)
    #expect(plan.unchanged == 1)
    #expect(plan.stale == ["a/gone"])
    #expect(plan.staleChanged == ["a/edited"])
    func text(_ write: ((UnsafeRawBufferPointer) -> Void) -> Void) -> String {
      var bytes: [UInt8] = []
      write { bytes.append(contentsOf: $0) }
      return String(decoding: bytes, as: UTF8.self)
    }
    let final = files.map { "\(hex(EmitPlan.digest($0.contents)))  \($0.path)\n" }.joined()
    #expect(text(plan.writeManifest) == EmitPlan.manifestHeader + final)
    let old =
      "\(hex(oursOld))  a/ours\n\(hex(EmitPlan.digest("hand made")))  a/theirs\n"
      + "\(hex(goneOld))  a/gone\n"
    #expect(text(plan.writeJournal) == EmitPlan.manifestHeader + final + old)
    // emit compares the digest of the manifest there with this one to tell whether to write it.
    #expect(plan.manifestDigest == EmitPlan.digest(EmitPlan.manifestHeader + final))
    #expect(plan.manifestDigest != EmitPlan.digest(EmitPlan.manifestHeader + final + "\n"))
    #expect(plan.manifestDigest != EmitPlan.digest(EmitPlan.manifestHeader + final + old))
  }
}

/// The stat cache, and the plan given digests instead of reading: a listed file whose stamp is
/// the recorded one is known by its recorded digest and not read; any other is read as before.
/// Stamps and digests here are made up by hand.
@Suite struct StatCacheTests {
  func hex(_ digest: UInt64) -> String {
    let digits = String(digest, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  func stamp(_ inode: UInt64, changed: Int64 = 1_000_000_000) -> FileStamp {
    FileStamp(device: 7, inode: inode, size: 1, modified: changed, changed: changed)
  }

  /// A cache as `emit` writes it, read back against the manifest it belongs to.
  func cache(_ manifest: String, _ records: [(UInt64, FileStamp?)], now: Int64 = 100_000_000_000) -> StatCache? {
    var bytes: [UInt8] = []
    let manifestBytes = Array(manifest.utf8)
    StatCache.write(
      manifestDigest: EmitPlan.digest(manifestBytes), digests: records.map(\.0), stamps: records.map(\.1), now: now
    ) { bytes.append(contentsOf: $0) }
    return StatCache(
      parsing: bytes, manifest: Manifest(parsing: manifestBytes), manifestDigest: EmitPlan.digest(manifestBytes))
  }

  @Test func aFileWithItsRecordedStampIsNotRead() throws {
    let files = [
      EmittedFile(path: "a/new", contents: "1"),
      EmittedFile(path: "a/ours", contents: "2"),
      EmittedFile(path: "a/same", contents: "3"),
    ]
    let (gone, oldOurs, same) = (EmitPlan.digest("gone"), EmitPlan.digest("old ours"), EmitPlan.digest("3"))
    // In byte order, as emit writes it: the cache's records go by these positions.
    let manifest = "\(hex(gone))  a/gone\n\(hex(oldOurs))  a/ours\n\(hex(same))  a/same\n"
    let c = try #require(cache(manifest, [(gone, stamp(1)), (oldOurs, stamp(2)), (same, stamp(3))]))
    // Now: a/ours was rewritten (a new status-change time), the others are as recorded.
    let now: [String: FileStamp] = ["a/gone": stamp(1), "a/ours": stamp(2, changed: 5_000_000_000), "a/same": stamp(3)]
    let disk = ["a/gone": "gone", "a/ours": "old ours", "a/same": "3"]
    var read: [String] = []
    let plan = OutputPlan.make(
      files, manifest: Array(manifest.utf8), digestNow: { path, p in c.digest(at: p, stampNow: now[path]) },
      read: { path in
        read.append(path)
        return disk[path].map { .file(Array($0.utf8)) } ?? .missing
      })
    #expect(read == ["a/new", "a/ours"])
    #expect(plan.read == 2 && plan.given == 2)
    #expect(plan.unchanged == 1)
    #expect(plan.changes.map(\.path) == ["a/new", "a/ours"])
    #expect(plan.changes.map(\.kind) == [.create, .update])
    #expect(plan.stale == ["a/gone"])
  }

  @Test func aFileKnownByItsDigestThatDiffersIsReadOnlyForADiff() throws {
    let files = [EmittedFile(path: "a/f", contents: "new")]
    let old = EmitPlan.digest("old")
    let manifest = "\(hex(old))  a/f\n"
    let c = try #require(cache(manifest, [(old, stamp(1))]))
    var reads = 0
    func plan(keepingTexts: Bool) -> OutputPlan {
      OutputPlan.make(
        files, manifest: Array(manifest.utf8), keepingTexts: keepingTexts,
        digestNow: { _, p in c.digest(at: p, stampNow: stamp(1)) },
        read: { _ in
          reads += 1
          return .file(Array("old".utf8))
        })
    }
    let quick = plan(keepingTexts: false)
    #expect(reads == 0 && quick.changes.map(\.kind) == [.update])
    let diff = plan(keepingTexts: true)
    #expect(reads == 1 && diff.changes.first?.old == "old" && diff.changes.first?.new == "new")
  }

  @Test func onlyStampsOlderThanTheMarginAreRecorded() throws {
    let manifest = "\(hex(1))  a\n\(hex(2))  b\n\(hex(3))  c\n"
    let now: Int64 = 100_000_000_000
    // a changed 2 s before now: recorded. b 1.999 s before: too recent. c: no stamp (not a file).
    let c = try #require(
      cache(
        manifest,
        [
          (UInt64(1), stamp(1, changed: now - 2_000_000_000)), (UInt64(2), stamp(2, changed: now - 1_999_000_000)),
          (UInt64(3), nil),
        ], now: now))
    #expect(c.record(0)?.digest == 1 && c.record(0)?.stamp == stamp(1, changed: now - 2_000_000_000))
    #expect(c.record(1) == nil && c.record(2) == nil && c.record(3) == nil)
  }

  @Test func aCacheOfAnotherManifestOrDamagedIsIgnored() {
    let manifest = Array("\(hex(1))  a\n".utf8)
    var bytes: [UInt8] = []
    StatCache.write(manifestDigest: EmitPlan.digest(manifest), digests: [1], stamps: [stamp(1)], now: 100_000_000_000) {
      bytes.append(contentsOf: $0)
    }
    let m = Manifest(parsing: manifest)
    #expect(StatCache(parsing: bytes, manifest: m, manifestDigest: EmitPlan.digest(manifest)) != nil)
    let other = Array("\(hex(2))  a\n".utf8)
    #expect(
      StatCache(parsing: bytes, manifest: Manifest(parsing: other), manifestDigest: EmitPlan.digest(other)) == nil)
    #expect(StatCache(parsing: Array(bytes.dropLast()), manifest: m, manifestDigest: EmitPlan.digest(manifest)) == nil)
    #expect(StatCache(parsing: Array(bytes.dropFirst()), manifest: m, manifestDigest: EmitPlan.digest(manifest)) == nil)
    #expect(StatCache(parsing: [], manifest: m, manifestDigest: EmitPlan.digest(manifest)) == nil)
  }
}
