import ArgumentParser
import Dispatch
import TopologyAnalysis
import TopologyDiagnostics
import TopologyEmitters
import TopologyModel
import TopologyRendering

#if canImport(Glibc)
  import Glibc
#endif

extension Quorate {
  /// `quorate probe`: ask every member of the live ensembles how it is, and compare with the plan.
  struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Ask every live member (srvr, conf) and compare modes, leader and server lists with the plan.",
      discussion: """
        Connects to every member's client port at once, each with a deadline (an unreachable host \
        costs at most --timeout), asks 'srvr' (always allowed) and 'conf' (where whitelisted; the \
        zoo.cfg quorate emits allows it), and reports each member's mode, the leader, the zxid \
        spread, members down or answering with another server list, and the live tolerance from \
        the ensemble's own quorum rule. Exit 1 when reality differs from the plan.

        Examples:
          quorate probe topo.yaml
          quorate probe topo.yaml --ensemble global --timeout 500ms --format json
        """)

    @Argument(help: "The topology file ('-' reads standard input).")
    var file: String

    @OptionGroup(title: "Limits") var limits: LimitOptions

    @OptionGroup var json: JSONOutputOptions

    @Option(help: "Probe only this ensemble.")
    var ensemble: String?

    @Option(help: "How long to wait for each member, such as 2s or 500ms.")
    var timeout: String = "2s"

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
      guard let d = Scalars.duration(timeout), d.microseconds >= 1000, d.wholeMilliseconds <= 600_000 else {
        throw ValidationError("--timeout '\(timeout)' must be a duration from 1ms to 10m, such as 2s")
      }
    }

    func run() throws {
      let (_, t) = try loadValidated(file, json: format == .json)
      let chosen: [Int]
      if let ensemble {
        guard let i = t.ensembleIndex(ensemble) else {
          throw fail("no ensemble named '\(ensemble)'; ensembles: \(t.ensembles.map(\.name).joined(separator: ", "))")
        }
        chosen = [i]
      } else {
        chosen = Array(t.ensembles.indices)
      }
      let timeoutMs = Scalars.duration(timeout)?.wholeMilliseconds ?? 2000
      // Every member of every chosen ensemble at once.
      let targets = chosen.flatMap { ei in t.ensembles[ei].members.indices.map { (ei, $0) } }
      // Each member's answer goes to its own slot: threads never write the same memory, so
      // no lock is needed (a Mutex captured by the closure was itself reported as a race).
      nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<MemberProbe?>.allocate(capacity: targets.count)
      slots.initialize(repeating: nil)
      defer {
        slots.deinitialize()
        slots.deallocate()
      }
      DispatchQueue.concurrentPerform(iterations: targets.count) { i in
        let (ei, mi) = targets[i]
        slots[i] = Self.probe(t, ensemble: ei, member: mi, timeoutMs: timeoutMs)
      }
      let results = Array(slots)
      var live: [LiveEnsemble] = []
      for ei in chosen {
        let probes = targets.indices.filter { targets[$0].0 == ei }.compactMap { results[$0] }
        let expected = ZooKeeperConfig.membershipLines(t.ensembles[ei], in: t).filter { $0.hasPrefix("server.") }
        live.append(LiveEnsemble.judge(ei, probes: probes, expectedServers: expected, in: t))
      }
      switch format {
      case .text: out(ProbeRendering.text(live, t))
      case .json: outJSON(ProbeRendering.json(live, t))
      }
      if live.contains(where: \.differsFromPlan) { throw ExitCode(1) }
    }

    /// `srvr` for the mode and zxid, then `conf` for the server list.
    static func probe(_ t: ValidatedTopology, ensemble ei: Int, member mi: Int, timeoutMs: Int) -> MemberProbe {
      let m = t.ensembles[ei].members[mi]
      let host = t.machines[m.machine].host
      switch FourLetterWords.ask(host: host, port: m.clientPort, word: "srvr", timeoutMs: timeoutMs) {
      case .failure(let f):
        return MemberProbe(member: mi, mode: .down, zxid: nil, servers: nil, failure: f.description)
      case .success(let text):
        var mode: LiveMode = .notServing
        var zxid: UInt64?
        for line in text.split(separator: "\n") {
          if line.hasPrefix("Mode: ") {
            mode = LiveMode(rawValue: String(line.dropFirst(6).trimmedOfWhitespace)) ?? .notServing
          }
          if line.hasPrefix("Zxid: 0x") {
            zxid = UInt64(line.dropFirst(8).trimmedOfWhitespace, radix: 16)
          }
        }
        var servers: [String]?
        if case .success(let conf) = FourLetterWords.ask(
          host: host, port: m.clientPort, word: "conf", timeoutMs: timeoutMs),
          !conf.contains("not executed because it is not in the whitelist")
        {
          let lines = conf.split(separator: "\n").map(String.init).filter { $0.hasPrefix("server.") }
          servers = lines.isEmpty ? nil : lines
        }
        return MemberProbe(member: mi, mode: mode, zxid: zxid, servers: servers, failure: nil)
      }
    }
  }
}
