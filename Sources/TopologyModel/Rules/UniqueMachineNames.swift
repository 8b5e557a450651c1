import TopologyDiagnostics

/// V204: machine names are unique across the file.
enum UniqueMachineNames: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    // The context knows where each name is first declared: any other place repeats it.
    for (d, dc) in c.topology.datacenters.enumerated() {
      for (k, m) in dc.machines.enumerated() {
        let here = ValidationContext.MachinePlace(datacenter: Int32(d), machine: Int32(k))
        guard let place = c.machinePlaces[m.name.value], place != here else { continue }
        let f = c.topology.datacenters[Int(place.datacenter)].machines[Int(place.machine)]
        c.report(
          DiagnosticCatalog.duplicateMachineName,
          "machine '\(m.name.value)' is declared in '\(f.datacenter)' and again in '\(dc.name.value)'",
          m.name.range, path: "datacenters.\(dc.name.value).machines.\(m.name.value)",
          related: [c.related("first declared here", f.name.range)])
      }
    }
  }
}
