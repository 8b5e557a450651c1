import Foundation
import Testing

/// `quorate emit`: golden output, idempotence, drift, and writes that fail cleanly.
@Suite(.serialized) struct EmitTests {
  let golden = packageRoot.appendingPathComponent("Tests/QuorateTests/Golden/emit-payments-prod")

  func temporaryFolder(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-\(name)-\(getpid())")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  func listFiles(_ dir: URL) -> [String] {
    let e = FileManager.default.enumerator(atPath: dir.path)
    var out: [String] = []
    while let p = e?.nextObject() as? String {
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: dir.appendingPathComponent(p).path, isDirectory: &isDir),
        !isDir.boolValue
      {
        out.append(p)
      }
    }
    return out.sorted()
  }

  @Test func outputMatchesTheGoldenFilesByteForByte() throws {
    let dir = try temporaryFolder("golden")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try quorate("emit", "topologies/payments-prod.yaml", "--output", dir.path)
    #expect(r.status == 0, "\(r.stderr)")
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
      try? FileManager.default.removeItem(at: golden)
      try FileManager.default.copyItem(at: dir, to: golden)
      Issue.record("recorded new golden files in \(golden.path): read them, then run again without RECORD_GOLDEN")
      return
    }
    #expect(listFiles(dir) == listFiles(golden))
    for f in listFiles(golden) {
      let want = try String(contentsOf: golden.appendingPathComponent(f), encoding: .utf8)
      let got = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
      #expect(got == want, "\(f) differs from the golden file (RECORD_GOLDEN=1 re-records)")
    }
    // The same input read from standard input gives the same bytes.
    let dir2 = try temporaryFolder("golden-stdin")
    defer { try? FileManager.default.removeItem(at: dir2) }
    let text = try String(
      contentsOf: packageRoot.appendingPathComponent("topologies/payments-prod.yaml"), encoding: .utf8)
    #expect(try quorate("emit", "-", "--output", dir2.path, stdin: text).status == 0)
    for f in listFiles(golden) {
      #expect(
        FileManager.default.contentsEqual(
          atPath: dir.appendingPathComponent(f).path, andPath: dir2.appendingPathComponent(f).path), "\(f)")
    }
  }

  @Test func emitIsIdempotentAndCheckFindsDrift() throws {
    let dir = try temporaryFolder("drift")
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(try quorate("emit", "topologies/payments-prod.yaml", "-o", dir.path).status == 0)
    let again = try quorate("emit", "topologies/payments-prod.yaml", "-o", dir.path)
    #expect(again.stdout.contains("0 created, 0 updated, 27 unchanged"))
    let clean = try quorate("emit", "topologies/payments-prod.yaml", "-o", dir.path, "--check")
    #expect(clean.status == 0 && clean.stdout.contains("up to date: 27 files"))

    // A hand edit is drift, shown as a diff; emit refuses to replace it without --force.
    let cfg = dir.appendingPathComponent("servers/global/zk-a1/zoo.cfg")
    let original = try String(contentsOf: cfg, encoding: .utf8)
    try original.replacingOccurrences(of: "tickTime=2000", with: "tickTime=3000").write(
      to: cfg, atomically: true, encoding: .utf8)
    let foreign = dir.appendingPathComponent("notes.txt")
    try "mine\n".write(to: foreign, atomically: true, encoding: .utf8)
    let drift = try quorate("emit", "topologies/payments-prod.yaml", "-o", dir.path, "--check")
    #expect(drift.status == 1)
    #expect(drift.stdout.contains("changed: servers/global/zk-a1/zoo.cfg"))
    #expect(drift.stdout.contains("-tickTime=3000\n+tickTime=2000\n"))
    #expect(!drift.stdout.contains("notes.txt"))
    let refused = try quorate("emit", "topologies/payments-prod.yaml", "-o", dir.path)
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("servers/global/zk-a1/zoo.cfg") && refused.stderr.contains("--force"))
    #expect(try String(contentsOf: cfg, encoding: .utf8).contains("tickTime=3000"))
    #expect(try quorate("emit", "topologies/payments-prod.yaml", "-o", dir.path, "--force").status == 0)
    #expect(try String(contentsOf: cfg, encoding: .utf8) == original)
    #expect(try String(contentsOf: foreign, encoding: .utf8) == "mine\n")

    // A topology change updates quorate's own files without --force, and removes stale ones.
    let smaller = try String(
      contentsOf: packageRoot.appendingPathComponent("topologies/payments-prod.yaml"), encoding: .utf8
    )
    .replacingOccurrences(
      of:
        "  payment-gateway:\n    datacenter: sh-a\n    registries: [sh-local, global]   # several registries (Dubbo multi-registry), first preferred\n    sessionTimeout: 40s\n    connect: local              # only servers in the app's own datacenter (default: all)\n",
      with: "")
    let update = try quorate("emit", "-", "-o", dir.path, stdin: smaller)
    #expect(update.status == 0, "\(update.stderr)")
    #expect(update.stdout.contains("4 removed"))
    #expect(
      !FileManager.default.fileExists(atPath: dir.appendingPathComponent("apps/payment-gateway/dubbo.properties").path))
  }

  @Test func failedWritesLeaveNoPartialFileAndExitTwo() throws {
    // A folder quorate must create is a file: the write fails before anything lands there.
    let dir = try temporaryFolder("blocked")
    defer { try? FileManager.default.removeItem(at: dir) }
    try "not a folder\n".write(to: dir.appendingPathComponent("apps"), atomically: true, encoding: .utf8)
    let r = try quorate("emit", "topologies/payments-prod.yaml", "-o", dir.path)
    #expect(r.status == 2)
    #expect(r.stderr.contains("cannot create folder"))
    #expect(listFiles(dir).allSatisfy { !$0.contains(".tmp") })

    // A full disk, simulated with a 1-block file size limit: the first file fails mid-write.
    let full = try temporaryFolder("full")
    defer { try? FileManager.default.removeItem(at: full) }
    let big = try String(
      contentsOf: packageRoot.appendingPathComponent("topologies/payments-prod.yaml"), encoding: .utf8)
    let sh = try runProcess(
      "/bin/sh", ["-c", "ulimit -f 1; exec \"$0\" emit - -o \"$1\"", quorateBinary, full.path], stdin: big)
    #expect(sh.status == 2, "\(sh.stderr)")
    #expect(sh.stderr.contains("nothing was left half-written"))
    let left = listFiles(full)
    #expect(left.allSatisfy { !$0.contains(".tmp") }, "\(left)")
    // Whatever was written before the failure is complete: every file present has its full size.
    for f in left {
      let want = try String(contentsOf: golden.appendingPathComponent(f), encoding: .utf8)
      #expect(try String(contentsOf: full.appendingPathComponent(f), encoding: .utf8) == want, "\(f)")
    }
  }

  @Test func nothingIsWrittenOutsideTheOutputFolder() throws {
    let dir = try temporaryFolder("escape")
    let elsewhere = try temporaryFolder("elsewhere")
    defer {
      try? FileManager.default.removeItem(at: dir)
      try? FileManager.default.removeItem(at: elsewhere)
    }
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("servers").path, withDestinationPath: elsewhere.path)
    let r = try quorate("emit", "topologies/payments-prod.yaml", "-o", dir.path)
    #expect(r.status == 2)
    #expect(r.stderr.contains("outside"))
    #expect(listFiles(elsewhere).isEmpty)
  }
}

