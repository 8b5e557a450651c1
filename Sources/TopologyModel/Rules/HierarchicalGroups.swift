import TopologyDiagnostics

/// V215 (groups vs quorum kind), V209/V210/V211 (group membership), V219 (all weights zero).
enum HierarchicalGroups: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    for e in c.topology.ensembles {
      let path = "ensembles.\(e.name.value)"
      let hierarchical = e.quorum?.value == .hierarchical
      if hierarchical && e.groups == nil {
        c.report(
          DiagnosticCatalog.hierarchicalMismatch,
          "ensemble '\(e.name.value)' uses a hierarchical quorum but declares no groups",
          e.quorum?.range ?? e.name.range, path: "\(path).quorum",
          help: "add 'groups: by-datacenter' (or by-rack, or a mapping of groups)")
      }
      if !hierarchical, let g = e.groups {
        c.report(
          DiagnosticCatalog.hierarchicalMismatch,
          "ensemble '\(e.name.value)' declares groups without 'quorum: hierarchical'", g.range,
          path: "\(path).groups",
          help: "add 'quorum: hierarchical', or remove 'groups' for a plain majority")
      }
      if !hierarchical, let r = e.weightsRange, e.groups == nil {
        c.report(
          DiagnosticCatalog.hierarchicalMismatch,
          "ensemble '\(e.name.value)' declares weights without 'quorum: hierarchical'", r,
          path: "\(path).weights",
          help:
            "weights apply to hierarchical quorums only; add 'quorum: hierarchical' with groups, or remove 'weights'")
      }
      let voterNames = Set(e.voters.map(\.value))
      for (m, w) in e.weights {
        if c.machines[m.value] == nil {
          MemberReferences.unknownMachine(&c, m, known: [Array(c.machines.keys).sorted()], path: "\(path).weights")
        } else if !voterNames.contains(m.value) {
          c.report(
            DiagnosticCatalog.nonVoterInGroup,
            "weight given to '\(m.value)', which is not a voter of '\(e.name.value)'", m.range,
            path: "\(path).weights")
        }
        _ = w
      }
      guard hierarchical, let groups = e.groups else { continue }
      let voters = c.resolvedVoters(e)
      switch groups {
      case .byDatacenter: break
      case .byRack(let r):
        for v in voters where v.rack == nil {
          c.report(
            DiagnosticCatalog.voterNotInGroup,
            "voter '\(v.name.value)' has no rack, so 'groups: by-rack' leaves it out", r,
            path: "\(path).groups", related: [c.related("machine declared here", v.name.range)],
            help: "give machine '\(v.name.value)' a 'rack', or declare the groups explicitly")
        }
      case .explicit(let list, let r):
        var groupOf: [String: Located<String>] = [:]
        for (g, members) in list {
          for m in members {
            if c.machines[m.value] == nil {
              MemberReferences.unknownMachine(
                &c, m, known: [Array(c.machines.keys).sorted()], path: "\(path).groups.\(g.value)")
            } else if !voterNames.contains(m.value) {
              c.report(
                DiagnosticCatalog.nonVoterInGroup,
                "group '\(g.value)' holds '\(m.value)', which is not a voter of '\(e.name.value)'",
                m.range, path: "\(path).groups.\(g.value)",
                help: "groups hold voters only; remove '\(m.value)' from the group")
            } else if let first = groupOf[m.value] {
              c.report(
                DiagnosticCatalog.voterInTwoGroups,
                "voter '\(m.value)' is in group '\(g.value)' and already in another group", m.range,
                path: "\(path).groups.\(g.value)", related: [c.related("first grouped here", first.range)])
            } else {
              groupOf[m.value] = m
            }
          }
        }
        for v in voters where groupOf[v.name.value] == nil {
          c.report(
            DiagnosticCatalog.voterNotInGroup,
            "voter '\(v.name.value)' of '\(e.name.value)' is in no group", r, path: "\(path).groups",
            help: "add '\(v.name.value)' to one of the groups")
        }
      }
      // Every group weightless: ZooKeeper can never form a quorum.
      if !voters.isEmpty {
        var weight: [String: Int] = [:]
        for (m, w) in e.weights { weight[m.value] = w.value }
        if voters.allSatisfy({ (weight[$0.name.value] ?? 1) == 0 }) {
          c.report(
            DiagnosticCatalog.zeroWeight,
            "every voter of '\(e.name.value)' has weight 0, so no set of servers is a quorum",
            e.weightsRange ?? groups.range, path: "\(path).weights")
        }
      }
    }
  }
}
