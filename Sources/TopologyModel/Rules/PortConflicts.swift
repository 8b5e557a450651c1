import TopologyDiagnostics

/// V207 (two servers bind one host and port) and V208 (quorumPort equals electionPort).
enum PortConflicts: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    struct Binding {
      let ensemble: String
      let machine: String
      let what: String
      let range: SourceRange
    }
    var bound: [String: Binding] = [:]
    for e in c.topology.ensembles {
      for (m, _) in c.resolvedMembers(e) {
        guard let host = m.host?.value else { continue }
        let p = c.ports(e, m)
        let range = e.voters.first { $0.value == m.name.value }?.range
          ?? e.observers.first { $0.value == m.name.value }?.range ?? m.name.range
        if p.quorum == p.election {
          c.report(
            DiagnosticCatalog.quorumEqualsElection,
            "machine '\(m.name.value)' in ensemble '\(e.name.value)' uses port \(p.quorum) for both quorum and election",
            range, path: "ensembles.\(e.name.value)",
            help: "set different 'quorumPort' and 'electionPort' (2888 and 3888 by default)")
        }
        var ports: [(String, Int)] = [("client", p.client), ("quorum", p.quorum)]
        if p.election != p.quorum { ports.append(("election", p.election)) }
        for (what, port) in ports {
          let key = "\(host.lowercased())|\(port)"
          let binding = Binding(ensemble: e.name.value, machine: m.name.value, what: what, range: range)
          if let first = bound[key] {
            let whose =
              first.ensemble == e.name.value
              ? "'\(first.machine)' in the same ensemble" : "'\(first.machine)' in ensemble '\(first.ensemble)'"
            c.report(
              DiagnosticCatalog.portConflict,
              "'\(m.name.value)' in ensemble '\(e.name.value)' binds \(host):\(port) (\(what) port), already bound by \(whose) (\(first.what) port)",
              range, path: "ensembles.\(e.name.value)",
              related: [c.related("'\(first.machine)' first binds it here", first.range)],
              help: first.ensemble == e.name.value
                ? "give the two machines different hosts, or different ports with machine-level 'clientPort'/'quorumPort'/'electionPort'"
                : "give ensemble '\(e.name.value)' its own ports ('clientPort', 'quorumPort', 'electionPort')")
          } else {
            bound[key] = binding
          }
        }
      }
    }
  }
}
