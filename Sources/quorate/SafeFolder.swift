import Dispatch
import Synchronization
import TopologyEmitters

#if canImport(Glibc)
  import Glibc
#endif

/// A problem with the output folder, said in one line.
struct FolderError: Error, CustomStringConvertible {
  let description: String
}

/// The output folder of `emit`, opened once and used as a jail.
///
/// Every read, create, write, rename and delete goes through a descriptor of the folder
/// (`openat`, `mkdirat`, `renameat`, `unlinkat`) and opens each folder on the way with
/// `O_NOFOLLOW`, so nothing can reach outside the folder through a symbolic link, whatever is
/// put inside it. Paths must be plain relative paths (`OutputPlan.isPlainRelativePath`).
final class SafeFolder {
  /// The folder as the user named it, for messages.
  let path: String
  /// A descriptor of the folder itself.
  let fd: Int32
  /// Folders already opened, by relative path ("" is the folder itself). At most
  /// `openFolderLimit` stay open: an estate writes hundreds of thousands of files in tens of
  /// thousands of folders, far more than a process may hold descriptors.
  private var folders: [String: Int32] = [:]

  /// 128 folders, or a quarter of the descriptors the process may open if that is less.
  static let openFolderLimit: Int = {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < 1 << 20 else {
      return 128
    }
    return max(4, min(128, Int(limit.rlim_cur / 4)))
  }()

  /// The prefix of every temporary file quorate writes (recognised and removed on the next run).
  static let temporaryPrefix = ".quorate-tmp."

  private init(path: String, fd: Int32) {
    self.path = path
    self.fd = fd
    folders[""] = fd
  }

  deinit {
    for (_, d) in folders { close(d) }
  }

  static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

  /// Another handle on the same folder, with descriptors of its own (for another thread).
  func twin() -> SafeFolder? {
    let d = dup(fd)
    return d < 0 ? nil : SafeFolder(path: path, fd: d)
  }

  /// Opens the folder; creates it (and its parents) first when `create` is set. Returns nil when
  /// it does not exist and `create` is not set.
  static func open(_ path: String, create: Bool) throws(FolderError) -> SafeFolder? {
    if create { try makeFolders(path) }
    let d = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if d < 0 {
      let e = errno
      if e == ENOENT && !create { return nil }
      if e == ENOTDIR { throw FolderError(description: "'\(path)' exists and is not a folder") }
      throw FolderError(description: "cannot open '\(path)': \(errnoText(e))")
    }
    return SafeFolder(path: path, fd: d)
  }

  /// `mkdir -p` for the folder the user named (its own path may go through links: the user
  /// chose it). Says which component is in the way.
  private static func makeFolders(_ path: String) throws(FolderError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      prefix += prefix.isEmpty || prefix.hasSuffix("/") ? String(component) : "/" + component
      if mkdir(prefix, 0o755) == 0 { continue }
      let e = errno
      if e == EEXIST {
        var st = stat()
        if stat(prefix, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { continue }
        throw FolderError(description: "cannot create '\(path)': '\(prefix)' exists and is not a folder")
      }
      throw FolderError(description: "cannot create '\(path)': '\(prefix)': \(errnoText(e))")
    }
  }

  /// Takes an advisory lock on the folder: exclusive for writers, shared for `--check`.
  /// Refuses at once when another `emit` holds it.
  func lock(exclusive: Bool) throws(FolderError) {
    if flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 {
      if errno == EWOULDBLOCK {
        throw FolderError(
          description:
            "another 'quorate emit' is writing '\(path)' right now; wait for it to finish, then run again")
      }
      throw FolderError(description: "cannot lock '\(path)': \(Self.errnoText())")
    }
  }

  private enum Step {
    case folder(Int32)
    case missing
    case blocked(String)
  }

  /// Opens the folder at a relative path, one component at a time, never following a link.
  /// With `create`, missing folders are made. The descriptor returned stays valid until the
  /// next call (the cache of open folders may be emptied then).
  private func folder(_ relative: String, create: Bool) -> Step {
    // Files come folder by folder: the last folder asked for is usually the one asked for next.
    if let last, last.relative == relative { return .folder(last.fd) }
    let step = walk(to: relative, create: create)
    if case .folder(let d) = step { last = (relative, d) }
    return step
  }

  /// The last folder ``folder(_:create:)`` returned; forgotten whenever a folder is closed.
  private var last: (relative: String, fd: Int32)?

