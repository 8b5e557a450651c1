import Foundation
import Testing

/// `quorate audit`: existing zoo.cfg, myid and Dubbo files against the topology. Expected codes
/// and positions are worked out by hand from the files below and the facts on how Dubbo and
/// ZooKeeper parse addresses (a comma inside zookeeper:// is one host; a port-less primary is
/// 9090; `|` and `;` split registries).
@Suite(.serialized) struct AuditTests {
  let topology = "topologies/payments-prod.yaml"

  func folder(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-audit-\(name)-\(getpid())")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  /// Code@line:column of every diagnostic of a JSON audit.
  func found(_ arguments: [String]) throws -> (status: Int32, codes: [String]) {
    let r = try quorate(["audit", topology, "--format", "json"] + arguments)
    let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
    let list = doc["diagnostics"] as? [[String: Any]] ?? []
    let codes = list.map { d in "\(d["code"] ?? "")@\(d["line"] ?? 0):\(d["column"] ?? 0)" }
    return (r.status, codes)
  }

  @Test func emittedServerFilesHaveNoDifferences() throws {
    let dir = try folder("emitted")
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(try quorate("emit", topology, "-o", dir.path).status == 0)
    let cfgs = ["global/zk-a1", "global/zk-c2", "sh-local/zk-c3"].map { dir.path + "/servers/\($0)/zoo.cfg" }
    let r = try found(cfgs.flatMap { ["--zoo-cfg", $0] })
    #expect(r.status == 0)
    #expect(r.codes.isEmpty, "\(r.codes)")
  }

  @Test func zooCfgDifferencesPointIntoTheFile() throws {
    let dir = try folder("zoocfg")
    defer { try? FileManager.default.removeItem(at: dir) }
    // 'global' is zk-a1 zk-a2 zk-b1 zk-b2 zk-c1 (ids 1-5) and observer zk-c2 (id 6).
    let cfg = """
      tickTime=3000
      initLimit=10
      syncLimit=5
      server.1=10.1.0.11:2888:3888
      server.2=10.1.0.12:2888:3889
      server.3=10.2.0.11:2888:3888:observer
      server.7=zk-b2.bj-b.example.com:2888:3888
      server.6=[fd00::c2]:2888:3888:observer
      server.9=10.9.9.9:2888:3888
      """
    let path = dir.appendingPathComponent("zoo.cfg").path
    try cfg.write(toFile: path, atomically: true, encoding: .utf8)
    try "3\n".write(toFile: dir.appendingPathComponent("myid").path, atomically: true, encoding: .utf8)
    let r = try found(["--zoo-cfg", path])
    #expect(r.status == 1)
    #expect(
      Set(r.codes)
        == [
          "U709@1:10",  // tickTime 3000, plan 2000
          "U706@5:10",  // zk-a2's election port
          "U705@6:10",  // zk-b1 is a voter in the plan
          "U704@7:10",  // zk-b2 is server.4 in the plan
          "U702@9:10",  // zk-c1 missing (pointed at the last server line)
          "U703@9:10",  // 10.9.9.9 is not a member
        ], "\(r.codes)")
    // myid 3 is in the file's list and the folder is not a machine name: no U708.
    try "8\n".write(toFile: dir.appendingPathComponent("myid").path, atomically: true, encoding: .utf8)
    #expect(try found(["--zoo-cfg", path]).codes.contains("U708@1:1"))
    // Written on Windows ("\r\n" is one Swift Character) or padded, it reads as 8 all the same.
    try " 8\r\n".write(toFile: dir.appendingPathComponent("myid").path, atomically: true, encoding: .utf8)
    let windows = try quorate(["audit", topology, "--format", "json", "--zoo-cfg", path])
    #expect(windows.stdout.contains("myid says 8"), "\(windows.stdout)")

    // Groups on 'global', a plain majority in the plan; a file of servers the plan has not.
    let grouped = cfg.replacingOccurrences(of: "tickTime=3000", with: "tickTime=2000") + "\ngroup.1=1:2:3\n"
    try grouped.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try found(["--zoo-cfg", path]).codes.contains("U707@10:9"))
    try "server.1=10.99.0.1:2888:3888\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try found(["--zoo-cfg", path]).codes == ["U701@1:10"])
  }

  @Test func dubboMistakesInEachSpelling() throws {
    let dir = try folder("dubbo")
    defer { try? FileManager.default.removeItem(at: dir) }
    // As Dubbo's docs write them: properties, Spring XML with protocol="zookeeper", Spring Boot YAML.
    let properties = """
      dubbo.application.name=order-service
      dubbo.registry.address=zookeeper://10.1.0.11:2181,10.1.0.12:2181
      dubbo.registries.b.address=zookeeper://10.1.0.11:2181?backup=10.3.0.11:2182
      dubbo.registries.c.address=zookeeper://10.1.0.11:2181?backup=10.1.0.12:2181,10.1.0.12:2181
      dubbo.registries.d.address=zookeeper://10.1.0.11:2181|zookeeper://10.1.0.12:2181
      dubbo.registries.e.address=zookeeper://10.77.0.1:2181
      """
    let xml = """
      <beans xmlns:dubbo="http://dubbo.apache.org/schema/dubbo">
          <dubbo:registry protocol="zookeeper" address="10.1.0.11,10.1.0.12:2181"/>
      </beans>
      """
    let yaml = """
      dubbo:
        registry:
          address: zookeeper://10.3.0.11:2182?backup=10.3.0.13:2182&session=90000
      """
    let p = dir.appendingPathComponent("dubbo.properties").path
    let x = dir.appendingPathComponent("dubbo.xml").path
    let y = dir.appendingPathComponent("application.yml").path
    try properties.write(toFile: p, atomically: true, encoding: .utf8)
    try xml.write(toFile: x, atomically: true, encoding: .utf8)
    try yaml.write(toFile: y, atomically: true, encoding: .utf8)
    let r = try found(["--dubbo", p, "--dubbo", x, "--dubbo", y])
    #expect(r.status == 1)
    #expect(
      Set(r.codes)
        == [
          "U720@2:36",  // the host part after zookeeper://
          "U722@3:28",  // global and sh-local in one registry
          "U723@4:77",  // the second 10.1.0.12:2181: value at 28, backups at 62, + 15
          "U725@5:55",  // the second registry after '|'
          "U726@6:28",
          "U721@2:51",  // xml: port-less primary
          "U724@3:14",  // sh-local allows 4-40 s
        ], "\(r.codes)")
  }

  @Test func connectStringsAndUsage() throws {
    let r = try found(["--connect-string", "10.1.0.11:2181,10.1.0.12,10.3.0.11:2182/dubbo"])
    #expect(r.status == 1)
    #expect(r.codes == ["U722@1:1"], "\(r.codes)")  // 10.1.0.12 gets 2181: global; 2182: sh-local
    #expect(try found(["--connect-string", "10.1.0.11:2181,10.1.0.12:2181/dubbo"]).codes.isEmpty)
    let none = try quorate("audit", topology)
    #expect(none.status == 2)
    #expect(none.stderr.contains("give at least one"))
  }
}
