import Foundation
import Testing

/// `probe` asks every member at once (one thread per member); this runs it against fake
/// members (Tests/fakes/four_letter_words.py) so that the concurrent path runs in every test
/// run, and under ThreadSanitizer in `make tsan`. The real servers are the end-to-end test's.
@Suite(.serialized) struct ProbeConcurrencyTests {
  /// Five voters 2-2-1 on loopback addresses of their own (not the end-to-end test's), three
  /// of them answering, two refusing connections.
  static let topology = """
    quorate: 1
    name: probe-fakes
    defaults:
      zookeeper: { clientPort: 32181, quorumPort: 32888, electionPort: 33888 }
    datacenters:
      dc-a:
        machines:
          a1: { host: 127.0.11.1 }
          a2: { host: 127.0.11.2 }
      dc-b:
        machines:
          b1: { host: 127.0.11.3 }
          b2: { host: 127.0.11.4 }
      dc-c:
        machines:
          c1: { host: 127.0.11.5 }
    ensembles:
      registry: { voters: [a1, a2, b1, b2, c1] }

    """

  @Test func membersAreAskedConcurrentlyAndJudgedByHand() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-probe-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("fakes.yaml").path
    try Self.topology.write(toFile: file, atomically: true, encoding: .utf8)

    let fake = Process()
    fake.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    fake.arguments = [
      packageRoot.appendingPathComponent("Tests/fakes/four_letter_words.py").path,
      "127.0.11.1:32181:follower", "127.0.11.2:32181:follower", "127.0.11.3:32181:leader",
    ]
    let input = Pipe()
    let output = Pipe()
    fake.standardInput = input
    fake.standardOutput = output
    try fake.run()
    defer {
      try? input.fileHandleForWriting.close()
      fake.waitUntilExit()
    }
    let ready = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
    try #require(ready.hasPrefix("ready"), "the fake members did not start: \(ready)")

    for _ in 0..<5 {
      let r = try quorate("probe", file, "--format", "json", "--timeout", "2s")
      // Two members down differ from the plan: exit 1, and nothing on standard error (a
      // ThreadSanitizer report would be there).
      #expect(r.status == 1, "\(r.stderr)")
      #expect(r.stderr.isEmpty, "\(r.stderr)")
      let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
      let e = try #require((json["ensembles"] as? [[String: Any]])?.first)
      // 3 of 5 voters up: a quorum with none to spare; losing dc-a (a1, a2) or dc-b (b1) now
      // leaves 2 or 1 of the 3 needed.
      #expect(e["quorum"] as? Bool == true)
      #expect(e["leader"] as? String == "b1")
      #expect(e["liveToleratedFailures"] as? Int == 0)
      #expect(e["criticalDatacentersNow"] as? [String] == ["dc-a", "dc-b"])
      let modes = (e["members"] as? [[String: Any]] ?? []).map { "\($0["machine"] ?? ""):\($0["mode"] ?? "")" }
      #expect(modes == ["a1:follower", "a2:follower", "b1:leader", "b2:down", "c1:down"])
    }
  }
}
