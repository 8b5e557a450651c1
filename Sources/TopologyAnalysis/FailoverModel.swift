public import TopologyModel

#if canImport(Glibc)
  import Glibc
#endif

/// The ZooKeeper client's timing when its server becomes unreachable (worst case and odds).
///
/// From `ClientCnxn`, `StaticHostProvider` and the learners' session tracking (facts sections
/// 1.2 and 2): with a negotiated session timeout `T` and `N` entries in the connect string,
/// each connection attempt may take `C = floor(T / N)` and the client notices a silent server
/// after `R = floor(2T / 3)`. An idle client pings every `P = min(floor(R/2) - 1000, 10000)` ms.
/// A follower or observer reports its clients' activity to the leader only in its reply to the
/// leader's ping, every `tickTime / 2`; activity since that reply dies with it. So the leader
/// may last have heard of the session one ping interval before the client's last contact, and
/// once the client notices it has as little as `T - R - P` (the worst case), about `T - R`
/// when its last ping had been reported. Every attempt after the first connection sleeps a
/// uniform 0-999 ms first.
public struct FailoverModel: Sendable, Equatable {
  /// The session timeout the client asks for.
  public let requestedMs: Int
  /// The negotiated session timeout `T` (clamped into the servers' bounds).
  public let negotiatedMs: Int
  /// The number of entries `N` in the connect string.
  public let servers: Int
  /// The servers' tickTime: the leader pings its learners every `tickTime / 2`.
  public let tickTimeMs: Int
  /// The per-attempt connect timeout `C = floor(T / N)`.
  public var connectTimeoutMs: Int { servers > 0 ? negotiatedMs / servers : negotiatedMs }
  /// The read timeout `R = floor(2T / 3)`.
  public var readTimeoutMs: Int { negotiatedMs * 2 / 3 }
  /// The idle client's ping interval `P = min(floor(R/2) - 1000, 10000)` ms (never below 0):
  /// `R/2 - 1 s` only while that is under 10 s (ClientCnxn's `MAX_SEND_PING_INTERVAL`).
  public var pingIntervalMs: Int { max(0, min(readTimeoutMs / 2 - 1000, Self.maxPingIntervalMs)) }
  /// The worst-case time left to reconnect once the client notices: `T - R - P` (its last ping
  /// had not reached the leader when its follower or observer became unreachable).
  public var budgetMs: Int { negotiatedMs - readTimeoutMs - pingIntervalMs }
  /// The time left when the last ping had reached the leader: `T - R`.
  public var reportedBudgetMs: Int { negotiatedMs - readTimeoutMs }
  /// The largest random sleep before an attempt, in milliseconds (ClientCnxn's 0-999 ms).
  public static let jitterMs = 1000
  /// ClientCnxn's `MAX_SEND_PING_INTERVAL`.
  public static let maxPingIntervalMs = 10_000

  /// Dubbo's `retry.period` default: after a new session, FailbackRegistry re-registers a
  /// provider's URLs on its retry timer, so consumers miss the provider for about this long
  /// (facts section 4.3).
  public static let dubboRetryPeriodMs = 5000

  /// Creates the model for an app's client of one ensemble.
  public init(requestedMs: Int, ensemble: Ensemble, servers: Int) {
    self.requestedMs = requestedMs
    self.negotiatedMs = ensemble.negotiatedSessionTimeout(requestedMs)
    self.servers = servers
    self.tickTimeMs = ensemble.tickTimeMs
  }

  /// Creates the model from raw numbers.
  public init(requestedMs: Int, negotiatedMs: Int, servers: Int, tickTimeMs: Int = 2000) {
    self.requestedMs = requestedMs
    self.negotiatedMs = negotiatedMs
    self.servers = servers
    self.tickTimeMs = tickTimeMs
  }

  /// The worst-case time to reach a serving server when `k` entries became unreachable:
  /// the other `k - 1` first, each costing `C` plus a full second of jitter, then one more
  /// second of jitter before the attempt that succeeds: `(k - 1)(C + 1s) + 1s`.
  public func worstCaseMs(unreachable k: Int) -> Int {
    guard k >= 1 else { return 0 }
    return (k - 1) * (connectTimeoutMs + Self.jitterMs) + Self.jitterMs
  }

