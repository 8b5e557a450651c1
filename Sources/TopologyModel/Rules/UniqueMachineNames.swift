import TopologyDiagnostics

/// V204: machine names are unique across the file.
enum UniqueMachineNames: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    var first: [String: MachineSpec] = [:]
    for dc in c.topology.datacenters {
      for m in dc.machines {
        if let f = first[m.name.value] {
          c.report(
            DiagnosticCatalog.duplicateMachineName,
            "machine '\(m.name.value)' is declared in '\(f.datacenter)' and again in '\(dc.name.value)'",
            m.name.range, path: "datacenters.\(dc.name.value).machines.\(m.name.value)",
            related: [c.related("first declared here", f.name.range)])
        } else {
          first[m.name.value] = m
        }
      }
    }
  }
}
