import TopologyDiagnostics

/// V301 (even number of voters, majority quorums) and V302 (fewer than 3 voters).
enum VoterCount: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    for e in c.topology.ensembles {
      let n = Set(e.voters.map(\.value)).count
      guard n > 0 else { continue }
      let path = "ensembles.\(e.name.value).voters"
      if n < 3 {
        c.report(
          DiagnosticCatalog.fewVoters,
          "ensemble '\(e.name.value)' has \(n) voter\(n == 1 ? "" : "s"); losing any voter loses the quorum",
          e.votersRange, path: path, help: "use at least 3 voters")
      } else if n % 2 == 0, e.quorum?.value != .hierarchical {
        c.report(
          DiagnosticCatalog.evenVoters,
          "ensemble '\(e.name.value)' has \(n) voters, which tolerate \(n / 2 - 1) failure\(n / 2 - 1 == 1 ? "" : "s"), no more than \(n - 1) would",
          e.votersRange, path: path,
          notes: ["a majority of \(n) is \(n / 2 + 1)"],
          help: "use \(n - 1) or \(n + 1) voters, or make one of them an observer")
      }
    }
  }
}
