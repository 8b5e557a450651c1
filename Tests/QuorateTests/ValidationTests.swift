import Foundation
import Testing
import TopologyDiagnostics
import TopologyEmitters
import TopologyYAML

@testable import TopologyModel

/// The rules run on two cores; what they report must not depend on it.
@Suite struct ConcurrentValidationTests {
  @Test func diagnosticsComeInRuleOrderAsIfOneCoreRanThem() throws {
    // Rules on both cores report: V204 and V201 (first core), V202 and V203 (the app rule, on
    // the second), V207 (first core again), V223 (Dubbo's reading, on the second).
    let text =
      baseTopology.replacingOccurrences(of: "b3: { host: 10.0.2.3 }", with: "a1: { host: 10.0.2.3 }")
        + """
        ensembles:
          e:
            voters: [a1, b1, c1, zz]
            chroot: /pay&ments
          f:
            voters: [a2, b2, c2]
            clientPort: 2888
        apps:
          x:
            datacenter: nowhere
            registry: e
          y:
            datacenter: dc1
            registries: [e, missing]

        """
    let (topology, _) = TopologyLoader.decode(
      SourceFile(path: "t.yaml", text: text), limits: .default, counts: .default)
    let decoded = try #require(topology)
    var sequential: [Diagnostic] = []
    for rule in Validator.rules {
      var c = ValidationContext(decoded)
      rule.check(&c)
      sequential += c.diagnostics
    }
    #expect(Set(sequential.map(\.code)).isSuperset(of: ["V204", "V201", "V202", "V203", "V207", "V223"]))
    for _ in 0..<20 {
      let (validated, diagnostics) = Validator.validate(decoded)
      #expect(validated == nil)
      #expect(diagnostics.map(\.code) == sequential.map(\.code))
      let same = diagnostics == sequential  // messages and places too
      #expect(same)
    }
  }

  /// The context looks up an estate's app names in two halves, one per core: each app's
  /// datacenter and registries (declared or not) come out as one pass finds them.
  @Test func appNamesLookedUpInHalvesAreTheOnesOnePassFinds() throws {
    var text = baseTopology + "ensembles:\n  e:\n    voters: [a1, b1, c1]\n  f:\n    voters: [a2, b2, c2]\napps:\n"
    // Eleven apps: the second half starts at app5, part-way through the pattern of four.
    for i in 0..<11 {
      let registries = ["registry: e", "registries: [f, e]", "registries: [missing, f]", "registries: []"][i % 4]
      text += "  app\(i):\n    datacenter: \(i % 3 == 2 ? "nowhere" : "dc\(i % 2 + 1)")\n    \(registries)\n"
    }
    let (topology, _) = TopologyLoader.decode(
      SourceFile(path: "t.yaml", text: text), limits: .default, counts: .default)
    let decoded = try #require(topology)
    let onePass = ValidationContext(decoded, halvesFrom: .max)
    #expect(onePass.registries(ofApp: 1).map { $0 } == [1, 0])
    #expect(onePass.registries(ofApp: 2).map { $0 } == [nil, 1])
    #expect(onePass.appDatacenters[2] == nil)
    for _ in 0..<10 {
      let halves = ValidationContext(decoded, halvesFrom: 2)
      #expect(Array(halves.appDatacenters) == Array(onePass.appDatacenters))
      for i in decoded.apps.indices {
        #expect(Array(halves.registries(ofApp: i)) == Array(onePass.registries(ofApp: i)), "app\(i)")
      }
      #expect(halves.machinePlaces == onePass.machinePlaces)
    }
  }
}

/// Each decoder and validator rule: the code, at the exact place (markers), and the clean case.
@Suite struct DecoderTests {
  @Test func specExampleDrawsExactlyTheClampWarning() throws {
    let text = try String(
      contentsOf: packageRoot.appendingPathComponent("topologies/payments-prod.yaml"), encoding: .utf8)
    let r = load(text)
    #expect(r.diagnostics.map(\.code) == ["V305"])
    #expect(r.diagnostics.first?.message.contains("clamps it to 40s") == true)
    #expect(r.topology != nil)
  }

