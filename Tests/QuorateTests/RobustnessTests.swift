import Foundation
import FuzzTargets
import Testing
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel
import TopologyRendering

/// Mutation fuzzing in process (issue 14): thousands of seeded mutations of the bundled
/// topologies go through the whole pipeline (read, decode, validate, analyze, compare, matrix,
/// emit, render); a trap anywhere kills the test run. Seeded, so a failure reproduces.
@Suite struct MutationFuzzTests {
  static let seeds: [[UInt8]] = {
    let dir = packageRoot.appendingPathComponent("topologies")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter {
      $0.hasSuffix(".yaml")
    }
    .sorted()
    return names.compactMap { try? [UInt8](Data(contentsOf: dir.appendingPathComponent($0))) }
  }()

  static let tokens: [[UInt8]] = [
    "&a ", "*a", "<<: *a", "{", "}", "[", "]", ": ", "- ", "\n", "  ", "\t", "\"", "'", "#", "!!str ", "---\n",
    "99999999999999999999", "-1", "0", "1.5ms", "153722867281m", "2147483648ms", "0h", "..", "/", "|", "&", "=",
    "\u{0}", "\u{FEFF}", "é", "🐘", "fd00::1", "[::1]", "voters: []", "registry: nope", "quorum: hierarchical",
    "groups: by-rack", "weights: {zk-a1: 0}", "ids: {zk-a1: 300}", "connect: local", "dubbo: {version: 2.7.4}",
  ].map { Array($0.utf8) }

  static func mutate(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
    var b = input
    for _ in 0...Int.random(in: 0...3, using: &rng) {
      let at = b.isEmpty ? 0 : Int.random(in: 0..<b.count, using: &rng)
      switch Int.random(in: 0..<6, using: &rng) {
      case 0 where !b.isEmpty: b[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
      case 1: b.insert(contentsOf: tokens.randomElement(using: &rng)!, at: at)
      case 2 where !b.isEmpty: b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...40, using: &rng)))
      case 3 where !b.isEmpty:
        let end = min(b.count, at + Int.random(in: 1...200, using: &rng))
        b.insert(contentsOf: Array(b[at..<end]), at: Int.random(in: 0...b.count, using: &rng))
      case 4:
        let other = seeds.randomElement(using: &rng)!
        let cut = Int.random(in: 0...other.count, using: &rng)
        b = Array(b.prefix(at)) + Array(other.suffix(from: cut))
      default: if !b.isEmpty { b[at] = UInt8.random(in: 0...255, using: &rng) }
      }
    }
    return b
  }

  @Test func mutatedTopologiesNeverTrap() throws {
    var rng = SplitMix(state: 20_261_123)
    var valid = 0
    for i in 0..<3000 {
      let bytes = Self.mutate(Self.seeds[i % Self.seeds.count], &rng)
      // The same whole-pipeline run as the libFuzzer 'load' target.
      if FuzzTarget.load(bytes) { valid += 1 }
    }
    // The mutations must leave enough files valid to exercise the engine, not only the reader.
    #expect(valid > 200, "only \(valid) of 3000 mutations were valid")
  }

  /// The committed libFuzzer corpus (minimised from the `make fuzz` runs, seeded from
  /// topologies/), replayed through each target by the plain build of quorate-fuzz: every input
  /// that once found new coverage, and every crash turned regression, keeps passing.
  @Test(arguments: ["load", "scenario", "plan"])
  func committedFuzzCorpusReplays(target: String) throws {
    let binary = URL(fileURLWithPath: quorateBinary).deletingLastPathComponent().appendingPathComponent("quorate-fuzz")
    let corpus = packageRoot.appendingPathComponent("Fuzz/corpus/\(target)").path
    let count = try FileManager.default.contentsOfDirectory(atPath: corpus).count
    #expect(count > 0)
    let r = try runProcess(binary.path, [target, corpus])
    #expect(r.status == 0, "\(r.stderr.suffix(600))")
    #expect(r.stdout.contains("replayed \(count) input(s)"), "\(r.stdout)")
  }

  /// `what-if`'s argument syntax on random strings: a clear error or a scenario, never a trap.
  @Test func scenarioArgumentsNeverTrap() throws {
    let t = try bundled("payments-prod")
    var rng = SplitMix(state: 7)
    let parts = ["dc", "rack", "machine", "m", ":", "/", "|", ",", " ", "bj-a", "bj-b", "sh-a", "r1", "zk-a1", "", "x"]
    for _ in 0..<5000 {
      func word() -> String {
        (0..<Int.random(in: 0...5, using: &rng)).map { _ in parts.randomElement(using: &rng)! }.joined()
      }
      let fail = (0..<Int.random(in: 0...3, using: &rng)).map { _ in word() }
      let isolate = (0..<Int.random(in: 0...2, using: &rng)).map { _ in word() }
      let partition = Bool.random(using: &rng) ? word() : nil
      do {
        let s = try FailureScenario.parse(fail: fail, isolate: isolate, partition: partition, in: t)
        _ = AnalysisWording.scenario(s, t)
        _ = ScenarioEvaluator(t).evaluate(s)
      } catch {
        #expect(!AnalysisWording.scenarioError(error).isEmpty)
      }
    }
  }
}