  private func walk(to relative: String, create: Bool) -> Step {
    if let d = folders[relative] { return .folder(d) }
    if folders.count >= Self.openFolderLimit {
      // Files come in path order, so the folders that matter next are reopened cheaply.
      for (key, d) in folders where !key.isEmpty { close(d) }
      folders = ["": fd]
      last = nil
    }
    var current = fd
    var walked = ""
    for component in relative.split(separator: "/") {
      walked += walked.isEmpty ? String(component) : "/" + component
      if let d = folders[walked] {
        current = d
        continue
      }
      var d = openat(current, String(component), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      if d < 0 && errno == ENOENT && create {
        if mkdirat(current, String(component), 0o755) != 0 && errno != EEXIST {
          return .blocked("cannot create folder '\(path)/\(walked)': \(Self.errnoText())")
        }
        d = openat(current, String(component), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      }
      if d < 0 {
        let e = errno
        if e == ENOENT { return .missing }
        return .blocked(describeBlocker(at: current, String(component), walked: walked, errno: e))
      }
      folders[walked] = d
      current = d
    }
    return .folder(current)
  }

  /// Says what is in the way at `walked`.
  private func describeBlocker(at dir: Int32, _ name: String, walked: String, errno e: Int32) -> String {
    var st = stat()
    if fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 {
      switch st.st_mode & S_IFMT {
      case S_IFLNK: return "'\(walked)' is a symbolic link"
      case S_IFDIR: break
      default: return "'\(walked)' is not a folder"
      }
    }
    return "'\(walked)': \(Self.errnoText(e))"
  }

  /// The folder and the name of a relative path (on its bytes: a search by `Character` breaks
  /// the path into grapheme clusters, and this runs for each of an estate's 210,000 files).
  private static func split(_ relative: String) -> (folder: String, name: String) {
    let bytes = relative.utf8
    guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return ("", relative) }
    return (String(relative[..<slash]), String(relative[bytes.index(after: slash)...]))
  }

  /// A regular file opened for reading at a relative path, or what stands there instead.
  private enum OpenedFile {
    case missing
    case blocked(String)
    /// A descriptor the caller closes, and the file's `fstat`.
    case file(Int32, stat)
  }

  /// Opens the regular file at a relative path without following a link, anywhere on the way:
  /// the one place ``read(_:)`` and ``digest(_:buffer:)`` decide what quorate may read.
  private func openRegularFile(_ relative: String) -> OpenedFile {
    let (dir, name) = Self.split(relative)
    let parent: Int32
    switch folder(dir, create: false) {
    case .missing: return .missing
    case .blocked(let what): return .blocked(what)
    case .folder(let d): parent = d
    }
    let f = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
    if f < 0 {
      let e = errno
      if e == ENOENT { return .missing }
      return .blocked(describeBlocker(at: parent, name, walked: relative, errno: e))
    }
    var st = stat()
    guard fstat(f, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
      close(f)
      return .blocked("'\(relative)' is not a regular file")
    }
    return .file(f, st)
  }

  /// What is at a relative path now: read without following links.
  func read(_ relative: String) -> ExistingFile {
    switch openRegularFile(relative) {
    case .missing: return .missing
    case .blocked(let what): return .blocked(what)
    case .file(let f, let st):
      defer { close(f) }
      switch readDescriptor(f, fileSize: Int(st.st_size), atMost: Int.max) {
      case .success(let bytes): return .file(bytes)
      case .failure(let e): return .blocked("cannot read '\(relative)': \(Self.errnoText(e.code))")
      }
    }
  }

  /// The stamp of the regular file at a relative path (never following a link), or nil when
  /// there is none or it is something else.
  func stamp(_ relative: String) -> FileStamp? {
    let (dir, name) = Self.split(relative)
    guard case .folder(let parent) = folder(dir, create: false) else { return nil }
    var st = stat()
    guard fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Self.stamp(st)
  }

  /// The digest and stamp of the regular file at a relative path, read without following a
  /// link, through `buffer` (reused from call to call: nothing is kept of the file). Nil when
  /// there is no regular file there or it cannot be read; ``read(_:)`` says which.
  func digest(_ relative: String, buffer: UnsafeMutableRawBufferPointer) -> (digest: UInt64, stamp: FileStamp)? {
    guard case .file(let f, let st) = openRegularFile(relative) else { return nil }
    defer { close(f) }
    var digest = EmitPlan.digestSeed
    // One byte more than the file's size: a read of a regular file that returns less than it
    // was asked for has reached the end, so a small file takes one `read`, not two.
    var want = min(buffer.count, Int(st.st_size) + 1)
    while true {
      let n = Glibc.read(f, buffer.baseAddress!, want)
      if n < 0 && errno == EINTR { continue }
      if n < 0 { return nil }
      digest = EmitPlan.digest(continuing: digest, UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
      if n < want { break }
      want = buffer.count
    }
    return (digest, Self.stamp(st))
  }

  static func stamp(_ st: stat) -> FileStamp {
    FileStamp(
      device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
      modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
      changed: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec))
  }

  /// The wall clock in nanoseconds since 1970, as file times are kept.
  static func now() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
  }

