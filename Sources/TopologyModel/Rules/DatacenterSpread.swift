import TopologyDiagnostics

/// V303 (one datacenter holds a majority of votes) and V304 (exactly two datacenters).
enum DatacenterSpread: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    for e in c.topology.ensembles {
      let voters = c.resolvedVoters(e)
      guard !voters.isEmpty else { continue }
      var weight: [String: Int] = [:]
      if e.quorum?.value == .hierarchical {
        for (m, w) in e.weights { weight[m.value] = w.value }
      }
      var votesByDC: [String: Int] = [:]
      var order: [String] = []
      for v in voters {
        if votesByDC[v.datacenter] == nil { order.append(v.datacenter) }
        votesByDC[v.datacenter, default: 0] += weight[v.name.value] ?? 1
      }
      let total = votesByDC.values.reduce(0, +)
      let path = "ensembles.\(e.name.value).voters"
      guard order.count >= 2 else { continue }
      if order.count == 2 {
        c.report(
          DiagnosticCatalog.twoDatacenters,
          "ensemble '\(e.name.value)' spans exactly two datacenters ('\(order[0])', '\(order[1])') and cannot survive losing either",
          e.votersRange, path: path,
          help: "add a voter in a third datacenter as a tiebreaker (2+2+1)")
      }
      for dc in order where votesByDC[dc, default: 0] * 2 > total {
        let v = votesByDC[dc, default: 0]
        c.report(
          DiagnosticCatalog.majorityInOneDatacenter,
          "datacenter '\(dc)' holds \(v) of the \(total) votes of '\(e.name.value)'; losing it loses the quorum",
          e.votersRange, path: path,
          help: "move voters out of '\(dc)' so that no datacenter holds more than half of the votes")
      }
    }
  }
}
