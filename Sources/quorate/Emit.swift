import ArgumentParser
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel
import TopologyRendering

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
        index.md, .quorate-manifest, and .quorate-stat-cache (stamps of the files, so that \
        the next run reads only the ones that changed). Writes are atomic and never leave the output folder: \
        a symbolic link inside it is refused, not followed. A run that was killed is finished \
        by the next one. Files quorate did not write are left alone; replacing a file that was \
        changed by hand needs --force. --check writes nothing and exits 1 when anything would \
        change.

        Examples:
          quorate emit topo.yaml --output out/
          quorate emit topo.yaml --output out/ --check      # in CI: exit 1 on drift
        """)

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup var json: JSONOutputOptions

    @Option(name: .shortAndLong, help: "The output folder.")
    var output: String

    @Flag(help: "Write nothing; list (with a diff) every file that would change, exit 1 on drift.")
    var check = false

    @Option(help: "Output format: text or json (what was, or would be, created, updated and removed).")
    var format: OutputFormat = .text

    @Flag(help: "Replace files that were changed by hand or not written by quorate.")
    var force = false

    @Option(help: "The root of every server's dataDir: <root>/<ensemble>/<machine>.")
    var dataDir: String = "/var/lib/zookeeper"

    @Option(help: "The root of every server's dataLogDir (the transaction log on a disk of its own).")
    var dataLogDir: String?

    func validate() throws {
      if check && force { throw ValidationError("--check and --force do not go together") }
      guard dataDir.hasPrefix("/") else { throw ValidationError("--data-dir must be an absolute path") }
      if let dataLogDir, !dataLogDir.hasPrefix("/") {
        throw ValidationError("--data-log-dir must be an absolute path")
      }
      for (flag, value) in [("--data-dir", dataDir), ("--data-log-dir", dataLogDir ?? "/")]
      where value.contains(where: { $0.isNewline || $0 == "\0" }) {
        throw ValidationError("\(flag) must not contain a line break")
      }
    }

    func run() throws {
      // The folder is opened, its manifest and stat cache read, and its files looked at, on
      // other threads while the topology loads (on L, reading and parsing the 10 MB manifest
      // before the load was 50 ms of emit --check's critical path). Anything unusual (no
      // folder, a lock held, a linked manifest) is left for after the load, so that a broken
      // topology is still reported first.
      let (output, check) = (output, check)
      let opening = TwoCores.Pending { try? Self.open(output, create: false, check: check) }
      let (_, t) = try loadValidated(file, json: format == .json)
      let files = EmitPlan.files(t, options: ServerConfigOptions(dataRoot: dataDir, dataLogRoot: dataLogDir))
      do {
        try emit(files, opened: opening.wait() ?? nil)
      } catch let e as FolderError {
        throw fail(e.description)
      }
    }

    /// The output folder, locked, with its manifest and stat cache read, and the digests of the
    /// files the manifest lists being worked out (``DigestSweep``).
    struct Opened {
      let folder: SafeFolder
      /// The digest of the manifest's bytes, when there is one (its bytes are not kept: 10 MB
      /// on an estate, only ever compared with the manifest about to be written).
      let manifestDigest: UInt64?
      let known: Manifest
      /// The stat cache, when it belongs to the manifest.
      let cache: StatCache?
      let sweep: DigestSweep?
    }

    /// Opens and locks the folder (creating it with `create`) and starts the sweep; nil when
    /// it does not exist and is not to be created.
    private static func open(_ output: String, create: Bool, check: Bool) throws(FolderError) -> Opened? {
      guard let folder = try SafeFolder.open(output, create: create) else { return nil }
      try folder.lock(exclusive: !check)
      let manifest: [UInt8]?
      switch folder.read(EmitPlan.manifestName) {
      case .missing: manifest = nil
      case .file(let bytes): manifest = bytes
      case .blocked(let what): throw FolderError(description: "\(what); quorate keeps its manifest there")
      }
      let known = manifest.map(Manifest.init(parsing:)) ?? Manifest()
      let manifestDigest = manifest.map(EmitPlan.digest)
      var cache: StatCache?
      if let manifestDigest, case .file(let bytes) = folder.read(StatCache.fileName) {
        cache = StatCache(parsing: bytes, manifest: known, manifestDigest: manifestDigest)
      }
      let sweep = known.count > 0 ? DigestSweep(known, cache: cache, folder: folder) : nil
      return Opened(folder: folder, manifestDigest: manifestDigest, known: known, cache: cache, sweep: sweep)
    }

    private func emit(_ files: EmittedFiles, opened early: Opened?) throws {
      guard let opened = try early ?? Self.open(output, create: !check, check: check) else {
        // --check against a folder that does not exist: every file is missing.
        let plan = OutputPlan.make(files, manifest: nil) { _ in .missing }
        report(plan)
        if plan.hasDrift { throw ExitCode(1) }
        return
      }
      let (folder, sweep) = (opened.folder, opened.sweep)
      if !check {
        let leftovers = folder.removeTemporaries()
        if leftovers > 0 {
          err(
            "quorate: note: removed \(Wording.count(leftovers, "temporary file")) an interrupted run left in '\(output)'\n"
          )
        }
      }
      // Where the plan gets ahead of the sweep, it asks the stat cache itself (one `fstatat`)
      // before it reads the file (the sweep then jumps past the plan): on L the plan read about
      // 10,000 files whole each run that the cache vouched for, reads a cold page cache pays
      // from disk.
      let cache = opened.cache
      let plan = OutputPlan.make(
        files, known: opened.known, keepingTexts: check,
        digestNow: { path, listed in
          sweep?.digest(listed) ?? cache?.digest(at: listed, stampNow: folder.stamp(path))
        },
        read: folder.read)
      sweep?.stop()  // the plan has every digest it needs: nothing more to read
      for entry in plan.rejectedManifestEntries {
        err("quorate: warning: ignoring '\(entry)' in \(EmitPlan.manifestName): not a path inside '\(output)'\n")
      }
      if check {
        report(plan)
        if plan.hasDrift || !plan.blocked.isEmpty { throw ExitCode(1) }
        return
      }
      if !plan.blocked.isEmpty {
        err(
          "quorate: error: refusing to write to '\(output)': \(Wording.count(plan.blocked.count, "path")) \(plan.blocked.count == 1 ? "goes" : "go") through something quorate will not follow or replace:\n"
        )
        // One line per obstacle: a link above many files is one cause.
        var seen: [String: Int] = [:]
        var order: [(what: String, first: String)] = []
        for b in plan.blocked {
          if seen[b.what] == nil { order.append((b.what, b.path)) }
          seen[b.what, default: 0] += 1
        }
        for o in order {
          let more = seen[o.what]! - 1
          err("  \(o.what) (\(o.first)\(more > 0 ? " and \(Wording.count(more, "more file"))" : ""))\n")
        }
        err(
          "  help: a symbolic link could lead outside the output folder; remove it (or choose another --output) and run again\n"
        )
        throw ExitCode(2)
      }
      if !plan.conflicts.isEmpty && !force {
        err(
          "quorate: error: refusing to replace \(Wording.count(plan.conflicts.count, "file")) in '\(output)' that quorate did not write or that changed since it did:\n"
        )
        for c in plan.conflicts { err("  \(c.path)\n") }
        err("  help: look at them with 'quorate emit --check', then run again with --force to replace them\n")
        throw ExitCode(2)
      }
      let manifestDigest = try write(plan, files, into: folder, replacing: opened.manifestDigest)
      keepStatCache(plan, in: folder, manifestDigest: manifestDigest, filesRead: plan.read + (sweep?.filesRead ?? 0))
      report(plan)
    }

    /// Records every file's stamp and digest in the stat cache, so that the next run reads only
    /// the files that changed. Skipped when the cache already vouched for every file and the
    /// manifest is the same (a run that changes nothing changes no file). A cache that cannot
    /// be written costs only speed: a warning, not a failure.
    ///
    /// Each file's stamp is recorded with the digest of the bytes read after it, through the
    /// same open file, never with the digest quorate meant to write: a file edited by someone
    /// else between quorate's write and this pass is recorded as it is, so the next run sees the
    /// edit as drift. (Reading costs this pass about as much as the plan's reading; only runs
    /// that wrote, or read files the cache could not vouch for, make it.)
    private func keepStatCache(_ plan: OutputPlan, in folder: SafeFolder, manifestDigest: UInt64?, filesRead: Int) {
      if manifestDigest == nil && filesRead == 0 { return }
      let now = SafeFolder.now()
      var digests: [UInt64] = []
      var stamps: [FileStamp?] = []
      if plan.pathsInManifestOrder {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        for path in plan.filePaths {
          // A file changed within the margin is not recorded, and not read.
          if let stamp = folder.stamp(path), StatCache.settled(stamp, at: now),
            let file = folder.digest(path, buffer: buffer)
          {
            digests.append(file.digest)
            stamps.append(file.stamp)
          } else {
            digests.append(0)
            stamps.append(nil)
          }
        }
      }
      guard stamps.contains(where: { $0.map { StatCache.settled($0, at: now) } ?? false }) else {
        // Nothing settled enough to record: an old cache could only be wrong about this manifest.
        folder.remove(StatCache.fileName)
        return
      }
      let digest = manifestDigest ?? plan.manifestDigest
      do {
        try folder.writeAtomically(StatCache.fileName) { sink in
          StatCache.write(manifestDigest: digest, digests: digests, stamps: stamps, now: now, to: sink)
        }
      } catch {
        err("quorate: warning: \(error.description); the next run reads every file again\n")
      }
    }

    /// Prints what the plan did (or, with --check, would do).
    private func report(_ plan: OutputPlan) {
      switch format {
      case .json: outJSON(EmitRendering.json(plan, folder: output, check: check))
      case .text: out(check ? plan.checkReport() : plan.summary(folder: output))
      }
    }

    /// Writes a plan so that a run killed at any point leaves every file as it was or complete,
    /// and the next plain `emit` finishes the job: the journal manifest first (old and new
    /// digests), then every new file as a temporary file, one sync, the renames, the removals,
    /// one more sync, and the final manifest. Each changed file is rendered again as it is
    /// written: the plan keeps digests, not texts.
    /// Returns the digest of the manifest it wrote, or nil when it wrote nothing.
    private func write(
      _ plan: OutputPlan, _ files: EmittedFiles, into folder: SafeFolder, replacing manifestDigest: UInt64?
    ) throws -> UInt64? {
      // The manifest is rewritten when it would change: when its digest would (the stat cache
      // already takes a manifest's digest for the manifest).
      guard plan.hasDrift || manifestDigest != plan.manifestDigest else { return nil }
      deferInterrupts()
      var step = 0
      // Fault injection for the crash tests: QUORATE_EMIT_STOP_AT=N stops the process (SIGSTOP)
      // before its Nth file operation, so a test can SIGKILL it at exactly that point.
      let stopAt = environment("QUORATE_EMIT_STOP_AT").flatMap { Int($0) }
      func checkpoint() {
        step += 1
        if step == stopAt { raise(SIGSTOP) }
      }
      checkpoint()
      if plan.hasDrift { try folder.writeAtomically(EmitPlan.manifestName, writing: plan.writeJournal) }
      // What is written and not yet renamed into place, as positions in `plan.changes` (a
      // path each, as a `String`, was 17 MB of the peak on an estate).
      let changes = plan.changes
      var pending = 0
      func discard() { for k in 0..<pending { folder.discardTemporary(changes[k].path) } }
      // The changes come in the files' order: one walk over both.
      for (i, f) in files.enumerated() {
        guard pending < changes.count else { break }
        let c = changes[pending]
        guard c.file == i else { continue }
        guard c.path == f.path else {
          discard()
          throw fail("internal error: file \(i) was '\(c.path)' when planned, '\(f.path)' now; nothing was replaced")
        }
        if interruptRequested != 0 {
          discard()
          throw fail("interrupted; no file in '\(output)' was replaced")
        }
        do {
          checkpoint()
          _ = try folder.writeTemporary(f.path, sync: false, writing: f.write)
        } catch {
          discard()
          throw error
        }
        pending += 1
      }
      if pending < changes.count {
        discard()
        throw fail(
          "internal error: '\(changes[pending].path)' was planned but not produced again; nothing was replaced")
      }
      folder.syncAll()
      for k in 0..<pending {
        checkpoint()
        try folder.commit(changes[k].path)
      }
      for s in plan.stale {
        checkpoint()
        folder.remove(s)
      }
      checkpoint()
      folder.syncAll()
      var digest = EmitPlan.digestSeed
      try folder.writeAtomically(EmitPlan.manifestName) { sink in
        plan.writeManifest { piece in
          digest = EmitPlan.digest(continuing: digest, piece)
          sink(piece)
        }
      }
      return digest
    }
  }
}
