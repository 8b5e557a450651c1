import Testing
import TopologyEmitters
import TopologyModel

/// The files `emit` renders one folder at a time: the plan walks them in path order and the
/// writer walks them again, so the order and the texts must not depend on how they are read.
@Suite struct EmittedFilesTests {
  /// Names that sort one way alone and another way as folders: "a" < "a-b" < "a.b" < "a0" as
  /// names, but "apps/a-b/" < "apps/a.b/" < "apps/a/" < "apps/a0/" as paths ('-' and '.' come
  /// before '/', which comes before '0').
  let topology = """
    ensembles:
      e:
        voters: [a1, b1, c1]
      e-2:
        voters: [a2, b2, c2]
    apps:
      a: { datacenter: dc1, registry: e }
      a-b: { datacenter: dc2, registries: [e, e-2] }
      a.b: { datacenter: dc3, registry: e-2 }
      a0: { datacenter: dc1, registry: e-2 }

    """

  @Test func filesComeInByteOrderOfTheirPaths() throws {
    let t = try validated(topology)
    let files = Array(EmitPlan.files(t, options: ServerConfigOptions()))
    let paths = files.map(\.path)
    // 4 apps x 4 files, the index, 6 servers x 2 files.
    #expect(paths.count == 4 * 4 + 1 + 6 * 2)
    #expect(EmitPlan.files(t, options: ServerConfigOptions()).count == paths.count)
    #expect(paths == paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    #expect(Set(paths).count == paths.count)
    #expect(
      paths.prefix(4) == [
        "apps/a-b/application.yml", "apps/a-b/connect-strings.txt", "apps/a-b/dubbo-registry.xml",
        "apps/a-b/dubbo.properties",
      ])
    #expect(
      paths.filter { $0.hasSuffix("/application.yml") }.map { $0.split(separator: "/")[1] } == [
        "a-b", "a.b", "a", "a0",
      ])
    // Servers of "e-2" before those of "e": "servers/e-2/" < "servers/e/".
    #expect(paths.first { $0.hasPrefix("servers/") } == "servers/e-2/a2/myid")
    #expect(paths.last == "servers/e/c1/zoo.cfg")
  }

  @Test func theIndexListsEveryOtherFileOnceInOrder() throws {
    let t = try validated(topology)
    let files = Array(EmitPlan.files(t, options: ServerConfigOptions()))
    let index = try #require(files.first { $0.path == "index.md" })
    let listed = index.contents.split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("| `") else { return nil }
      return String(line.dropFirst(3).prefix { $0 != "`" })
    }
    #expect(listed == files.map(\.path).filter { $0 != "index.md" })
  }

  @Test func iteratingAgainGivesTheSameTexts() throws {
    let t = try validated(topology)
    let files = EmitPlan.files(t, options: ServerConfigOptions(dataRoot: "/data/zk"))
    #expect(Array(files) == Array(files))
    // Each text is the one the single-file renderers give, not a neighbour's.
    for f in files where f.path.hasSuffix("/zoo.cfg") {
      let parts = f.path.split(separator: "/")
      let e = try #require(t.ensembles.first { $0.name == parts[1] })
      let m = try #require(e.members.first { t.machines[$0.machine].name == parts[2] })
      #expect(
        f.contents == ZooKeeperConfig.zooCfg(e, member: m, in: t, options: ServerConfigOptions(dataRoot: "/data/zk")))
      #expect(f.contents.contains("dataDir=/data/zk/\(parts[1])/\(parts[2])\n"))
    }
    for f in files where f.path.hasSuffix("/connect-strings.txt") {
      let app = try #require(t.apps.first { $0.name == f.path.split(separator: "/")[1] })
      #expect(f.contents == AppConfig.connectStrings(app, t))
    }
  }

  /// Each file is digested, compared and written piece by piece (a header, a body shared by
  /// every app of a shape; the index line by line): every one of those must see exactly the
  /// bytes of the file joined, for the plan and the writer to agree with the manifest.
  @Test func piecesAreDigestedComparedAndWrittenAsTheJoinedText() throws {
    // Enough apps for an index past the 64 KiB the writer gathers before each write.
    let names = (0..<700).map { "app-with-a-long-name-\($0)" }
    let apps = names.map { "  \($0): { datacenter: dc1, registry: e }" }.joined(separator: "\n")
    let t = try validated("ensembles:\n  e:\n    voters: [a1, b1, c1]\napps:\n\(apps)\n")
    var kinds = Set<String>()
    for f in EmitPlan.files(t, options: ServerConfigOptions()) {
      let whole = Array(f.contents.utf8)
      kinds.insert(String(f.path.split(separator: "/").last ?? ""))
      // The digest a plain FNV-1a over the whole file gives.
      var fnv: UInt64 = 0xcbf2_9ce4_8422_2325
      for b in whole { fnv = (fnv ^ UInt64(b)) &* 0x100_0000_01B3 }
      #expect(f.digest == fnv, "\(f.path)")
      #expect(f.isContents(of: whole), "\(f.path)")
      // One byte short, one more, one changed at the start, the middle and the end.
      #expect(!f.isContents(of: whole.dropLast()), "\(f.path)")
      #expect(!f.isContents(of: whole + [0x0A]), "\(f.path)")
      for at in [0, whole.count / 2, whole.count - 1] {
        var changed = whole
        changed[at] ^= 0x20
        #expect(!f.isContents(of: changed), "\(f.path) at \(at)")
      }
      var written: [UInt8] = []
      var writes = 0
      f.write {
        written += $0
        writes += 1
      }
      #expect(written == whole, "\(f.path)")
      #expect(writes == (whole.count + (1 << 16) - 1) >> 16, "\(f.path): one write per 64 KiB")
    }
    #expect(kinds.isSuperset(of: ["index.md", "dubbo-registry.xml", "application.yml", "zoo.cfg", "myid"]))
    let index = try #require(EmitPlan.files(t, options: ServerConfigOptions()).first { $0.path == "index.md" })
    #expect(index.contents.utf8.count > 1 << 17)
  }
}
