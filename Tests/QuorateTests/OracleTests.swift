import Foundation
import Testing
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel

/// ZooKeeper's own code as the oracle: `Oracle/ZooKeeperOracle.java`, compiled at test time
/// against Debian's `/usr/share/java/zookeeper.jar` (installed by `make test`).
enum ZooKeeperOracle {
  static let jar = "/usr/share/java/zookeeper.jar"

  /// The folder with the compiled oracle, built once per test run.
  static let classes: Result<String, OracleError> = {
    guard FileManager.default.fileExists(atPath: jar) else {
      return .failure(OracleError(message: "\(jar) is missing: install Debian's zookeeper (make test does)"))
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-oracle-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let source = packageRoot.appendingPathComponent("Tests/QuorateTests/Oracle/ZooKeeperOracle.java").path
    guard let r = try? runProcess("/usr/bin/env", ["javac", "-cp", jar, "-d", dir, source]), r.status == 0 else {
      return .failure(OracleError(message: "javac failed"))
    }
    return .success(dir)
  }()

  struct OracleError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
  }

  /// Runs a batch of commands; returns one answer line per answering command.
  static func run(_ input: String) throws -> [String] {
    let dir = try classes.get()
    let r = try runProcess("/usr/bin/env", ["java", "-cp", "\(dir):\(jar)", "ZooKeeperOracle"], stdin: input)
    #expect(r.status == 0, "\(r.stderr)")
    return r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
  }
}

/// A random topology with one ensemble: majority or hierarchical, weights including 0,
/// observers, explicit ids sometimes.
func randomEnsembleYAML(_ rng: inout SplitMix, index: Int) -> String {
  let dcs = Int.random(in: 1...4, using: &rng)
  var machines: [(name: String, dc: Int)] = []
  var yaml = "quorate: 1\nname: random-\(index)\ndatacenters:\n"
  for d in 0..<dcs {
    yaml += "  dc\(d):\n    machines:\n"
    for i in 0..<Int.random(in: 1...4, using: &rng) {
      let name = "m\(d)x\(i)"
      machines.append((name, d))
      yaml += "      \(name): { host: 127.1.\(d).\(i + 1) }\n"
    }
  }
  machines.shuffle(using: &rng)
  let voterCount = Int.random(in: 1...min(9, machines.count), using: &rng)
  let voters = Array(machines.prefix(voterCount))
  let observers = Array(machines.dropFirst(voterCount).prefix(Int.random(in: 0...2, using: &rng)))
  yaml += "ensembles:\n  e:\n    voters: [\(voters.map(\.name).joined(separator: ", "))]\n"
  if !observers.isEmpty { yaml += "    observers: [\(observers.map(\.name).joined(separator: ", "))]\n" }
  if Bool.random(using: &rng) {
    yaml += "    quorum: hierarchical\n"
    if Bool.random(using: &rng) {
      yaml += "    groups: by-datacenter\n"
    } else {
      let groupCount = Int.random(in: 1...min(3, voters.count), using: &rng)
      var groups = Array(repeating: [String](), count: groupCount)
      for (i, v) in voters.enumerated() {
        groups[i < groupCount ? i : Int.random(in: 0..<groupCount, using: &rng)].append(v.name)
      }
      yaml +=
        "    groups:\n"
        + groups.enumerated().map { "      g\($0.offset): [\($0.element.joined(separator: ", "))]\n" }.joined()
    }
    var weights = voters.map { _ in [0, 1, 1, 2, 3].randomElement(using: &rng)! }
    if weights.allSatisfy({ $0 == 0 }) { weights[0] = 1 }
    yaml += "    weights: { " + zip(voters, weights).map { "\($0.name): \($1)" }.joined(separator: ", ") + " }\n"
  }
  if Bool.random(using: &rng) {
    let ids = (1...255).shuffled(using: &rng).prefix(2)
    yaml += "    ids: { " + zip(voters + observers, ids).map { "\($0.name): \($1)" }.joined(separator: ", ") + " }\n"
  }
  return yaml
}

