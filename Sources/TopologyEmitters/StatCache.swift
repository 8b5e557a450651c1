/// What the file system says about a regular file: enough to tell, without reading it, that it
/// has not changed since it was last looked at (the way `git status` and `rsync` tell).
public struct FileStamp: Sendable, Equatable {
  public var device: UInt64
  public var inode: UInt64
  public var size: Int64
  /// Modification and status-change times, in nanoseconds since 1970.
  public var modified: Int64
  public var changed: Int64

  public init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
    self.device = device
    self.inode = inode
    self.size = size
    self.modified = modified
    self.changed = changed
  }
}

/// The stat cache `emit` keeps next to its manifest: for each file the manifest lists, the
/// digest the file had and its ``FileStamp`` when quorate last looked. A file whose stamp is
/// unchanged still has that digest, so neither `emit --check` nor a later `emit` reads it: on an
/// estate of 210,000 files, opening and reading each one cost more than everything else
/// `--check` does.
///
/// Only a speed-up: a cache that is missing, damaged, or belongs to another manifest is ignored,
/// and any file whose stamp differs is read as before. A stamp is recorded only when the file's
/// status-change time was at least ``margin`` older than the moment quorate looked: a change
/// made after that always gets a later status-change time (which nothing but the kernel sets),
/// even on a file system that keeps times to the second, so it can never hide behind the
/// recorded stamp. A file changed within that margin is read every time until it is older.
/// Each stamp is recorded with the digest of the bytes read after it from the same open file
/// (`emit`'s `keepStatCache`), never with the digest quorate meant to write.
public struct StatCache: Sendable {
  /// The cache file's name in the output folder.
  public static let fileName = ".quorate-stat-cache"
  /// How much older than the moment of looking a file's status-change time must be for its
  /// stamp to be recorded: 2 s covers file systems that keep times to the second or to two
  /// seconds (FAT), and the kernel's coarse clock.
  public static let margin: Int64 = 2_000_000_000

  static let header = Array("quorate stat cache 1\n".utf8)
  static let recordSize = 48

  /// The digest of the manifest this cache belongs to.
  let manifestDigest: UInt64
  /// The cache as read: after the header, by the manifest's position of each path, the
  /// file's digest and stamp, when recorded.
  private let records: [UInt8]
  let count: Int

  /// Reads a cache; nil when it is damaged or does not belong to `manifest` (parsed from the
  /// manifest read alongside it, whose bytes have the digest `manifestDigest`).
  public init?(parsing bytes: [UInt8], manifest: Manifest, manifestDigest: UInt64) {
    let start = Self.header.count + 16
    guard bytes.count >= start, bytes[0..<Self.header.count].elementsEqual(Self.header) else { return nil }
    let digest = Self.load(bytes, at: Self.header.count)
    let count = Self.load(bytes, at: Self.header.count + 8)
    guard count == UInt64(manifest.count), bytes.count == start + manifest.count * Self.recordSize,
      digest == manifestDigest
    else { return nil }
    self.manifestDigest = digest
    self.count = manifest.count
    records = bytes
  }

  /// The digest and stamp recorded for the manifest's path at `position`, if any.
  func record(_ position: Int) -> (digest: UInt64, stamp: FileStamp)? {
    guard position >= 0, position < count else { return nil }
    let at = Self.header.count + 16 + position * Self.recordSize
    let size = Int64(bitPattern: Self.load(records, at: at + 24))
    guard size >= 0 else { return nil }
    let stamp = FileStamp(
      device: Self.load(records, at: at + 8), inode: Self.load(records, at: at + 16), size: size,
      modified: Int64(bitPattern: Self.load(records, at: at + 32)),
      changed: Int64(bitPattern: Self.load(records, at: at + 40)))
    return (Self.load(records, at: at), stamp)
  }

  /// The digest of the file at the manifest's `position` when its stamp now is the recorded
  /// one; nil when there is no record or the stamp differs (the file must be read). The stamp
  /// is taken only when there is a record to compare it with.
  public func digest(at position: Int, stampNow: @autoclosure () -> FileStamp?) -> UInt64? {
    guard let record = record(position), let stamp = stampNow(), stamp == record.stamp else { return nil }
    return record.digest
  }

  /// A little-endian 64-bit number at `at`.
  static func load(_ bytes: [UInt8], at: Int) -> UInt64 {
    var value: UInt64 = 0
    for k in (0..<8).reversed() { value = value << 8 | UInt64(bytes[at + k]) }
    return value
  }

  static func store(_ value: UInt64, into out: inout [UInt8]) {
    for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))) }
  }

  /// Whether a stamp taken at `now` (nanoseconds since 1970) may be recorded.
  public static func settled(_ stamp: FileStamp, at now: Int64) -> Bool {
    stamp.changed <= now - margin && stamp.modified <= now - margin
  }

  /// Writes a cache for the manifest whose digest is `manifestDigest`, in pieces to `sink`:
  /// `digests[i]` and `stamps[i]` belong to the manifest's `i`th path; only stamps
  /// ``settled(_:at:)`` at `now` are recorded.
  public static func write(
    manifestDigest: UInt64, digests: [UInt64], stamps: [FileStamp?], now: Int64,
    to sink: (UnsafeRawBufferPointer) -> Void
  ) {
    precondition(digests.count == stamps.count)
    var out = header
    out.reserveCapacity(1 << 16 + recordSize)
    store(manifestDigest, into: &out)
    store(UInt64(digests.count), into: &out)
    for (digest, stamp) in zip(digests, stamps) {
      if let stamp, settled(stamp, at: now) {
        store(digest, into: &out)
        store(stamp.device, into: &out)
        store(stamp.inode, into: &out)
        store(UInt64(bitPattern: stamp.size), into: &out)
        store(UInt64(bitPattern: stamp.modified), into: &out)
        store(UInt64(bitPattern: stamp.changed), into: &out)
      } else {
        // No record: a size of -1.
        for _ in 0..<3 { store(0, into: &out) }
        store(UInt64(bitPattern: -1), into: &out)
        for _ in 0..<2 { store(0, into: &out) }
      }
      if out.count >= 1 << 16 {
        out.withUnsafeBytes(sink)
        out.removeAll(keepingCapacity: true)
      }
    }
    if !out.isEmpty { out.withUnsafeBytes(sink) }
  }
}
