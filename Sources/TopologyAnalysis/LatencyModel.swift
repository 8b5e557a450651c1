public import TopologyModel

/// Commit latency of a write and read latency, from a site, over the declared `links`.
///
/// A client's write goes to its server (in the site when the ensemble has a member there,
/// else the member nearest the site), which forwards it to the leader; the leader proposes it
/// and commits once the acknowledgements, its own included, form a quorum; the commit returns
/// to the client's server. So a write costs `rtt(server, leader)` plus the time until a quorum
/// has acknowledged, `q(leader)`: the smallest `t` such that the voters within round-trip `t` of
/// the leader form a quorum. Inside a datacenter the round-trip counts as 0. Best and worst
/// are over every voter that can lead (a voter of weight 0 never does). When a needed link is not declared, the figure is
/// unknown, never zero.
public enum LatencyModel {
  /// Best and worst write latency, and read latency, in milliseconds.
  public struct Figures: Sendable, Equatable {
    /// nil when a needed link is unknown.
    public let bestWriteMs: Double?
    public let worstWriteMs: Double?
    /// 0 when the site has a member to read from; nil when unknown.
    public let readMs: Double?
    /// Whether reads are served inside the site.
    public let localReads: Bool
  }

  /// Figures for a site, for members at these datacenters (voters flagged).
  static func figures(
    site: Int, memberDC: [Int], isVoter: [Bool], system: QuorumSystem, rtt: RoundTrips
  ) -> Figures {
    let members = memberDC.indices
    let local = members.contains { memberDC[$0] == site }
    // The client's server: in the site, else the nearest member (unknown if no link is known).
    var serverDC: Int? = local ? site : nil
    var readMs: Double? = local ? 0 : nil
    if !local {
      let known = members.compactMap { m in rtt[site, memberDC[m]].map { (m, $0) } }
      if known.count == members.count, let nearest = known.min(by: { $0.1 < $1.1 }) {
        serverDC = memberDC[nearest.0]
        readMs = nearest.1
      }
    }
    guard let serverDC else {
      return Figures(bestWriteMs: nil, worstWriteMs: nil, readMs: nil, localReads: false)
    }
    var best: Double?
    var worst: Double?
    var unknown = false
    // FastLeaderElection.totalOrderPredicate refuses a candidate whose weight is 0: such a
    // voter never leads, so only voters of positive weight are leaders here.
    for leader in members where isVoter[leader] && system.memberWeight[leader] > 0 {
      guard let toLeader = rtt[serverDC, memberDC[leader]], let q = quorumTime(leader, memberDC, system, rtt) else {
        unknown = true
        break
      }
      let w = toLeader + q
      best = min(best ?? w, w)
      worst = max(worst ?? w, w)
    }
    if unknown { return Figures(bestWriteMs: nil, worstWriteMs: nil, readMs: readMs, localReads: local) }
    return Figures(bestWriteMs: best, worstWriteMs: worst, readMs: readMs, localReads: local)
  }

  /// The time until acknowledgements form a quorum, with `leader` acknowledging at 0.
  static func quorumTime(_ leader: Int, _ memberDC: [Int], _ system: QuorumSystem, _ rtt: RoundTrips) -> Double? {
    var arrivals: [(Int, Double)] = []
    for m in memberDC.indices where system.memberGroup[m] != nil {
      guard let r = rtt[memberDC[leader], memberDC[m]] else { return nil }
      arrivals.append((m, m == leader ? 0 : r))
    }
    arrivals.sort { $0.1 < $1.1 }
    var acked: [Int] = []
    for (m, t) in arrivals {
      acked.append(m)
      if system.hasQuorum(members: acked) { return t }
    }
    return nil
  }

  /// Figures for an ensemble seen from a site.
  public static func figures(ensemble e: Ensemble, site: Int, in t: ValidatedTopology) -> Figures {
    figures(
      site: site, memberDC: e.members.map { t.machines[$0.machine].datacenter },
      isVoter: e.members.map { $0.role == .voter }, system: QuorumSystem(e), rtt: t.rtt)
  }
}
