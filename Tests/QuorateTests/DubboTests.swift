import Foundation
import Testing
import TopologyDiagnostics
import TopologyModel

@testable import TopologyEmitters

/// Dubbo as each release reads the registry address (issue 11, parts 3 and 4). Expected values
/// come from Dubbo's own code as `docs/outputs.md` lists it: the session key (`session` from
/// 3.0.5, `zk.session.expire` from 2.7.5, none before and never with ZkClient), the tracker
/// switch (Curator 5 client from 3.2.14), the clients each release ships.
@Suite struct DubboTests {
  @Test(
    arguments: [
      ("2.6.12", nil, "curator", nil, 60_000, false, false),
      ("2.7.4", nil, "curator", nil, 60_000, true, false),
      ("2.7.5", nil, "curator", "zk.session.expire", 40_000, true, false),
      ("2.7.23", "zkclient", "zkclient", nil, 30_000, false, false),
      ("3.0.4", nil, "curator", "zk.session.expire", 40_000, true, false),
      ("3.0.5", nil, "curator", "session", 40_000, true, false),
      ("3.2.13", nil, "curator5", "session", 40_000, true, false),
      ("3.2.14", nil, "curator5", "session", 40_000, true, true),
      ("3.2.14", "curator", "curator", "session", 40_000, true, false),
      ("3.3.1", nil, "curator5", "session", 40_000, true, true),
    ] as [(String, String?, String, String?, Int, Bool, Bool)])
  func whatEachReleaseReads(
    version: String, client: String?, resolved: String, key: String?, asks: Int, tracker: Bool, switchRead: Bool
  ) throws {
    guard let parsed = DubboVersion(version) else {
      Issue.record("'\(version)' does not parse")
      return
    }
    let p = DubboProfile(version: parsed, client: client.flatMap(DubboZookeeperClient.init(rawValue:)))
    #expect(p.client.rawValue == resolved)
    #expect(p.sessionKey == key)
    #expect(p.requestedSessionMs(declared: 40_000) == asks)
    #expect(p.hasEnsembleTracker == tracker)
    #expect(p.readsTrackerSwitch == switchRead)
  }

  @Test func versionsParseStrictly() {
    #expect(DubboVersion("3.2") == DubboVersion(3, 2, 0))
    #expect(DubboVersion("2.7.23") == DubboVersion(2, 7, 23))
    for bad in ["3", "3.2-SNAPSHOT", "v3.2", "3..2", "3.2.1.0", ""] { #expect(DubboVersion(bad) == nil, "\(bad)") }
    #expect(DubboVersion(3, 0, 5) > DubboVersion(3, 0, 4))
    #expect(DubboVersion(2, 7, 10) > DubboVersion(2, 7, 5))
  }

  func topology(_ dubbo: String, connect: String = "all", chroot: String = "/dubbo", session: String = "30s") -> String
  {
    """
    quorate: 1
    name: t
    datacenters:
      a:
        machines:
          a1: {host: 10.0.0.1}
          a2: {host: 10.0.0.2}
      b:
        machines:
          b1: {host: 10.0.1.1}
      c:
        machines:
          c1: {host: 10.0.2.1}
          c2: {host: 10.0.2.2}
    ensembles:
      e:
        voters: [a1, a2, b1, c1, c2]
        chroot: "\(chroot)"
    apps:
      x:
        datacenter: a
        registry: e
        sessionTimeout: \(session)
        connect: \(connect)
    \(dubbo.isEmpty ? "" : "    dubbo: \(dubbo)\n")
    """
  }

  func address(_ yaml: String) throws -> String {
    let r = try quorate("connect", "-", "--format", "json", stdin: yaml)
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let app = try #require((json["apps"] as? [[String: Any]])?.first)
    let registry = try #require((app["registries"] as? [[String: Any]])?.first)
    return try #require(registry["dubboAddress"] as? String)
  }

  func diagnostics(_ yaml: String) throws -> [(code: String, message: String, line: Int)] {
    let r = try quorate("check", "-", "--format", "json", stdin: yaml)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let list = try #require(json["diagnostics"] as? [[String: Any]])
    return list.map { ($0["code"] as? String ?? "", $0["message"] as? String ?? "", $0["line"] as? Int ?? 0) }
  }

  @Test func theSessionGoesInTheParameterTheReleaseReads() throws {
    let servers = "zookeeper://10.0.0.1:2181?backup=10.0.0.2:2181,10.0.1.1:2181,10.0.2.1:2181,10.0.2.2:2181"
    #expect(try address(topology("")) == servers + "&group=/dubbo&session=30000")
    #expect(try address(topology("{version: 3.0.5}")) == servers + "&group=/dubbo&session=30000")
    #expect(try address(topology("{version: 2.7.10}")) == servers + "&group=/dubbo&zk.session.expire=30000")
    #expect(try address(topology("{version: 2.7.4}")) == servers + "&group=/dubbo")
  }

  @Test func aReleaseThatCannotCarryTheTimeoutIsToldAndAnalysedWithWhatItAsks() throws {
    let d = try diagnostics(topology("{version: 2.7.4}"))
    #expect(d.map(\.code) == ["V308"])
    #expect(d[0].message.contains("it asks 60s"))
    #expect(d[0].line == 23)  // the app's sessionTimeout
    // The analysis uses the 60s the client really asks, clamped to 40s by tickTime 2000.
    let r = try quorate("connect", "-", "--format", "json", stdin: topology("{version: 2.7.4}"))
    #expect(r.stdout.contains("\"requestedSessionTimeoutMs\":60000"))
    #expect(r.stdout.contains("\"negotiatedSessionTimeoutMs\":40000"))
    // ZkClient asks its own 30 s: the same as declared here, so no warning.
    #expect(try diagnostics(topology("{version: 2.7.23, zookeeperClient: zkclient}")).isEmpty)
    #expect(
      try diagnostics(topology("{version: 2.7.23, zookeeperClient: zkclient}", session: "40s")).map(\.code) == ["V308"])
  }

