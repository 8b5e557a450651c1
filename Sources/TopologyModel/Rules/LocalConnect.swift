import TopologyDiagnostics

/// V306: `connect: local` with fewer than two servers of a registry in the app's datacenter.
enum LocalConnect: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    // Members of an ensemble in a datacenter, counted once per pair, not once per app.
    struct Key: Hashable {
      let ensemble: Int
      let datacenter: Int
    }
    var counted: [Key: Int] = [:]
    let apps = c.topology.apps
    for i in apps.indices where apps[i].connect?.value == .local {
      let a = apps[i]
      guard let dc = a.datacenter?.value, let di = c.appDatacenters[i] else { continue }
      for (r, ensemble) in zip(c.registryNames(a), c.registries(ofApp: i)) {
        guard let ei = ensemble else { continue }
        let key = Key(ensemble: ei, datacenter: di)
        let local: Int
        if let known = counted[key] {
          local = known
        } else {
          local = c.resolvedMembers(c.topology.ensembles[ei]).filter { $0.0.datacenter == dc }.count
          counted[key] = local
        }
        guard local < 2 else { continue }
        c.report(
          DiagnosticCatalog.localTooFew,
          local == 0
            ? "app '\(a.name.value)' connects locally, but ensemble '\(r.value)' has no server in '\(dc)'"
            : "app '\(a.name.value)' connects locally to the only server of '\(r.value)' in '\(dc)'",
          a.connect?.range ?? r.range, path: "apps.\(a.name.value).connect",
          help: local == 0
            ? "use 'connect: all', or add an observer of '\(r.value)' in '\(dc)'"
            : "add a second member (an observer will do) of '\(r.value)' in '\(dc)', or use 'connect: all'")
      }
    }
  }
}
