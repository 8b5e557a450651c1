import ArgumentParser
import Foundation
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel

#if canImport(Glibc)
  import Glibc
#endif

extension Quorate {
  /// `quorate emit`: write every config file, or check a folder for drift.
  struct Emit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write zoo.cfg and myid for every server and registry configs for every app.",
      discussion: """
        Files go under --output: servers/<ensemble>/<machine>/{zoo.cfg,myid}, \
        apps/<app>/{connect-strings.txt,dubbo.properties,dubbo-registry.xml,application.yml}, \
        index.md and .quorate-manifest. Writes are atomic. Files quorate did not write are left \
        alone; replacing a file that was changed by hand needs --force. --check writes nothing \
        and exits 1 when anything would change.
        """)

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @Option(name: .shortAndLong, help: "The output folder.")
    var output: String

    @Flag(help: "Write nothing; list (with a diff) every file that would change, exit 1 on drift.")
    var check = false

    @Flag(help: "Replace files that were changed by hand or not written by quorate.")
    var force = false

    @Option(help: "The root of every server's dataDir: <root>/<ensemble>/<machine>.")
    var dataDir: String = "/var/lib/zookeeper"

    func validate() throws {
      if check && force { throw ValidationError("--check and --force do not go together") }
      guard dataDir.hasPrefix("/") else { throw ValidationError("--data-dir must be an absolute path") }
    }

    func run() throws {
      let (_, t) = try loadValidated(file)
      let files = EmitPlan.files(t, options: ServerConfigOptions(dataRoot: dataDir))
      var writer = OutputFolder(path: output)
      let plan = try writer.plan(files)
      if check {
        out(plan.checkReport())
        if plan.hasDrift { throw ExitCode(1) }
        return
      }
      if !plan.conflicts.isEmpty && !force {
        err(
          "quorate: error: refusing to replace \(plan.conflicts.count) file\(plan.conflicts.count == 1 ? "" : "s") in '\(output)' that quorate did not write or that changed since it did:\n"
        )
        for c in plan.conflicts { err("  \(c.path)\n") }
        err("  help: look at them with 'quorate emit --check', then run again with --force to replace them\n")
        throw ExitCode(2)
      }
      try writer.apply(plan, manifest: EmitPlan.manifest(files))
      out(plan.summary(folder: output))
    }
  }
}

/// The file system side of `emit`: plans against what is on disk, then writes atomically.
struct OutputFolder {
  let path: String
  var root = ""

  struct Change {
    enum Kind { case create, update, conflict }
    let kind: Kind
    let path: String
    let old: String?
    let new: String
  }

  struct Plan {
    var changes: [Change] = []
    var unchanged = 0
    /// Files quorate wrote before that the topology no longer produces, and are untouched.
    var stale: [String] = []
    /// Same, but changed since: left alone.
    var staleChanged: [String] = []

    var conflicts: [Change] { changes.filter { $0.kind == .conflict } }
    var hasDrift: Bool { !changes.isEmpty || !stale.isEmpty }

    func checkReport() -> String {
      var out = ""
      for c in changes {
        switch c.kind {
        case .create: out += "missing: \(c.path)\n"
        case .update: out += "changed: \(c.path)\n"
        case .conflict: out += "changed: \(c.path) (edited by hand or not written by quorate)\n"
        }
        if let old = c.old { out += TextDiff.unified(old: old, new: c.new, path: c.path) }
      }
      for s in stale { out += "stale: \(s) (no longer produced by the topology)\n" }
      for s in staleChanged { out += "stale: \(s) (no longer produced, changed by hand: left alone)\n" }
      let drift = changes.count + stale.count
      out +=
        drift == 0 ? "up to date: \(unchanged) files\n" : "drift: \(drift) file\(drift == 1 ? "" : "s") would change\n"
      return out
    }

    func summary(folder: String) -> String {
      let created = changes.filter { $0.kind == .create }.count
      let updated = changes.count - created
      return "wrote \(folder): \(created) created, \(updated) updated, \(unchanged) unchanged, \(stale.count) removed\n"
    }
  }

  init(path: String) { self.path = path }

  static func read(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }

  /// Compares the files with what is on disk. Reads only.
  mutating func plan(_ files: [EmittedFile]) throws -> Plan {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
      throw fail("'\(path)' exists and is not a folder")
    }
    let manifest = Self.read("\(path)/\(EmitPlan.manifestName)").map(EmitPlan.parseManifest) ?? [:]
    var plan = Plan()
    for f in files {
      let target = "\(path)/\(f.path)"
      guard let existing = Self.read(target) else {
        plan.changes.append(Change(kind: .create, path: f.path, old: nil, new: f.contents))
        continue
      }
      if existing == f.contents {
        plan.unchanged += 1
      } else if manifest[f.path] == EmitPlan.digest(existing) {
        plan.changes.append(Change(kind: .update, path: f.path, old: existing, new: f.contents))
      } else {
        plan.changes.append(Change(kind: .conflict, path: f.path, old: existing, new: f.contents))
      }
    }
    let produced = Set(files.map(\.path))
    for (p, digest) in manifest.sorted(by: { $0.key < $1.key }) where !produced.contains(p) {
      guard let existing = Self.read("\(path)/\(p)") else { continue }
      if EmitPlan.digest(existing) == digest { plan.stale.append(p) } else { plan.staleChanged.append(p) }
    }
    return plan
  }

  /// Writes every change atomically, removes stale files, then the manifest.
  mutating func apply(_ plan: Plan, manifest: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw fail("cannot create '\(path)': \(describe(error))")
    }
    guard let real = realpath(path, nil) else { throw fail("cannot resolve '\(path)'") }
    root = String(cString: real)
    free(real)
    for c in plan.changes { try write(c.path, c.new) }
    for s in plan.stale { try? FileManager.default.removeItem(atPath: "\(path)/\(s)") }
    try write(EmitPlan.manifestName, manifest)
  }

  func describe(_ error: any Error) -> String {
    (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
  }

  /// Writes one file: a temporary file in the same folder, fsync, rename. On any failure the
  /// temporary file is removed, so no half-written file is ever left.
  func write(_ relative: String, _ contents: String) throws {
    let target = "\(path)/\(relative)"
    let dir = (target as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw fail("cannot create folder '\(dir)': \(describe(error))")
    }
    // Nothing may land outside the output folder, not even through a symbolic link.
    guard let realDir = realpath(dir, nil) else { throw fail("cannot resolve '\(dir)'") }
    let resolved = String(cString: realDir)
    free(realDir)
    guard resolved == root || resolved.hasPrefix(root + "/") else {
      throw fail("'\(dir)' resolves to '\(resolved)', outside '\(path)'; refusing to write there")
    }
    let temporary = "\(dir)/.\((relative as NSString).lastPathComponent).quorate-\(getpid()).tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw fail("cannot write '\(target)': \(String(cString: strerror(errno)))") }
    var ok = true
    var problem = ""
    let bytes = Array(contents.utf8)
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        ok = false
        problem = String(cString: strerror(errno))
        break
      }
      written += n
    }
    if ok && fsync(fd) != 0 {
      ok = false
      problem = String(cString: strerror(errno))
    }
    if close(fd) != 0 && ok {
      ok = false
      problem = String(cString: strerror(errno))
    }
    if ok && rename(temporary, target) != 0 {
      ok = false
      problem = String(cString: strerror(errno))
    }
    if !ok {
      unlink(temporary)
      throw fail("cannot write '\(target)': \(problem); nothing was left half-written")
    }
  }
}
