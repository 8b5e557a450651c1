import TopologyDiagnostics

/// V212 (id outside 1..255), V213 (id repeated), V217 (id for a non-member).
enum ServerIds: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    for e in c.topology.ensembles {
      let path = "ensembles.\(e.name.value).ids"
      let members = Set((e.voters + e.observers).map(\.value))
      var used: [Int: Located<String>] = [:]
      for (m, id) in e.ids {
        if !members.contains(m.value) {
          c.report(
            DiagnosticCatalog.notAMember,
            "id given to '\(m.value)', which is not a member of '\(e.name.value)'", m.range,
            path: path)
          continue
        }
        guard (1...255).contains(id.value) else {
          c.report(
            DiagnosticCatalog.idOutOfRange, "id \(id.value) of '\(m.value)' is outside 1..255",
            id.range, path: "\(path).\(m.value)")
          continue
        }
        if let first = used[id.value] {
          c.report(
            DiagnosticCatalog.duplicateId,
            "id \(id.value) is given to '\(m.value)' and to '\(first.value)'", id.range,
            path: "\(path).\(m.value)", related: [c.related("first given here", first.range)])
        } else {
          used[id.value] = m
        }
      }
      if members.count > 255 {
        c.report(
          DiagnosticCatalog.idOutOfRange,
          "ensemble '\(e.name.value)' has \(members.count) members; ids run out at 255",
          e.name.range, path: "ensembles.\(e.name.value)")
      }
    }
  }
}