  @Test func unknownKeySuggestsTheClosestKey() {
    let m = MarkedText(baseTopology + "ensembles:\n  e:\n    voters: [a1, b1, c1]\n    1️⃣clientport: 2181\n")
    let d = load(m.text).diagnostics
    #expect(d.map(\.code) == ["S101"])
    #expect(d.first?.help == "did you mean 'clientPort'?")
    #expect(d.first?.range.start.line == m.markers["1️⃣"]?.line)
    #expect(d.first?.range.start.column == m.markers["1️⃣"]?.column)
  }

  @Test func missingRequiredKeys() {
    // 'name' and 'ensembles' are missing (reported at the top of the file); 'datacenters' is
    // present but declares none.
    expectDiagnostics(
      "1️⃣quorate: 1\ndatacenters: 2️⃣{}\n",
      [(code: "S102", marker: "1️⃣"), (code: "S102", marker: "1️⃣"), (code: "S102", marker: "2️⃣")])
  }

  @Test func plainScalarsAreTypedByTheSchema() throws {
    // "no" and "on" are names here, never booleans (no Norway problem).
    let t = try validated(
      "ensembles:\n  no:\n    voters: [a1, b1, c1]\napps:\n  on:\n    datacenter: dc1\n    registry: no\n    sessionTimeout: 40s\n"
    )
    #expect(t.ensembles.map(\.name) == ["no"])
    #expect(t.apps.map(\.name) == ["on"])
  }

  @Test func quotedIntegersAreRejected() {
    expectDiagnostics(
      baseTopology + "ensembles:\n  e:\n    voters: [a1, b1, c1]\n    clientPort: 1️⃣\"2181\"\n",
      [(code: "S103", marker: "1️⃣")])
  }

  @Test func durationsNeedUnits() {
    let m = MarkedText(baseTopology + "ensembles:\n  e:\n    voters: [a1, b1, c1]\n    tickTime: 1️⃣2000\n")
    let d = load(m.text).diagnostics
    #expect(d.map(\.code) == ["S106"])
    #expect(d.first?.help?.contains("2000ms") == true)
  }

  @Test(arguments: [
    ("2000ms", 2_000_000), ("1.5ms", 1500), ("60s", 60_000_000), ("2m", 120_000_000), ("0.25s", 250_000),
    ("1h", 3_600_000_000), ("2147483647ms", 2_147_483_647_000),
  ])
  func durationsParse(text: String, micro: Int) {
    #expect(Scalars.duration(text)?.microseconds == micro)
  }

  @Test(arguments: ["2000", "ms", "1.5.1s", "-5s", "5 s", "5d", "1.0001ms", "153722867281m", "2147483648ms"])
  func badDurationsDoNotParse(text: String) {
    #expect(Scalars.duration(text) == nil)
  }

  /// Why a duration fails decides the message: no unit, an unknown unit, too long (past Java's
  /// int of milliseconds, where ZooKeeper would overflow), or malformed. Never a trap.
  @Test func durationProblemsAreTold() {
    #expect(Scalars.parseDuration("60") == .failure(.noUnit))
    #expect(Scalars.parseDuration("1d") == .failure(.unknownUnit("d")))
    #expect(Scalars.parseDuration("153722867281m") == .failure(.tooLong))
    #expect(Scalars.parseDuration("99999999999999999999h") == .failure(.tooLong))
    #expect(Scalars.parseDuration("596h") == .success(.ms(596 * 3_600_000)))
    #expect(Scalars.parseDuration("597h") == .failure(.tooLong))
    #expect(Scalars.parseDuration(".5s") == .failure(.malformed))
    #expect(Scalars.parseDuration("1.0001ms") == .failure(.malformed))
  }

