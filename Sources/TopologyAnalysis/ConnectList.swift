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
    let own = ensemble.members.indices.filter { dcOf($0) == app.datacenter }
    if app.connect == .local { return own }
    var out = own
    for d in t.datacenters.indices where d != app.datacenter {
      out += ensemble.members.indices.filter { dcOf($0) == d }
    }
    return out
  }
}
