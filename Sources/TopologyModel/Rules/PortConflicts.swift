import TopologyDiagnostics

/// V207 (two servers bind one host and port) and V208 (quorumPort equals electionPort).
///
/// Each root cause is reported once, at the line the user must change, with the other parties
/// as notes: a host copied into a second machine at that machine's `host:`; a second ensemble
/// on machines another already uses, with the same ports, at that ensemble's port setting (or
/// its name when its ports are the defaults); a machine-level port override at that override.
enum PortConflicts: ValidationRule {
  /// Who binds an address first: indices and names, not copies of the specs (a wide estate
  /// holds a binding per member and port).
  struct Binding {
    let ensemble: Int
    let machine: String
  }

  /// A host (canonical) and a port.
  struct Address: Hashable {
    let host: String
    let port: Int
  }

  static func check(_ c: inout ValidationContext) {
    var bound: [Address: Binding] = [:]
    // Root cause -> (where to report, first message parts, notes).
    var sameHost: [String: (first: MachineSpec, second: MachineSpec, ports: [String])] = [:]
    var sharedMachines: [String: (first: EnsembleSpec, second: EnsembleSpec, machines: [String], ports: [String])] = [:]
    var hostOrder: [String] = []
    var pairOrder: [String] = []
    for (ei, e) in c.topology.ensembles.enumerated() {
      var sameQuorumAndElection: [(machine: MachineSpec, port: Int)] = []
      for (m, _) in c.resolvedMembers(e) {
        guard let host = m.host.map({ Scalars.canonicalHost($0.value) }) else { continue }
        let p = c.ports(e, m)
        if p.quorum == p.election { sameQuorumAndElection.append((m, p.quorum)) }
        var ports: [(String, Int)] = [("client", p.client), ("quorum", p.quorum)]
        if p.election != p.quorum { ports.append(("election", p.election)) }
        for (what, port) in ports {
          let key = Address(host: host, port: port)
          guard let first = bound[key] else {
            bound[key] = Binding(ensemble: ei, machine: m.name.value)
            continue
          }
          if first.machine != m.name.value {
            // Two machines, one address: the host line of the later machine is the cause.
            guard let firstMachine = c.machines[first.machine] else { continue }
            let k = "\(first.machine)|\(m.name.value)"
            if sameHost[k] == nil { hostOrder.append(k) }
            sameHost[k, default: (firstMachine, m, [])].ports.append("\(port) (\(what))")
          } else {
            // One machine in two ensembles with the same ports: the later ensemble's ports.
            let firstEnsemble = c.topology.ensembles[first.ensemble]
            let k = "\(firstEnsemble.name.value)|\(e.name.value)"
            if sharedMachines[k] == nil { pairOrder.append(k) }
            var entry = sharedMachines[k] ?? (firstEnsemble, e, [], [])
            if !entry.machines.contains(m.name.value) { entry.machines.append(m.name.value) }
            let label = "\(port) (\(what))"
            if !entry.ports.contains(label) { entry.ports.append(label) }
            sharedMachines[k] = entry
          }
        }
      }
      if let first = sameQuorumAndElection.first {
        let names = sameQuorumAndElection.map { "'\($0.machine.name.value)'" }.joined(separator: ", ")
        // At the override that makes them equal: the machine's, else the ensemble's or the default's.
        let at =
          first.machine.electionPort?.range ?? first.machine.quorumPort?.range
          ?? c.setting(e, \.electionPort)?.range ?? c.setting(e, \.quorumPort)?.range ?? e.name.range
        c.report(
          DiagnosticCatalog.quorumEqualsElection,
          "ensemble '\(e.name.value)' uses port \(first.port) for both quorum and election on \(names)",
          at, path: "ensembles.\(e.name.value)",
          help: "set different 'quorumPort' and 'electionPort' (2888 and 3888 by default)")
      }
    }
    for k in hostOrder {
      guard let (first, second, ports) = sameHost[k], let host = second.host else { continue }
      c.report(
        DiagnosticCatalog.portConflict,
        "machine '\(second.name.value)' has the address of machine '\(first.name.value)' (\(host.value)): their servers bind the same ports",
        host.range, path: "datacenters.\(second.datacenter).machines.\(second.name.value).host",
        related: first.host.map { [c.related("'\(first.name.value)' has this address", $0.range)] } ?? [],
        notes: ["both bind " + ports.joined(separator: ", ")],
        help:
          "give '\(second.name.value)' its own host, or its own ports with machine-level 'clientPort'/'quorumPort'/'electionPort'"
      )
    }
    for k in pairOrder {
      guard let (first, second, machines, ports) = sharedMachines[k] else { continue }
      // At the conflicting port's own setting on the ensemble, else its name (where a port
      // setting is to be added).
      let settings = [
        ("(client)", second.settings.clientPort?.range), ("(quorum)", second.settings.quorumPort?.range),
        ("(election)", second.settings.electionPort?.range),
      ]
      let at =
        settings.first { kind, range in range != nil && ports.contains { $0.hasSuffix(kind) } }?.1
        ?? second.name.range
      c.report(
        DiagnosticCatalog.portConflict,
        "ensemble '\(second.name.value)' binds ports that ensemble '\(first.name.value)' already binds on \(machines.map { "'\($0)'" }.joined(separator: ", "))",
        at, path: "ensembles.\(second.name.value)",
        related: [c.related("'\(first.name.value)' binds them first", first.name.range)],
        notes: ["both bind " + ports.joined(separator: ", ")],
        help: "give ensemble '\(second.name.value)' its own ports ('clientPort', 'quorumPort', 'electionPort')")
    }
  }
}