  /// The byte-level reading of the common durations ("60s", "2000ms") gives exactly what the
  /// general parser gives, on every text of up to four characters from digits, units and a
  /// point, and on long runs of digits around the 2^31 - 1 ms limit.
  @Test func theFastDurationPathAgreesWithTheGeneralParser() {
    let alphabet = Array("019.mshd")
    var texts: [String] = [""]
    var frontier: [String] = [""]
    for _ in 1...4 {
      frontier = frontier.flatMap { t in alphabet.map { t + String($0) } }
      texts += frontier
    }
    for unit in ["ms", "s", "m", "h"] {
      for digits in ["2147483647", "2147483648", "2147483", "2148", "596", "597", "35791", "35792"] {
        texts.append(digits + unit)
      }
      texts.append(String(repeating: "9", count: 18) + unit)
      texts.append(String(repeating: "9", count: 19) + unit)
      texts.append("000000000000000000000001" + unit)
    }
    var fast = 0
    for text in texts {
      let general = Scalars.generalDuration(text)
      if let d = Scalars.wholeDuration(text) {
        fast += 1
        #expect(general == .success(d), "\(text)")
      }
      #expect(Scalars.parseDuration(text) == general, "\(text)")
    }
    #expect(fast > 100)
  }

  /// A duration that fails to decode is not replaced by the default for later rules: `1h` used
  /// to give a warning about the default 60s session before its own error (issue 10).
  @Test func aBrokenSessionTimeoutGivesOneErrorAndNoWarningAboutTheDefault() throws {
    let yaml = """
      quorate: 1
      name: t
      datacenters:
        a:
          machines:
            m1: {host: 10.0.0.1}
            m2: {host: 10.0.0.2}
            m3: {host: 10.0.0.3}
      ensembles:
        e:
          voters: [m1, m2, m3]
      apps:
        x:
          datacenter: a
          registry: e
          sessionTimeout: 1d
        y:
          datacenter: a
          registry: e
          sessionTimeout: 90000000000s

      """
    let r = try quorate("check", "-", "--format", "json", stdin: yaml)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let d = try #require(json["diagnostics"] as? [[String: Any]])
    #expect(d.map { $0["code"] as? String } == ["S106", "S106"])
    #expect(d.first?["line"] as? Int == 16 && d.first?["column"] as? Int == 21)
    #expect((d.first?["message"] as? String) == "sessionTimeout '1d' has an unknown unit 'd'")
    #expect((d.first?["help"] as? String)?.contains("'ms', 's', 'm', 'h'") == true)
    #expect((d.last?["message"] as? String) == "sessionTimeout '90000000000s' is too long")
    #expect(r.status == 1)
  }

  @Test func availabilities() {
    #expect(Scalars.availability("99.95%") == 0.9995)
    #expect(Scalars.availability("0.999") == 0.999)
    #expect(Scalars.availability("1") == 1)
    for bad in ["0", "0%", "120%", "1.5", "-0.5", "abc", "99,9%"] {
      #expect(Scalars.availability(bad) == nil, "\(bad)")
    }
  }

  @Test func hosts() {
    #expect(Scalars.host("10.1.0.11") == .ipv4)
    #expect(Scalars.host("fd00::c2") == .ipv6)
    #expect(Scalars.host("::1") == .ipv6)
    #expect(Scalars.host("2001:db8::10.0.0.1") == .ipv6)
    #expect(Scalars.host("zk-b2.bj-b.example.com") == .name)
    for v4 in ["0.0.0.0", "255.255.255.255", "1.22.133.4", "10.0.0.0"] {
      #expect(Scalars.isIPv4(v4), "\(v4)")
    }
    for notV4 in [
      "256.1.1.1", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1.2.3.00", "1.2.3.0a", "1234.1.1.1", "1..2.3", "",
      "1.2.3.4 ", "01.2.3.4",
    ] {
      #expect(!Scalars.isIPv4(notV4), "\(notV4)")
    }
    for bad in [
      "10.0.0.256", "10.1", "[fd00::c2]", "10.0.0.1:2181", "-bad.example", "a..b", "under_score.com",
      "1:2:3:4:5:6:7:8:9", "fd00:::1", "010.0.0.1",
    ] {
      #expect(Scalars.host(bad) == nil, "\(bad)")
    }
  }

