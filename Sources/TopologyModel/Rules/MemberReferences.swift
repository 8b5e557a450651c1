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
            unknownMachine(&c, v, known: known, path: "\(path).\(role == .voter ? "voters" : "observers")")
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

  static func unknownMachine(
    _ c: inout ValidationContext, _ v: Located<String>, known: [String], path: String
  ) {
    let s = Scalars.suggestion(for: v.value, among: known)
    c.report(
      DiagnosticCatalog.unknownMachine, "machine '\(v.value)' is not declared", v.range,
      path: path, label: "not declared in any datacenter",
      help: s.map { "did you mean '\($0)'?" }
        ?? "declare it under 'datacenters.<dc>.machines', or correct the name")
  }
}
