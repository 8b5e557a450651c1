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
}