  @Test func chrootsFollowPathUtilsValidatePath() {
    // The cases of ZooKeeper's PathUtils.validatePath (facts section 1.1).
    #expect(Scalars.zooKeeperPathProblem("/") == nil)
    #expect(Scalars.zooKeeperPathProblem("/dubbo") == nil)
    #expect(Scalars.zooKeeperPathProblem("/a b/c") == nil)
    for bad in ["", "dubbo", "/dubbo/", "/a//b", "/a/./b", "/a/..", "/a\u{1}b", "/a\u{7F}", "/a\u{FFF5}"] {
      #expect(Scalars.zooKeeperPathProblem(bad) != nil, "\(bad)")
    }
  }

  @Test func names() {
    #expect(Scalars.isName("bj-a"))
    #expect(Scalars.isName("zk_1.prod"))
    #expect(Scalars.isName(String(repeating: "a", count: 63)))
    #expect(Scalars.isName("a"))
    #expect(Scalars.isName("A-9_z."))
    for bad in ["", "-a", ".a", "_a", "a/b", "a b", "é", "aé", String(repeating: "a", count: 64)] {
      #expect(!Scalars.isName(bad), "\(bad)")
    }
  }

  @Test func everyProblemIsReportedInOneRun() {
    expectDiagnostics(
      baseTopology + """
        ensembles:
          e:
            voters: 5️⃣[a1, b1, 1️⃣zz]
            2️⃣clientport: 1
            tickTime: 3️⃣5
        apps:
          x:
            datacenter: 4️⃣dc9
            registry: e
            sessionTimeout: 40s

        """,
      [
        (code: "V201", marker: "1️⃣"), (code: "S101", marker: "2️⃣"), (code: "S106", marker: "3️⃣"),
        (code: "V202", marker: "4️⃣"), (code: "V304", marker: "5️⃣"),
      ])
  }
}

@Suite struct ValidatorRuleTests {
  func ens(_ body: String) -> String { baseTopology + "ensembles:\n" + body }

  @Test func machineNamesAreUniqueAcrossDatacenters() {
    expectDiagnostics(
      "quorate: 1\nname: t\ndatacenters:\n  x:\n    machines:\n      m: {host: h1.example}\n  y:\n    machines:\n      1️⃣m: {host: h2.example}\nensembles:\n  e:\n    voters: 2️⃣[m]\n",
      [(code: "V204", marker: "1️⃣"), (code: "V302", marker: "2️⃣")])
  }

  @Test func memberRules() {
    expectDiagnostics(
      ens("  e:\n    voters: [a1, b1, c1, 1️⃣b1]\n    observers: [2️⃣c1, 3️⃣q9]\n"),
      [(code: "V205", marker: "1️⃣"), (code: "V206", marker: "2️⃣"), (code: "V201", marker: "3️⃣")])
    expectDiagnostics(ens("  e:\n    voters: 1️⃣[]\n"), [(code: "V218", marker: "1️⃣")])
  }