  @Test func theTrackerSwitchIsWrittenOnlyWhereItIsRead() throws {
    let local = { (dubbo: String) in try self.address(self.topology(dubbo, connect: "local")) }
    #expect(try local("").hasSuffix("&zookeeper.ensemble.tracker=false"))
    #expect(try local("{version: 3.2.14}").hasSuffix("&zookeeper.ensemble.tracker=false"))
    #expect(try !local("{version: 3.2.13}").contains("tracker"))
    #expect(try !local("{version: 3.2.14, zookeeperClient: curator}").contains("tracker"))
    for dubbo in ["{version: 3.2.13}", "{version: 3.2.14, zookeeperClient: curator}", "{version: 2.7.23}"] {
      #expect(try diagnostics(topology(dubbo, connect: "local")).map(\.code).contains("V309"), "\(dubbo)")
    }
    // Curator 2 (Dubbo 2.6) and ZkClient have no tracker: local holds.
    for dubbo in ["{version: 2.6.12}", "{version: 2.7.23, zookeeperClient: zkclient}"] {
      #expect(try !diagnostics(topology(dubbo, connect: "local")).map(\.code).contains("V309"), "\(dubbo)")
    }
  }

  @Test func dubboThreeInstanceRegistrationsAsk60s() throws {
    let d = try diagnostics(topology("{version: 3.3.1}"))
    #expect(d.map(\.code) == ["V310"])
    #expect(d[0].message.contains("gives them 40s, not the 30s"))
    // Unset: written for the newest Dubbo without version-specific warnings.
    #expect(try diagnostics(topology("")).isEmpty)
  }

  @Test func defaultsApplyFieldByField() throws {
    let yaml = topology("{zookeeperClient: curator}")
      .replacingOccurrences(of: "quorate: 1\n", with: "quorate: 1\ndefaults:\n  dubbo:\n    version: 2.7.10\n")
    #expect(try address(yaml).hasSuffix("&zk.session.expire=30000"))
  }