  /// Writes a temporary file next to `relative` (creating folders as needed) and returns its
  /// name; `commit` renames it into place. Nothing replaces the target until then.
  func writeTemporary(_ relative: String, _ contents: String, sync: Bool) throws(FolderError) -> String {
    var contents = contents
    return try writeTemporary(relative, sync: sync) { write in contents.withUTF8 { write(UnsafeRawBufferPointer($0)) } }
  }

  /// Writes a temporary file as ``writeTemporary(_:_:sync:)`` does, with the bytes `produce`
  /// passes to the function it is given, piece by piece (a manifest of 210,000 lines is
  /// never held whole).
  func writeTemporary(
    _ relative: String, sync: Bool, writing produce: ((UnsafeRawBufferPointer) -> Void) -> Void
  ) throws(FolderError) -> String {
    let (dir, name) = Self.split(relative)
    let parent: Int32
    switch folder(dir, create: true) {
    case .folder(let d): parent = d
    case .missing: throw FolderError(description: "cannot create folder '\(path)/\(dir)'")
    case .blocked(let what): throw FolderError(description: "\(what); refusing to write there")
    }
    let temporary = Self.temporaryPrefix + name
    let f = openat(parent, temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard f >= 0 else {
      throw FolderError(description: "cannot write '\(path)/\(relative)': \(Self.errnoText())")
    }
    var problem: String?
    produce { buffer in
      var written = 0
      while problem == nil && written < buffer.count {
        let n = Glibc.write(f, buffer.baseAddress! + written, buffer.count - written)
        if n < 0 {
          if errno == EINTR { continue }
          problem = Self.errnoText()
          return
        }
        written += n
      }
    }
    if problem == nil && sync && fsync(f) != 0 { problem = Self.errnoText() }
    if close(f) != 0 && problem == nil { problem = Self.errnoText() }
    if let problem {
      unlinkat(parent, temporary, 0)
      throw FolderError(
        description: "cannot write '\(path)/\(relative)': \(problem); nothing was left half-written")
    }
    return temporary
  }

  /// Renames the temporary file of `relative` into place.
  func commit(_ relative: String) throws(FolderError) {
    let (dir, name) = Self.split(relative)
    guard case .folder(let parent) = folder(dir, create: false) else {
      throw FolderError(description: "'\(path)/\(dir)' changed while quorate was writing it")
    }
    if renameat(parent, Self.temporaryPrefix + name, parent, name) != 0 {
      let problem = Self.errnoText()
      unlinkat(parent, Self.temporaryPrefix + name, 0)
      throw FolderError(description: "cannot write '\(path)/\(relative)': \(problem)")
    }
  }

  /// Removes the temporary file of `relative`, if any.
  func discardTemporary(_ relative: String) {
    let (dir, name) = Self.split(relative)
    if case .folder(let parent) = folder(dir, create: false) {
      unlinkat(parent, Self.temporaryPrefix + name, 0)
    }
  }

  /// Writes one file atomically and durably (temporary file, fsync, rename, fsync the folder).
  func writeAtomically(_ relative: String, _ contents: String) throws(FolderError) {
    var contents = contents
    try writeAtomically(relative) { write in contents.withUTF8 { write(UnsafeRawBufferPointer($0)) } }
  }

  /// Writes a file as ``writeAtomically(_:_:)`` does, with the bytes `produce` passes on.
  func writeAtomically(
    _ relative: String, writing produce: ((UnsafeRawBufferPointer) -> Void) -> Void
  ) throws(FolderError) {
    _ = try writeTemporary(relative, sync: true, writing: produce)
    try commit(relative)
    let (dir, _) = Self.split(relative)
    if case .folder(let parent) = folder(dir, create: false) { fsync(parent) }
  }

  /// Removes a file (never a link's target: `unlinkat` removes the entry itself), then the
  /// folders on its way that it leaves empty.
  func remove(_ relative: String) {
    let (dir, name) = Self.split(relative)
    guard case .folder(let parent) = folder(dir, create: false) else { return }
    var st = stat()
    guard fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return }
    unlinkat(parent, name, 0)
    var components = dir.split(separator: "/").map(String.init)
    while let lastComponent = components.popLast() {
      let above = components.joined(separator: "/")
      guard case .folder(let up) = folder(above, create: false) else { return }
      let here = above.isEmpty ? lastComponent : above + "/" + lastComponent
      if let d = folders.removeValue(forKey: here) {
        close(d)
        last = nil
      }
      if unlinkat(up, lastComponent, AT_REMOVEDIR) != 0 { return }  // not empty: stop
    }
  }

  /// Flushes everything written under the folder's file system to disk (one call for all the
  /// files, instead of one fsync each).
  func syncAll() {
    // glibc declares syncfs only under _GNU_SOURCE, which Swift's Glibc module does not set.
    if let f = Self.syncfs { _ = f(fd) } else { sync() }
  }