  /// Each root cause once, at the line to change (issue 10, item 4).
  @Test func portConflictsAcrossEnsemblesAndHosts() {
    // Same machines, same client port, f sets no clientPort: one conflict, at f (where the
    // clientPort is to be added), not one per machine at the voters list.
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\n  1️⃣f:\n    voters: [a1, b1, c1]\n    quorumPort: 2889\n    electionPort: 3889\n"
      ),
      [(code: "V207", marker: "1️⃣")])
    // Own ports: clean.
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\n  f:\n    voters: [a1, b1, c1]\n    clientPort: 2182\n    quorumPort: 2889\n    electionPort: 3889\n"
      ), [])
    // A host copied into a second machine: one error, at that machine's host.
    expectDiagnostics(
      "quorate: 1\nname: t\ndatacenters:\n  d:\n    machines:\n      m1: {host: 10.0.0.1}\n      m2: {host: 1️⃣10.0.0.1}\n      m3: {host: 10.0.0.3}\nensembles:\n  e:\n    voters: [m1, m2, m3]\n",
      [(code: "V207", marker: "1️⃣")])
    // A client port that is another ensemble's quorum port on the same host: at that clientPort.
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\n  f:\n    voters: 2️⃣[a1]\n    clientPort: 1️⃣2888\n    quorumPort: 2890\n    electionPort: 3890\n"
      ),
      [(code: "V207", marker: "1️⃣"), (code: "V302", marker: "2️⃣")])
  }

  @Test func quorumPortEqualsElectionPort() {
    expectDiagnostics(ens("  e:\n    voters: [a1, b1, c1]\n    quorumPort: 1️⃣3888\n"), [(code: "V208", marker: "1️⃣")])
  }

  @Test func hierarchicalGroupRules() {
    expectDiagnostics(ens("  e:\n    voters: [a1, b1, c1]\n    quorum: 1️⃣hierarchical\n"), [(code: "V215", marker: "1️⃣")])
    expectDiagnostics(
      ens("  e:\n    voters: [a1, b1, c1]\n    groups: 1️⃣by-datacenter\n"), [(code: "V215", marker: "1️⃣")])
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1, a2, b2]\n    observers: [c2]\n    quorum: hierarchical\n    groups:\n      1️⃣g1: [a1, a2]\n      g2: [b1, 2️⃣a1, 3️⃣c2]\n"
      ),
      [
        (code: "V210", marker: "2️⃣"), (code: "V211", marker: "3️⃣"), (code: "V209", marker: "1️⃣"),
        (code: "V209", marker: "1️⃣"),
      ])
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\n    quorum: hierarchical\n    groups: by-datacenter\n    weights: 1️⃣{ a1: 0, b1: 0, c1: 0 }\n"
      ),
      [(code: "V219", marker: "1️⃣")])
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\n    quorum: hierarchical\n    groups: by-datacenter\n    weights: { 1️⃣c2: 2 }\n"
      ), [(code: "V211", marker: "1️⃣")])
    // by-rack needs a rack on every voter.
    expectDiagnostics(
      ens("  e:\n    voters: [a1, b1, c1]\n    quorum: hierarchical\n    groups: 1️⃣by-rack\n"),
      [(code: "V209", marker: "1️⃣"), (code: "V209", marker: "1️⃣")])
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\n    quorum: hierarchical\n    groups: by-datacenter\n    weights: { a1: 0 }\n"),
      [])
  }

  @Test func idRules() {
    expectDiagnostics(
      ens("  e:\n    voters: [a1, b1, c1]\n    ids: { a1: 1️⃣0, b1: 3, c1: 2️⃣3, 3️⃣c2: 9 }\n"),
      [(code: "V212", marker: "1️⃣"), (code: "V213", marker: "2️⃣"), (code: "V217", marker: "3️⃣")])
  }

  @Test func idsAreAssignedLowestFreeInListOrderVotersFirst() throws {
    let t = try validated(
      "ensembles:\n  e:\n    voters: [a1, b1, c1]\n    observers: [a2]\n    ids: { b1: 1, a2: 3 }\n")
    // a1 gets 2 (1 is taken), b1 keeps 1, c1 gets 4 (3 is taken by a2), a2 keeps 3.
    #expect(t.ensembles[0].members.map(\.id) == [2, 1, 4, 3])
  }

  @Test func appRules() {
    expectDiagnostics(
      ens("  e:\n    voters: [a1, b1, c1]\napps:\n  1️⃣x:\n    datacenter: dc1\n"), [(code: "V214", marker: "1️⃣")])
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\napps:\n  x:\n    datacenter: dc1\n    registry: 1️⃣e\n    registries: [e]\n    sessionTimeout: 40s\n"
      ), [(code: "V214", marker: "1️⃣")])
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\napps:\n  x:\n    datacenter: dc1\n    registries: [e, 1️⃣f, 2️⃣e]\n    sessionTimeout: 40s\n"
      ),
      [(code: "V203", marker: "1️⃣"), (code: "V307", marker: "2️⃣")])
  }

  @Test func linkRules() {
    let links =
      "links:\n  - { between: [dc1, dc2], rtt: 1ms }\n  - 1️⃣{ between: [dc2, dc1], rtt: 2ms }\n  - { between: [dc3, 2️⃣dc3], rtt: 0ms }\n  - { between: [dc1, 3️⃣dc4], rtt: 1ms }\n"
    expectDiagnostics(
      baseTopology + links + "ensembles:\n  e:\n    voters: [a1, b1, c1]\n",
      [(code: "V220", marker: "1️⃣"), (code: "V220", marker: "2️⃣"), (code: "V202", marker: "3️⃣")])
  }

  @Test func sessionRules() {
    expectDiagnostics(
      ens("  e:\n    voters: [a1, b1, c1]\n    minSessionTimeout: 1️⃣50s\n"), [(code: "V216", marker: "1️⃣")])
    expectDiagnostics(ens("  e:\n    voters: [a1, b1, c1]\n    tickTime: 1️⃣2.5ms\n"), [(code: "V221", marker: "1️⃣")])
    // Requested 60s (the default) clamps to 20 x 2000ms = 40s; 3s clamps up to 4s.
    let m = MarkedText(
      ens(
        "  e:\n    voters: [a1, b1, c1]\napps:\n  x:\n    datacenter: dc1\n    registry: 1️⃣e\n  y:\n    datacenter: dc1\n    registry: e\n    sessionTimeout: 2️⃣3s\n  z:\n    datacenter: dc1\n    registry: e\n    sessionTimeout: 40s\n"
      ))
    let d = load(m.text).diagnostics
    #expect(d.map(\.code) == ["V305", "V305"])
    #expect(d[0].message.contains("60s") && d[0].message.contains("40s"))
    #expect(d[1].message.contains("3s") && d[1].message.contains("4s"))
    #expect(d[0].range.start.line == m.markers["1️⃣"]?.line)
    #expect(d[1].range.start.line == m.markers["2️⃣"]?.line)
  }

  @Test func voterCountWarnings() {
    expectDiagnostics(ens("  e:\n    voters: 1️⃣[a1, b1, c1, a2]\n"), [(code: "V301", marker: "1️⃣")])
    expectDiagnostics(ens("  e:\n    voters: 1️⃣[a1, a2]\n"), [(code: "V302", marker: "1️⃣")])
    expectDiagnostics(ens("  e:\n    voters: 1️⃣[a1]\n"), [(code: "V302", marker: "1️⃣")])
    expectDiagnostics(ens("  e:\n    voters: [a1, b1, c1, a2, b2]\n"), [])
  }

  @Test func datacenterSpreadWarnings() {
    // 3 + 2 over two datacenters: both warnings.
    expectDiagnostics(
      ens("  e:\n    voters: 1️⃣[a1, a2, a3, b1, b2]\n"), [(code: "V303", marker: "1️⃣"), (code: "V304", marker: "1️⃣")])
    // 3 + 1 + 1: one datacenter holds a majority.
    expectDiagnostics(ens("  e:\n    voters: 1️⃣[a1, a2, a3, b1, c1]\n"), [(code: "V303", marker: "1️⃣")])
    // All in one datacenter: an independent cluster, no spread warning.
    expectDiagnostics(ens("  e:\n    voters: [a1, a2, a3]\n"), [])
    // Hierarchical weights count: a1 weighs 3 of 5.
    expectDiagnostics(
      ens(
        "  e:\n    voters: 1️⃣[a1, b1, c1]\n    quorum: hierarchical\n    groups: by-datacenter\n    weights: { a1: 3 }\n"
      ), [(code: "V303", marker: "1️⃣")])
  }

  @Test func localConnectWarnings() {
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\napps:\n  x:\n    datacenter: dc1\n    registry: e\n    connect: 1️⃣local\n    sessionTimeout: 40s\n"
      ), [(code: "V306", marker: "1️⃣")])
    expectDiagnostics(
      ens(
        "  e:\n    voters: [b1, b2, b3]\napps:\n  x:\n    datacenter: dc1\n    registry: e\n    connect: 1️⃣local\n    sessionTimeout: 40s\n"
      ), [(code: "V306", marker: "1️⃣")])
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\n    observers: [a2]\napps:\n  x:\n    datacenter: dc1\n    registry: e\n    connect: local\n    sessionTimeout: 40s\n"
      ), [])
    // Counted once per ensemble and datacenter (two in dc2: no warning), told for every app.
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\n    observers: [b2]\napps:\n  x:\n    datacenter: dc1\n    registry: e\n    connect: 1️⃣local\n    sessionTimeout: 40s\n  y:\n    datacenter: dc1\n    registry: e\n    connect: 2️⃣local\n    sessionTimeout: 40s\n  z:\n    datacenter: dc2\n    registry: e\n    connect: local\n    sessionTimeout: 40s\n"
      ), [(code: "V306", marker: "1️⃣"), (code: "V306", marker: "2️⃣")])
  }

  /// V223 for an app's own chroot and for its registry's, each place once however many apps
  /// use it; a clean own chroot hides the registry's.
  @Test func chrootsDubboWouldSplit() {
    expectDiagnostics(
      ens(
        "  e:\n    voters: [a1, b1, c1]\n    chroot: 1️⃣/pay&ments\n  f:\n    voters: [a2, b2, c2]\napps:\n  x:\n    datacenter: dc1\n    registry: e\n    sessionTimeout: 40s\n  y:\n    datacenter: dc1\n    registry: e\n    sessionTimeout: 40s\n  z:\n    datacenter: dc1\n    registry: e\n    chroot: /clean\n    sessionTimeout: 40s\n  w:\n    datacenter: dc1\n    registry: f\n    chroot: 2️⃣/a;b\n    sessionTimeout: 40s\n"
      ), [(code: "V223", marker: "1️⃣"), (code: "V223", marker: "2️⃣")])
    // Dubbo splits at the code unit: a combining mark after '|' does not hide it.
    let marked = load(
      baseTopology
        + "ensembles:\n  e:\n    voters: [a1, b1, c1]\n    chroot: \"/a|\u{301}b\"\napps:\n  x:\n    datacenter: dc1\n    registry: e\n    sessionTimeout: 40s\n"
    )
    #expect(marked.diagnostics.map(\.code) == ["V223"])
    #expect(marked.diagnostics.first?.message.contains("holds '|'") == true)
  }
}

