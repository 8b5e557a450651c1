import TopologyDiagnostics

/// V201 (undeclared machines), V205 (listed twice), V206 (voter and observer), V218 (no voters).
enum MemberReferences: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    let known = Array(c.machines.keys).sorted()
    for e in c.topology.ensembles {
      let path = "ensembles.\(e.name.value)"
      if e.voters.isEmpty && e.votersIsList {
        c.report(
          DiagnosticCatalog.noVoters, "ensemble '\(e.name.value)' has no voters", e.votersRange,
          path: "\(path).voters")
      }
      var seen: [String: (Located<String>, Role)] = [:]
      for (list, role) in [(e.voters, Role.voter), (e.observers, Role.observer)] {
        for v in list {
          if c.machines[v.value] == nil {
            unknownMachine(
              &c, v, known: candidates(for: e, known: known, in: c),
              path: "\(path).\(role == .voter ? "voters" : "observers")")
            continue
          }
          if let (first, firstRole) = seen[v.value] {
            if firstRole == role {
              c.report(
                DiagnosticCatalog.duplicateMember,
                "machine '\(v.value)' is listed twice in ensemble '\(e.name.value)'", v.range,
                path: path, related: [c.related("first listed here", first.range)])
            } else {
              c.report(
                DiagnosticCatalog.voterAndObserver,
                "machine '\(v.value)' is both a voter and an observer of '\(e.name.value)'",
                v.range, path: path, related: [c.related("listed as a voter here", first.range)])
            }
            continue
          }
          seen[v.value] = (v, role)
        }
      }
    }
  }

  /// What a misspelt member most likely meant, best first: machines not yet in this ensemble
  /// (one already listed would only give V205), in the datacenter that holds most of its
  /// members first, then anywhere.
  static func candidates(for e: EnsembleSpec, known: [String], in c: ValidationContext) -> [[String]] {
    let listed = Set((e.voters + e.observers).map(\.value))
    let unused = known.filter { !listed.contains($0) }
    var perDC: [String: Int] = [:]
    for name in listed { if let dc = c.machines[name]?.datacenter { perDC[dc, default: 0] += 1 } }
    guard let home = perDC.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { return [unused] }
    return [unused.filter { c.machines[$0]?.datacenter == home }, unused]
  }

  static func unknownMachine(
    _ c: inout ValidationContext, _ v: Located<String>, known: [[String]], path: String
  ) {
    let s = known.lazy.compactMap { Scalars.suggestion(for: v.value, among: $0) }.first
    c.report(
      DiagnosticCatalog.unknownMachine, "machine '\(v.value)' is not declared", v.range,
      path: path, label: "not declared in any datacenter",
      help: s.map { "did you mean '\($0)'?" }
        ?? "declare it under 'datacenters.<dc>.machines', or correct the name")
  }

}
