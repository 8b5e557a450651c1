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
      var sameQuorumAndElection: [(machine: String, port: Int, range: SourceRange)] = []
      defer {
        // One diagnostic per ensemble, at the setting when the ports come from one.
        if let first = sameQuorumAndElection.first {
          let names = sameQuorumAndElection.map { "'\($0.machine)'" }.joined(separator: ", ")
          let at = c.setting(e, \.electionPort)?.range ?? c.setting(e, \.quorumPort)?.range ?? first.range
          c.report(
            DiagnosticCatalog.quorumEqualsElection,
            "ensemble '\(e.name.value)' uses port \(first.port) for both quorum and election on \(names)",
            at, path: "ensembles.\(e.name.value)",
            help: "set different 'quorumPort' and 'electionPort' (2888 and 3888 by default)")
        }
      }
      for (m, _) in c.resolvedMembers(e) {
        guard let host = m.host?.value else { continue }
        let p = c.ports(e, m)
        let range =
          e.voters.first { $0.value == m.name.value }?.range
          ?? e.observers.first { $0.value == m.name.value }?.range ?? m.name.range
        if p.quorum == p.election { sameQuorumAndElection.append((m.name.value, p.quorum, range)) }
        var ports: [(String, Int)] = [("client", p.client), ("quorum", p.quorum)]
        if p.election != p.quorum { ports.append(("election", p.election)) }
        for (what, port) in ports {
          let key = "\(Scalars.canonicalHost(host))|\(port)"
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