/// Issue 10: addresses and chroots as ZooKeeper sees them; diffs `patch` applies.
@Suite struct ZooKeeperEyesTests {
  let base = """
    quorate: 1
    name: t
    datacenters:
      a:
        machines:
          m1: { host: "fd00::1" }
          m2: { host: "fd00:0:0:0:0:0:0:1" }
          m3: { host: 10.0.0.3 }
          m4: { host: "::ffff:10.0.0.3" }
    ensembles:
      e1: { voters: [m1, m3] }
      e2: { voters: [m2, m4], clientPort: 2182, quorumPort: 2888, electionPort: 3889 }

    """

  @Test func twoSpellingsOfOneAddressConflict() throws {
    #expect(Scalars.canonicalHost("fd00::1") == Scalars.canonicalHost("fd00:0:0:0:0:0:0:1"))
    #expect(Scalars.canonicalHost("::ffff:10.0.0.3") == "10.0.0.3")
    #expect(Scalars.canonicalHost("FD00::A") == "fd00:0:0:0:0:0:0:a")
    let r = try quorate("check", "-", "--format", "json", stdin: base)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let codes = (json["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    // quorumPort 2888 is bound twice on fd00::1 (m1, m2) and on 10.0.0.3 (m3, m4).
    #expect(codes.filter { $0 == "V207" }.count == 2, "\(codes)")
  }

  @Test func aChrootAboveUFFFFIsRefusedAsZooKeeperWould() throws {
    #expect(Scalars.zooKeeperPathProblem("/dubbo-🐘")?.contains("surrogates") == true)
    #expect(Scalars.zooKeeperPathProblem("/dubbo-é") == nil)
  }

  @Test func driftDiffsCarryLineRanges() {
    let diff = TextDiff.unified(old: "a\nb\nc\nd\n", new: "a\nB\nc\nd\n", path: "f", context: 1)
    #expect(diff.contains("@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"), "\(diff)")
  }
}

/// Issue 10, item 2: a suggestion that helps: never a machine already in the list (following it
/// would give V205), an unused one of the ensemble's own datacenter first.
@Suite struct SuggestionTests {
  @Test func unusedMachinesOfTheEnsemblesDatacenterFirst() throws {
    let yaml = """
      quorate: 1
      name: t
      datacenters:
        a:
          machines:
            zk1: {host: 10.0.0.1}
            zk2: {host: 10.0.0.2}
            zk3: {host: 10.0.0.3}
            zk4: {host: 10.0.0.4}
            zk5: {host: 10.0.0.5}
        b:
          machines:
            zk7: {host: 10.0.1.7}
      ensembles:
        e:
          voters: [zk1, zk2, zk3, zk4, zk6]

      """
    let r = try quorate("check", "-", "--format", "json", stdin: yaml)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let d = try #require((json["diagnostics"] as? [[String: Any]])?.first { $0["code"] as? String == "V201" })
    #expect(d["line"] as? Int == 16 && d["column"] as? Int == 34)
    // zk1 (listed) and zk7 (other datacenter) are as close as zk5: zk5 is the one that helps.
    #expect(d["help"] as? String == "did you mean 'zk5'?")
  }
}

/// Issue 10, item 3: an indentation slip is told as one, with where the key belongs; nothing
/// advises removing what the user obviously meant.
@Suite struct IndentationSlipTests {
  @Test(arguments: [
    (
      "S101-dedented-machines", 10, 3, "'machines' is a key of a datacenter, not a datacenter name",
      "indent 'machines:' (and what follows it) under 'dc-backup'"
    ),
    (
      "S101-dedented-chroot", 12, 3, "'chroot' is a key of an ensemble, not an ensemble name",
      "indent 'chroot:' (and what follows it) under 'zk'"
    ),
  ])
  func slipsSayWhereTheKeyBelongs(file: String, line: Int, column: Int, message: String, help: String) throws {
    let r = try quorate("check", "topologies/invalid/\(file).yaml", "--format", "json")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let d = try #require(json["diagnostics"] as? [[String: Any]])
    #expect(d.count == 1, "one cause, no follow-ons: \(d.map { $0["code"] ?? "" })")
    #expect(d.first?["code"] as? String == "S101")
    #expect(d.first?["line"] as? Int == line && d.first?["column"] as? Int == column)
    #expect(d.first?["message"] as? String == message)
    #expect(d.first?["help"] as? String == help)
    #expect(!(r.stdout.lowercased().contains("remove")))
  }
}

/// Issue 10, items 7 and 8: several files, and hostile bytes on a terminal.
@Suite struct CheckManyFilesTests {
  @Test func everyReadableFileIsCheckedAndTheWorstCodeWins() throws {
    let r = try quorate(
      "check", "topologies/payments-prod.yaml", "topologies/no-such-file.yaml", "topologies/two-dc-3-2.yaml")
    #expect(r.status == 2)
    #expect(r.stdout.contains("topologies/payments-prod.yaml: valid"))
    #expect(r.stdout.contains("topologies/two-dc-3-2.yaml: valid"))
    #expect(r.stderr.contains("cannot read 'topologies/no-such-file.yaml'"))
  }

  @Test func controlBytesInASnippetAreShownAsReplacementCharacters() throws {
    let r = try quorate("check", "-", stdin: "quorate: 1\nname: t\nregion: \"a\u{1}b\u{7F}c\"\n")
    #expect(r.status == 1)
    #expect(!r.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    #expect(r.stdout.contains("3 | region: \"a\u{FFFD}b\u{FFFD}c\""), "\(r.stdout)")
  }
}
