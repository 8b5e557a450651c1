import TopologyDiagnostics

/// V202/V203 for apps, V214 (registry xor registries), V307 (same registry twice).
enum AppReferences: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    let dcs = c.topology.datacenters.map(\.name.value)
    let ens = c.topology.ensembles.map(\.name.value)
    let apps = c.topology.apps
    for i in apps.indices {
      let a = apps[i]
      var path: String { "apps.\(a.name.value)" }  // for messages only: built when one is reported
      if let d = a.datacenter, c.appDatacenters[i] == nil {
        c.report(
          DiagnosticCatalog.unknownDatacenter, "datacenter '\(d.value)' is not declared", d.range,
          path: "\(path).datacenter",
          help: Scalars.suggestion(for: d.value, among: dcs).map { "did you mean '\($0)'?" })
      }
      switch (a.registry, a.registries) {
      case (.some(let r), .some):
        c.report(
          DiagnosticCatalog.appRegistryChoice,
          "app '\(a.name.value)' has both 'registry' and 'registries'", r.range, path: path,
          help: "keep 'registries: [...]' for several registries, or 'registry' for one")
      case (nil, nil):
        c.report(
          DiagnosticCatalog.appRegistryChoice,
          "app '\(a.name.value)' has neither 'registry' nor 'registries'", a.name.range,
          path: path, help: "add 'registry: <ensemble>'")
      case (nil, .some(let list)) where list.isEmpty:
        c.report(
          DiagnosticCatalog.appRegistryChoice, "app '\(a.name.value)' has an empty 'registries'",
          a.registriesRange ?? a.name.range, path: path, help: "list at least one ensemble")
      default: break
      }
      // An app lists a registry or a few: the names before each one are searched, with no
      // array or set built per app.
      let names = c.registryNames(a)
      for (k, (r, ensemble)) in zip(names, c.registries(ofApp: i)).enumerated() {
        if ensemble == nil {
          c.report(
            DiagnosticCatalog.unknownEnsemble, "ensemble '\(r.value)' is not declared", r.range,
            path: path,
            help: Scalars.suggestion(for: r.value, among: ens).map { "did you mean '\($0)'?" })
        } else if let first = names[..<k].first(where: { $0.value == r.value }) {
          c.report(
            DiagnosticCatalog.repeatedRegistry,
            "app '\(a.name.value)' lists registry '\(r.value)' twice", r.range, path: path,
            related: [c.related("first listed here", first.range)])
        }
      }
    }
  }
}