/// Decoding does not depend on YAML style: the same topology written in flow style, or with an
/// anchor, aliases and merge keys, gives exactly the same analysis and addresses, and in block
/// style with sorted keys (declaration order changes, so listings come in another order) the
/// same facts once lists are put in order.
@Suite struct StyleIndependenceTests {
  @Test(arguments: ["payments-prod", "nine-voters-hierarchical", "three-dc-2-2-1", "datacenter-bridge"])
  func sameAnswersInEveryStyle(name: String) throws {
    let path = packageRoot.appendingPathComponent("topologies/\(name).yaml").path
    let script = """
      import sys, yaml
      doc = yaml.safe_load(open(sys.argv[1]))
      style = sys.argv[2]
      def merged(m):
          # The first key through an inline merge: `{<<: {host: x}, rack: r}`.
          if not isinstance(m, dict) or len(m) < 2:
              return m
          first = next(iter(m))
          return {'<<': {first: m[first]}, **{k: v for k, v in m.items() if k != first}}
      if style == 'flow':
          print(yaml.safe_dump(doc, default_flow_style=True, sort_keys=False, width=100000))
      elif style == 'anchors-merges':
          # defaults.zookeeper gets an anchor and every ensemble merges it through an alias
          # (its own keys win, as they override the defaults); apps and machines merge their
          # first key.
          zk = (doc.get('defaults') or {}).get('zookeeper')
          if zk:
              for n, e in doc['ensembles'].items():
                  doc['ensembles'][n] = {'<<': zk, **e}
          for n, a in (doc.get('apps') or {}).items():
              doc['apps'][n] = merged(a)
          for dc in doc['datacenters'].values():
              for n, m in (dc.get('machines') or {}).items():
                  dc['machines'][n] = merged(m)
          text = yaml.safe_dump(doc, default_flow_style=False, sort_keys=False, width=100000)
          assert (not zk) or ('&id001' in text and '*id001' in text), 'no anchor written'
          print(text.replace("'<<':", "<<:"))
      else:
          print(yaml.safe_dump(doc, default_flow_style=False, sort_keys=True))
      """
    let expectedAnalysis = try quorate("analyze", path, "--format", "json").stdout
    let expectedConnect = try quorate("connect", path, "--format", "json").stdout
    // The facts that do not depend on declaration order: per ensemble its tolerance, critical
    // and breaking sets, and splits as unordered pairs; per app its status in every scenario.
    let canonical = """
      import sys, json
      def facts(doc):
          ens = sorted((e['name'], e['toleratedMachineFailures'], tuple(e['criticalDatacenters']),
                        tuple(sorted(tuple(x) for x in e['minimalBreakingDatacenterSets'])),
                        tuple(sorted(repr((sorted([sorted(s['sideA']), sorted(s['sideB'])]),
                                           s['quorumSide'] and sorted(s['side' + s['quorumSide']])))
                                     for s in e['splits'])))
                       for e in doc['ensembles'])
          apps = sorted((a['name'], tuple(sorted((f['datacenter'], f['status']) for f in a['datacenterFailures'])),
                         tuple(sorted((f['datacenter'], f['status']) for f in a['isolations'])))
                        for a in doc['apps'])
          return ens, apps
      a, b = (facts(json.load(open(f))) for f in sys.argv[1:3])
      sys.exit(0 if a == b else 1)
      """
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-style-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    for style in ["flow", "anchors-merges", "sorted-block"] {
      let text = try runProcess("/usr/bin/python3", ["-c", script, path, style])
      #expect(text.status == 0, "\(text.stderr)")
      let a = try quorate("analyze", "-", "--format", "json", stdin: text.stdout)
      #expect(a.status == 0, "\(style): \(a.stdout.prefix(400))")
      let c = try quorate("connect", "-", "--format", "json", stdin: text.stdout).stdout
      if style != "sorted-block" {
        #expect(a.stdout == expectedAnalysis, "\(name) in \(style) style analyzes differently")
        #expect(c == expectedConnect)
      } else {
        // Connect strings list the app's own datacenter first and then the others in declaration
        // order, which sorting the keys changes; the analysis must not change.
        for (got, want, what) in [(a.stdout, expectedAnalysis, "analyze")] {
          let g = scratch.appendingPathComponent("\(what)-got.json")
          let w = scratch.appendingPathComponent("\(what)-want.json")
          try got.write(to: g, atomically: true, encoding: .utf8)
          try want.write(to: w, atomically: true, encoding: .utf8)
          let same = try runProcess("/usr/bin/python3", ["-c", canonical, g.path, w.path])
          #expect(same.status == 0, "\(name) with sorted keys: \(what) gives other facts")
        }
      }
    }
  }
}

/// `replacingAll`, used by every escape (XML, Markdown tables) on byte level.
@Suite struct ReplacingAllTests {
  @Test func replacesEveryOccurrenceLeftToRight() {
    #expect("".replacingAll("&", "&amp;") == "")
    #expect("plain".replacingAll("&", "&amp;") == "plain")
    #expect("a&b&&c&".replacingAll("&", "&amp;") == "a&amp;b&amp;&amp;c&amp;")
    #expect("aaaa".replacingAll("aa", "b") == "bb")
    #expect("aaa".replacingAll("aa", "b") == "ba")
    #expect("x".replacingAll("", "y") == "x")
    #expect("é|中|🐘".replacingAll("|", "\\|") == "é\\|中\\|🐘")
    #expect("中文中".replacingAll("中", "z") == "z文z")
    #expect("<a href=\"x\">".replacingAll("\"", "&quot;") == "<a href=&quot;x&quot;>")
  }
}
