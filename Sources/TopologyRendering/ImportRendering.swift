public import TopologyImport

/// A topology read from zoo.cfg files, written as format-v1 YAML with comments that say where
/// each value came from.
public enum ImportRendering {
  public static func yaml(_ t: ImportedTopology) -> String {
    var out = "# Imported by quorate from \(Set(t.ensembles.flatMap(\.files)).sorted().joined(separator: ", ")).\n"
    out += "# Check it with 'quorate check', then 'quorate analyze'.\n"
    out += "quorate: 1\nname: \(t.name)\n\ndatacenters:\n"
    for dc in t.datacenters {
      out += "  \(dc):\n    machines:\n"
      for m in t.machines where m.datacenter == dc {
        let host = m.host.contains(":") ? "\"\(m.host)\"" : m.host
        var fields = "host: \(host)" + (m.rack.map { ", rack: \($0)" } ?? "")
        // Members of one ensemble with different ports carry them on their machines.
        if let p = t.ensembles.lazy.compactMap({ $0.machinePorts[m.name] }).first {
          fields +=
            (p.client.map { ", clientPort: \($0)" } ?? "") + ", quorumPort: \(p.quorum), electionPort: \(p.election)"
        }
        out += "      \(m.name): { \(fields) }\n"
      }
    }
    out += "\nensembles:\n"
    for e in t.ensembles {
      out += "  \(e.name):   # from \(e.files.joined(separator: ", "))\n"
      out += "    voters: [\(e.voters.map(\.machine).joined(separator: ", "))]\n"
      if !e.observers.isEmpty { out += "    observers: [\(e.observers.map(\.machine).joined(separator: ", "))]\n" }
      out += "    ids: { \((e.voters + e.observers).map { "\($0.machine): \($0.id)" }.joined(separator: ", ")) }\n"
      if !e.groups.isEmpty {
        out += "    quorum: hierarchical\n    groups:\n"
        for g in e.groups { out += "      \(g.name): [\(g.machines.joined(separator: ", "))]\n" }
        if !e.weights.isEmpty {
          out += "    weights: { \(e.weights.map { "\($0.machine): \($0.weight)" }.joined(separator: ", ")) }\n"
        }
      }
      if let c = e.clientPort { out += "    clientPort: \(c)\n" }
      if let q = e.quorumPort { out += "    quorumPort: \(q)\n" }
      if let el = e.electionPort { out += "    electionPort: \(el)\n" }
      for s in e.settings { out += "    \(s.key): \(s.value)   # \(s.source)\n" }
    }
    return out
  }
}