/// Compares the oracle's answers with quorate's, reporting the first few differences.
func expectSameAnswers(
  _ answers: [String], _ expected: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  #expect(answers.count == expected.count, "answer count", sourceLocation: sourceLocation)
  let diffs = zip(answers, expected).enumerated().filter { $0.element.0 != $0.element.1 }
  let shown = diffs.prefix(3).map { "#\($0.offset): zookeeper \($0.element.0) / quorate \($0.element.1)" }
  #expect(diffs.isEmpty, "\(diffs.count) differences: \(shown.joined(separator: "; "))", sourceLocation: sourceLocation)
}

/// How Java prints an address: IPv6 fully expanded without leading zeros (`fd00:0:0:0:0:0:0:c2`).
func javaHostString(_ host: String) -> String {
  guard host.contains(":") else { return host }
  let halves = host.split(separator: "::", omittingEmptySubsequences: false).map {
    $0.split(separator: ":").map(String.init)
  }
  var groups = halves[0]
  if halves.count == 2 { groups += Array(repeating: "0", count: 8 - halves[0].count - halves[1].count) + halves[1] }
  return groups.map { String(Int($0, radix: 16) ?? 0, radix: 16) }.joined(separator: ":")
}

/// Appends a `q` query for every subset of the ensemble's voters, with quorate's answer.
func appendEverySubset(_ e: Ensemble, input: inout String, expected: inout [String]) {
  let system = QuorumSystem(e)
  let voters = e.members.indices.filter { e.members[$0].role == .voter }
  for mask in 0..<(1 << voters.count) {
    let alive = voters.indices.filter { mask & (1 << $0) != 0 }.map { voters[$0] }
    input += "q " + alive.map { String(e.members[$0].id) }.joined(separator: " ") + "\n"
    expected.append(system.hasQuorum(members: alive) ? "1" : "0")
  }
}

@Suite(.serialized) struct OracleTests {
  @Test func quorumAnswersAgreeWithZooKeepersQuorumVerifier() throws {
    var rng = SplitMix(state: 2026)
    var input = ""
    var expected: [String] = []
    var cases = 0
    for i in 0..<1500 {
      let yaml = randomEnsembleYAML(&rng, index: i)
      let r = load(yaml)
      let t = try #require(r.topology, "\(r.diagnostics.map(\.message))\n\(yaml)")
      let e = t.ensembles[0]
      let system = QuorumSystem(e)
      input += "config\n" + ZooKeeperConfig.membershipLines(e, in: t).joined(separator: "\n") + "\nend\n"
      let voterIDs = e.voters.map(\.id).sorted()
      let observerIDs = e.observers.map(\.id).sorted()
      expected.append("OK \(voterIDs.count) \(observerIDs.count) \(voterIDs) | \(observerIDs)")
      let voterIndices = e.members.indices.filter { e.members[$0].role == .voter }
      let masks: [Int] =
        voterIndices.count <= 8
        ? Array(0..<(1 << voterIndices.count))
        : (0..<256).map { _ in Int.random(in: 0..<(1 << voterIndices.count), using: &rng) }
      for mask in masks {
        let alive = voterIndices.indices.filter { mask & (1 << $0) != 0 }.map { voterIndices[$0] }
        input += "q " + alive.map { String(e.members[$0].id) }.joined(separator: " ") + "\n"
        expected.append(system.hasQuorum(members: alive) ? "1" : "0")
        cases += 1
      }
    }
    expectSameAnswers(try ZooKeeperOracle.run(input), expected)
    #expect(cases > 50_000)
  }