@Suite struct NoLocalServerTests {
  /// `connect: local` with no member in the app's datacenter (V306): nothing to list.
  let yaml = """
    quorate: 1
    name: t
    datacenters:
      a:
        machines:
          m1: {host: 10.0.0.1}
          m2: {host: 10.0.0.2}
          m3: {host: 10.0.0.3}
      b:
        machines:
          x1: {host: 10.0.1.1}
    ensembles:
      e:
        voters: [m1, m2, m3]
    apps:
      w:
        datacenter: b
        registry: e
        connect: local
        sessionTimeout: 40s

    """

  @Test func noBogusConnectStringOrAddress() throws {
    let r = try quorate("connect", "-", "--format", "json", stdin: yaml)
    #expect(r.status == 0)
    #expect(r.stdout.contains("\"connectString\": \"\""))
    #expect(r.stdout.contains("\"dubboAddress\": \"\""))
    #expect(!r.stdout.contains("zookeeper://\""))
    let check = try quorate("check", "-", stdin: yaml)
    #expect(check.stdout.contains("warning[V306]"))
  }
}

@Suite struct ReportGoldenTests {
  @Test func markdownReportOfTheSpecExample() throws {
    let golden = packageRoot.appendingPathComponent("Tests/QuorateTests/Golden/report-payments-prod.md")
    let r = try quorate("report", "topologies/payments-prod.yaml", "--format", "markdown")
    #expect(r.status == 0)
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
      try r.stdout.write(to: golden, atomically: true, encoding: .utf8)
      Issue.record("recorded \(golden.path): read it, then run again without RECORD_GOLDEN")
      return
    }
    #expect(r.stdout == (try String(contentsOf: golden, encoding: .utf8)), "RECORD_GOLDEN=1 re-records")
  }
}