  /// Every output read back the way Dubbo reads it gives the chroot back: `dubbo.properties`
  /// through `java.util.Properties.load` (ISO-8859-1), `application.yml` through a YAML parser,
  /// the XML through an XML parser, then the address split as `UrlUtils.parseURLs` and
  /// `URL.valueOf` do (registries at `|`/`;`, parameters at `&`, key and value at the first `=`).
  @Test func chrootsSurviveEveryOutput() throws {
    let chroots = ["/dubbo", "/a b", "/pay\\ments", "/quo\"ted", "/zone-é", "/日本-Ω", "/100%"]
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-dubbo-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let reader = try compileJavaReader(root)
    for (i, chroot) in chroots.enumerated() {
      let escaped = chroot.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      let yaml = topology("", chroot: escaped)
      let dir = root.appendingPathComponent("out\(i)")
      let emit = try quorate("emit", "-", "-o", dir.path, stdin: yaml)
      #expect(emit.status == 0, "\(chroot): \(emit.stderr)")
      let app = dir.appendingPathComponent("apps/x")
      let fromProperties = try runProcess(
        "/usr/bin/java",
        ["-cp", reader.path, "DubboPropertiesReader", app.appendingPathComponent("dubbo.properties").path])
      let script = """
        import sys, yaml, xml.etree.ElementTree as ET
        y = yaml.safe_load(open(sys.argv[1], encoding='utf-8'))['dubbo']['registry']['address']
        x = [e.get('address') for e in ET.parse(sys.argv[2]).getroot() if e.tag.endswith('registry')][0]
        sys.stdout.write(y + '\\n' + x + '\\n')
        """
      let fromOthers = try runProcess(
        "/usr/bin/python3",
        [
          "-c", script, app.appendingPathComponent("application.yml").path,
          app.appendingPathComponent("dubbo-registry.xml").path,
        ])
      let addresses =
        [fromProperties.stdout.trimmingCharacters(in: .newlines)]
        + fromOthers.stdout.split(separator: "\n").map(String.init)
      #expect(addresses.count == 3, "\(chroot): \(fromProperties.stderr) \(fromOthers.stderr)")
      for a in addresses {
        let registries = a.split(whereSeparator: { $0 == "|" || $0 == ";" })
        #expect(registries.count == 1, "\(chroot) split into \(registries.count) registries: \(a)")
        let query = a.split(separator: "?", maxSplits: 1).last.map(String.init) ?? ""
        let group = query.split(separator: "&").map { $0.split(separator: "=", maxSplits: 1) }
          .first { $0.first == "group" }?.last.map(String.init)
        #expect(group == chroot, "\(chroot): read back as \(group ?? "nothing") from \(a)")
      }
    }
  }

  func compileJavaReader(_ dir: URL) throws -> URL {
    let source = dir.appendingPathComponent("DubboPropertiesReader.java")
    try """
    import java.io.FileInputStream;
    import java.io.PrintStream;
    import java.util.Properties;
    public class DubboPropertiesReader {
      public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (FileInputStream in = new FileInputStream(args[0])) { p.load(in); }
        new PrintStream(System.out, true, "UTF-8").println(p.getProperty("dubbo.registry.address"));
      }
    }
    """.write(to: source, atomically: true, encoding: .utf8)
    let r = try runProcess("/usr/bin/javac", ["-d", dir.path, source.path])
    #expect(r.status == 0, "\(r.stderr)")
    return dir
  }

  @Test func dubboTwoWithoutSpringGetsOneAddressForSeveralRegistries() throws {
    let yaml = """
      quorate: 1
      name: t
      defaults:
        dubbo: { version: 2.7.23 }
      datacenters:
        a:
          machines:
            a1: {host: 10.0.0.1}
            a2: {host: 10.0.0.2}
            a3: {host: 10.0.0.3}
        b:
          machines:
            b1: {host: 10.0.1.1}
            b2: {host: 10.0.1.2}
            b3: {host: 10.0.1.3}
      ensembles:
        local: { voters: [a1, a2, a3] }
        remote: { voters: [b1, b2, b3] }
      apps:
        x: { datacenter: a, registries: [local, remote], sessionTimeout: 40s }

      """
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-dubbo2-\(getpid())")
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(try quorate("emit", "-", "-o", dir.path, stdin: yaml).status == 0)
    let props = try String(contentsOf: dir.appendingPathComponent("apps/x/dubbo.properties"), encoding: .utf8)
    #expect(
      props.contains(
        "dubbo.registry.address=zookeeper://10.0.0.1:2181?backup=10.0.0.2:2181,10.0.0.3:2181&zk.session.expire=40000&preferred=true&zone=a|zookeeper://10.0.1.1:2181?backup=10.0.1.2:2181,10.0.1.3:2181&zk.session.expire=40000&zone=b\n"
      ), "\(props)")
    #expect(!props.contains("dubbo.registries."))
    let xml = try String(contentsOf: dir.appendingPathComponent("apps/x/dubbo-registry.xml"), encoding: .utf8)
    #expect(xml.contains("zone=\"a\"") && xml.contains("zone=\"b\""))
  }
}

/// The XML escape of `dubbo-registry.xml`, against entities written out by hand.
@Suite struct XMLEscapeTests {
  @Test func theFourSpecialCharactersBecomeEntities() {
    #expect(AppConfig.xmlEscape("plain-name_1") == "plain-name_1")
    #expect(
      AppConfig.xmlEscape("zookeeper://a:2181?backup=b:2181&session=30000")
        == "zookeeper://a:2181?backup=b:2181&amp;session=30000")
    #expect(AppConfig.xmlEscape("<a \"b\" & c>") == "&lt;a &quot;b&quot; &amp; c&gt;")
    #expect(AppConfig.xmlEscape("zoné&ü") == "zoné&amp;ü")
    #expect(AppConfig.xmlEscape("") == "")
  }
}