  @Test func bundledEnsemblesAgreeOnEveryVoterSubset() throws {
    var input = ""
    var expected: [String] = []
    for name in [
      "payments-prod", "two-dc-3-2", "three-dc-2-2-1", "nine-voters-hierarchical", "independent-sites",
      "datacenter-bridge", "loopback-2-2-1",
    ] {
      let t = try bundled(name)
      for e in t.ensembles {
        input += "config\n" + ZooKeeperConfig.membershipLines(e, in: t).joined(separator: "\n") + "\nend\n"
        expected.append(
          "OK \(e.voters.count) \(e.observers.count) \(e.voters.map(\.id).sorted()) | \(e.observers.map(\.id).sorted())"
        )
        appendEverySubset(e, input: &input, expected: &expected)
      }
    }
    expectSameAnswers(try ZooKeeperOracle.run(input), expected)
  }

  @Test func emittedZooCfgFilesAreAcceptedByQuorumPeerConfig() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-zoocfg-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }
    var input = ""
    var expected: [String] = []
    for name in ["payments-prod", "nine-voters-hierarchical", "datacenter-bridge", "loopback-2-2-1"] {
      let t = try bundled(name)
      let options = ServerConfigOptions(
        dataRoot: root.appendingPathComponent(name).path, dataLogRoot: root.appendingPathComponent("log-\(name)").path)
      for e in t.ensembles {
        // ZooKeeper resolves clientPortAddress at start-up; names do not resolve in this sandbox.
        for m in e.members where Scalars.host(t.machines[m.machine].host) != .name {
          let machine = t.machines[m.machine]
          let dataDir = "\(options.dataRoot)/\(e.name)/\(machine.name)"
          try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
          try "\(m.id)\n".write(toFile: "\(dataDir)/myid", atomically: true, encoding: .utf8)
          let cfg = "\(dataDir)/zoo.cfg"
          try ZooKeeperConfig.zooCfg(e, member: m, in: t, options: options).write(
            toFile: cfg, atomically: true, encoding: .utf8)
          input += "file \(cfg)\n"
          expected.append(
            "OK myid=\(m.id) type=\(m.role == .voter ? "PARTICIPANT" : "OBSERVER") client=\(javaHostString(machine.host)):\(m.clientPort) voters=\(e.voters.map(\.id).sorted()) observers=\(e.observers.map(\.id).sorted()) retain=\(e.snapRetainCount) purge=\(e.purgeIntervalHours) log=\(root.path)/log-\(name)/\(e.name)/\(machine.name)"
          )
          // The verifier ZooKeeper built from this very file, on every subset of voters.
          appendEverySubset(e, input: &input, expected: &expected)
        }
      }
    }
    expectSameAnswers(try ZooKeeperOracle.run(input), expected)
  }

  @Test func connectStringsParseToExactlyTheImpliedMembers() throws {
    var rng = SplitMix(state: 11)
    var input = ""
    var expected: [String] = []
    var topologies = try ["payments-prod", "independent-sites", "datacenter-bridge", "three-dc-2-2-1"].map {
      try bundled($0)
    }
    for i in 0..<200 {
      if let t = load(
        randomEnsembleYAML(&rng, index: i)
          + "apps:\n  a:\n    datacenter: dc0\n    registry: e\n    sessionTimeout: 10s\n    chroot: /x/y\n"
      ).topology {
        topologies.append(t)
      }
    }
    for t in topologies {
      for app in t.apps {
        for (ei, r) in zip(app.registries, ConnectStrings.addresses(app: app, in: t)) {
          let e = t.ensembles[ei]
          let members = ConnectList.members(app: app, ensemble: e, in: t)
          input += "connect \(r.connectString)\n"
          let servers = members.map { "\(t.machines[e.members[$0].machine].host):\(e.members[$0].clientPort)" }
          expected.append("OK \(app.chroot(for: e) ?? "-") " + servers.joined(separator: " "))
          // The Dubbo address lists the same servers, every port explicit, the first as primary.
          #expect(r.dubboAddress.hasPrefix("zookeeper://\(r.servers[0])"))
          if r.servers.count > 1 {
            #expect(r.dubboAddress.contains("?backup=" + r.servers.dropFirst().joined(separator: ",")))
          }
        }
      }
    }
    expectSameAnswers(try ZooKeeperOracle.run(input), expected)
  }
}