  private static let syncfs: (@convention(c) (Int32) -> Int32)? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "syncfs") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
  }()

  /// Removes temporary files a killed run left anywhere in the folder (links are not followed),
  /// and returns how many.
  func removeTemporaries() -> Int {
    var removed = 0
    func walk(_ d: Int32, depth: Int) {
      guard depth < 64 else { return }
      let copy = dup(d)
      guard copy >= 0, let stream = fdopendir(copy) else { return }
      defer { closedir(stream) }
      var subfolders: [String] = []
      while let entry = readdir(stream) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
          String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
        }
        if name == "." || name == ".." { continue }
        var st = stat()
        guard fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: subfolders.append(name)
        case S_IFREG where name.hasPrefix(Self.temporaryPrefix):
          if unlinkat(d, name, 0) == 0 { removed += 1 }
        default: break
        }
      }
      for name in subfolders {
        let sub = openat(d, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard sub >= 0 else { continue }
        walk(sub, depth: depth + 1)
        close(sub)
      }
    }
    walk(fd, depth: 0)
    return removed
  }
}

/// Set by SIGINT and SIGTERM while `emit` writes; checked between files.
nonisolated(unsafe) var interruptRequested: sig_atomic_t = 0

/// Makes SIGINT and SIGTERM ask `emit` to stop at the next safe point instead of killing it
/// between a temporary file and its rename.
func deferInterrupts() {
  let handler: @convention(c) (Int32) -> Void = { _ in interruptRequested = 1 }
  signal(SIGINT, handler)
  signal(SIGTERM, handler)
}

/// The digest of every file a manifest lists as it is now, worked out on a second thread while
/// the main thread renders the files they are compared with: from the stat cache when a file's
/// stamp is the recorded one, otherwise by reading the file (on an estate, 210,000 `fstatat`
/// or `open`/`read` calls and the folder walks to them cost as much as the rendering).
///
/// The sweep goes through the positions in order, and never waits for the main thread nor makes
/// it wait: a position the sweep has not reached yet is read by the main thread itself, and the
/// sweep then jumps past the main thread's position, so that the two share the reading.
final class DigestSweep: @unchecked Sendable {
  private let digests: UnsafeMutableBufferPointer<UInt64>
  private let found: UnsafeMutableBufferPointer<Bool>
  /// Every position below this is done or skipped: written by the sweep, read by the main
  /// thread (the digests written before it are visible once it is read).
  private let done = Atomic<Int>(0)
  /// The last position the main thread asked for.
  private let asked = Atomic<Int>(-1)
  /// How many files the sweep read because the cache could not vouch for them.
  private let readCount = Atomic<Int>(0)
  /// Set when the sweep is through.
  private let finished = Atomic<Bool>(false)
  /// The sweep's own handle on the folder (a `SafeFolder` is used by one thread at a time).
  private let twin: SafeFolder
  let count: Int

  /// Starts on every position of `manifest`.
  init?(_ manifest: Manifest, cache: StatCache?, folder: SafeFolder) {
    guard let twin = folder.twin() else { return nil }
    self.twin = twin
    count = manifest.count
    digests = .allocate(capacity: count)
    digests.initialize(repeating: 0)
    found = .allocate(capacity: count)
    found.initialize(repeating: false)
    DispatchQueue.global().async { [self] in
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
      defer { buffer.deallocate() }
      var p = 0
      while p < count {
        // Past what the main thread has already read for itself.
        p = max(p, asked.load(ordering: .relaxed) + 1)
        guard p < count else { break }
        let path = manifest.path(p)
        if let digest = cache?.digest(at: p, stampNow: self.twin.stamp(path)) {
          (digests[p], found[p]) = (digest, true)
        } else if let file = self.twin.digest(path, buffer: buffer) {
          (digests[p], found[p]) = (file.digest, true)
          readCount.add(1, ordering: .relaxed)
        }
        p += 1
        done.store(p, ordering: .releasing)
      }
      done.store(count, ordering: .releasing)
      finished.store(true, ordering: .releasing)
    }
  }

  /// The digest of the file at a position now, when the sweep has done it; nil when it has not
  /// got there yet or there is no regular file there: the caller reads the file itself.
  func digest(_ position: Int) -> UInt64? {
    asked.store(position, ordering: .relaxed)
    guard done.load(ordering: .acquiring) > position, found[position] else { return nil }
    return digests[position]
  }

  /// Makes the sweep skip every position it has not reached.
  func stop() { asked.store(count, ordering: .relaxed) }

  /// How many files the sweep read, once it is through.
  var filesRead: Int {
    stop()
    while !finished.load(ordering: .acquiring) { sched_yield() }
    return readCount.load(ordering: .relaxed)
  }

  /// The sweep holds the object until it is through, so this runs after it.
  deinit {
    digests.deallocate()
    found.deallocate()
  }
}