  /// Whether the worst case can outlast the session (`worst case > T - R - P`).
  public func risksExpiry(unreachable k: Int) -> Bool { worstCaseMs(unreachable: k) > budgetMs }

  /// Whether the worst case outlasts the session even when the leader knew of the client's last
  /// ping (`worst case > T - R`): a risk for every client of those servers, the leader's own
  /// included. This is what `check` warns about (A401).
  public func risksExpiryEvenIfReported(unreachable k: Int) -> Bool {
    worstCaseMs(unreachable: k) > reportedBudgetMs
  }

  /// The probability that the client's last ping had not yet reached the leader when its
  /// server became unreachable.
  ///
  /// The failure falls at a uniform time `t` in the client's ping interval `[0, P)` after its
  /// last ping; the server reports that ping at the leader's next ping, a uniform `u` in
  /// `[0, H)` later, with `H = tickTime / 2`, independent of `t`. The ping was not reported when
  /// `u > t`: `1 - P / (2H)` when `P <= H`, else `H / (2P)`.
  public var unreportedProbability: Double {
    let p = Double(pingIntervalMs)
    let h = Double(tickTimeMs) / 2
    guard h > 0 else { return 0 }
    guard p > 0 else { return 1 }
    return p <= h ? 1 - p / (2 * h) : h / (2 * p)
  }

  /// The probability that a client connected to one of the `k` unreachable entries loses its
  /// session before it reaches a serving one: over whether its last ping was reported (budget
  /// `T - R` or `T - R - P`), its random shuffle and its random sleeps.
  ///
  /// After the shuffle, the entries that follow the client's server are a uniformly random
  /// order of the other `k - 1` unreachable and `N - k` reachable ones. The client meets
  /// exactly `j` unreachable ones first with probability `P(J >= j) - P(J >= j + 1)`, where
  /// `P(J >= j) = prod_{i < j} (k - 1 - i) / (N - 1 - i)`. It then takes `j * C` plus `j + 1`
  /// independent uniform sleeps of up to 1 s, whose sum follows the Irwin-Hall distribution.
  public func expiryProbability(unreachable k: Int) -> Double {
    let q = unreportedProbability
    let worst = expiryProbability(unreachable: k, budgetMs: budgetMs)
    let reported = expiryProbability(unreachable: k, budgetMs: reportedBudgetMs)
    return min(1, max(0, q * worst + (1 - q) * reported))
  }

  /// The probability that reaching a serving server takes longer than `budget`.
  public func expiryProbability(unreachable k: Int, budgetMs budget: Int) -> Double {
    let n = servers
    guard k >= 1, n >= k else { return 0 }
    if k == n { return 1 }  // nothing reachable in the list
    var total = 0.0
    var atLeast = 1.0  // P(J >= j)
    for j in 0..<k {
      let next = j < k - 1 ? atLeast * Double(k - 1 - j) / Double(n - 1 - j) : 0
      let exactly = atLeast - next
      // Time left for the j + 1 sleeps, in seconds.
      let x = Double(budget - j * connectTimeoutMs) / Double(Self.jitterMs)
      total += exactly * (1 - Self.irwinHallCDF(x, terms: j + 1))
      atLeast = next
    }
    return min(1, max(0, total))
  }

  /// P(U1 + ... + Un <= x) for independent uniforms on [0, 1).
  ///
  /// Exact alternating sum for n <= 20; beyond that, where the sum loses precision, the
  /// normal approximation with mean n/2 and variance n/12.
  public static func irwinHallCDF(_ x: Double, terms n: Int) -> Double {
    if x <= 0 { return 0 }
    if x >= Double(n) { return 1 }
    if n > 20 {
      let z = (x - Double(n) / 2) / (Double(n) / 12).squareRoot()
      return 0.5 * (1 + Glibc.erf(z / 2.squareRoot()))
    }
    var sum = 0.0
    var binomial = 1.0
    var factorial = 1.0
    for i in 1...n { factorial *= Double(i) }
    var k = 0
    while Double(k) <= x && k <= n {
      let term = binomial * power(x - Double(k), n)
      sum += k % 2 == 0 ? term : -term
      binomial = binomial * Double(n - k) / Double(k + 1)
      k += 1
    }
    return min(1, max(0, sum / factorial))
  }

  static func power(_ base: Double, _ exponent: Int) -> Double {
    var r = 1.0
    for _ in 0..<exponent { r *= base }
    return r
  }

}
