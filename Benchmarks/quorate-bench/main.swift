// Benchmarks for quorate's analysis on a large generated estate. Prints figures as ratios
// against the cost of reading and validating the same file, measured in the same run, so the
// numbers mean something on a shared 2-core machine. Run: make bench
import Foundation
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel
import TopologyRendering

/// An estate: `dcs` datacenters of `perDC` machines; ensembles of 5 voters spread 2-2-1 over
/// three datacenters, each with its own ports; apps spread over the datacenters.
func estate(dcs: Int, perDC: Int, ensembles: Int, apps: Int) -> String {
  var y =
    "quorate: 1\nname: estate\ndefaults:\n  availability:\n    machine: 99.9%\n    datacenter: 99.95%\ndatacenters:\n"
  for d in 0..<dcs {
    y += "  dc\(d):\n    machines:\n"
    for m in 0..<perDC { y += "      m\(d)-\(m): { host: 10.\(d / 250).\(d % 250).\(m + 1), rack: r\(m % 4) }\n" }
  }
  y += "links:\n"
  for d in 0..<dcs where d + 1 < dcs { y += "  - { between: [dc\(d), dc\(d + 1)], rtt: 2ms }\n" }
  y += "ensembles:\n"
  for e in 0..<ensembles {
    let a = (e * 3) % dcs
    let b = (a + 1) % dcs
    let c = (a + 2) % dcs
    let slot = (e / dcs) * 2 % perDC
    let voters = ["m\(a)-\(slot)", "m\(a)-\(slot + 1)", "m\(b)-\(slot)", "m\(b)-\(slot + 1)", "m\(c)-\(slot)"]
    y += "  e\(e):\n    voters: [\(voters.joined(separator: ", "))]\n"
    y += "    clientPort: \(10000 + e)\n    quorumPort: \(20000 + e)\n    electionPort: \(30000 + e)\n"
  }
  y += "apps:\n"
  for a in 0..<apps {
    y += "  app\(a):\n    datacenter: dc\(a % dcs)\n    registry: e\(a % ensembles)\n    sessionTimeout: 40s\n"
  }
  return y
}

func time(_ body: () -> Void) -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func best(of runs: Int, _ body: () -> Void) -> Double {
  (0..<runs).map { _ in time(body) }.min() ?? 0
}

let sizes = [(dcs: 30, perDC: 20, ensembles: 100, apps: 300), (dcs: 100, perDC: 30, ensembles: 400, apps: 2000)]
print("quorate benchmark: times are the best of 3 runs; ratios are against read+validate of the same file")
for size in sizes {
  let text = estate(dcs: size.dcs, perDC: size.perDC, ensembles: size.ensembles, apps: size.apps)
  let source = SourceFile(path: "estate.yaml", text: text)
  var loaded: TopologyLoader.Result?
  let read = best(of: 3) { loaded = TopologyLoader.load(source) }
  guard let t = loaded?.topology else {
    print("the generated estate does not validate: \(loaded?.diagnostics.prefix(3).map(\.message) ?? [])")
    exit(1)
  }
  let analyze = best(of: 3) { _ = Analyzer.analyze(t) }
  let compare = best(of: 3) { _ = Comparison.compare(t) }
  let lints = best(of: 3) { _ = AnalysisLints.diagnostics(for: t) }
  let emit = best(of: 3) { _ = EmitPlan.files(t, options: ServerConfigOptions()) }
  var s = FailureScenario(datacenterCount: t.datacenters.count)
  s.failedDatacenters = [0, 1]
  let whatIf = best(of: 3) { _ = ScenarioEvaluator(t).evaluate(s) }
  func ratio(_ x: Double) -> String { String(format: "%.2fx", x / read) }
  print(
    "\(t.datacenters.count) datacenters, \(t.machines.count) machines, \(t.ensembles.count) ensembles, \(t.apps.count) apps (\(text.utf8.count / 1024) KiB):"
  )
  print(String(format: "  read+validate %.3fs (1.00x)", read))
  print(String(format: "  analyze       %.3fs (%@)", analyze, ratio(analyze)))
  print(String(format: "  compare       %.3fs (%@)", compare, ratio(compare)))
  print(String(format: "  check lints   %.3fs (%@)", lints, ratio(lints)))
  print(String(format: "  what-if       %.3fs (%@)", whatIf, ratio(whatIf)))
  print(String(format: "  emit (memory) %.3fs (%@)", emit, ratio(emit)))
}
