public import TopologyModel

/// The servers an app's client lists for one registry, in the order quorate writes them.
///
/// The app's own datacenter comes first, then the others in declaration order; inside a
/// datacenter, members keep the ensemble's order (voters, then observers). ZooKeeper's client
/// shuffles the list once, so the order is for people, not a preference.
public enum ConnectList {
  /// Member indices of `ensemble` that `app` connects to.
  public static func members(app: App, ensemble: Ensemble, in t: ValidatedTopology) -> [Int] {
    let dcOf = { (i: Int) in t.machines[ensemble.members[i].machine].datacenter }
    if app.connect == .local { return ensemble.members.indices.filter { dcOf($0) == app.datacenter } }
    // Own datacenter first, then by datacenter index; the sort is stable (ties keep member order).
    let keyed: [(member: Int, rank: Int)] = ensemble.members.indices.map { i in
      let d = dcOf(i)
      return (i, d == app.datacenter ? -1 : d)
    }
    let sorted = keyed.sorted { a, b in a.rank != b.rank ? a.rank < b.rank : a.member < b.member }
    return sorted.map(\.member)
  }
}
