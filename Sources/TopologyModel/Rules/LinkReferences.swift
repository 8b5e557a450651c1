import TopologyDiagnostics

/// V202 for links, V220 (a link twice, or to itself).
enum LinkReferences: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    let dcs = c.topology.datacenters.map(\.name.value)
    var seen: [String: LinkSpec] = [:]
    for (i, l) in c.topology.links.enumerated() {
      var ok = l.between.count == 2
      for d in l.between where c.datacenters[d.value] == nil {
        ok = false
        c.report(
          DiagnosticCatalog.unknownDatacenter, "datacenter '\(d.value)' is not declared", d.range,
          path: "links[\(i)].between",
          help: Scalars.suggestion(for: d.value, among: dcs).map { "did you mean '\($0)'?" })
      }
      guard ok else { continue }
      let (a, b) = (l.between[0].value, l.between[1].value)
      if a == b {
        c.report(
          DiagnosticCatalog.duplicateLink, "link joins datacenter '\(a)' to itself",
          l.between[1].range, path: "links[\(i)].between")
        continue
      }
      let key = min(a, b) + "|" + max(a, b)
      if let first = seen[key] {
        c.report(
          DiagnosticCatalog.duplicateLink, "link between '\(a)' and '\(b)' is declared twice",
          l.range, path: "links[\(i)]", related: [c.related("first declared here", first.range)])
      } else {
        seen[key] = l
      }
    }
  }
}
