/// A Dubbo release, `MAJOR.MINOR[.PATCH]`.
public struct DubboVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
  // Kept in 16 bits each: every resolved app carries its release (a version is parsed from at
  // most four digits a part; a larger number given in code is held as 65535).
  private let parts: (major: UInt16, minor: UInt16, patch: UInt16)

  public var major: Int { Int(parts.major) }
  public var minor: Int { Int(parts.minor) }
  public var patch: Int { Int(parts.patch) }

  public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
    parts = (UInt16(clamping: major), UInt16(clamping: minor), UInt16(clamping: patch))
  }

  public static func == (a: Self, b: Self) -> Bool { a.parts == b.parts }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(parts.major)
    hasher.combine(parts.minor)
    hasher.combine(parts.patch)
  }

  /// Parses `3.2`, `2.7.23`; nil for anything else (no suffixes such as `-SNAPSHOT`).
  public init?(_ text: String) {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard (2...3).contains(parts.count),
      parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } })
    else { return nil }
    let n = parts.compactMap { Int($0) }
    self.init(n[0], n[1], n.count == 3 ? n[2] : 0)
  }

  public static func < (a: Self, b: Self) -> Bool { (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }

  public var description: String { "\(major).\(minor).\(patch)" }

  /// The newest release quorate models: what an address is written for when no version is set.
  public static let newest = DubboVersion(3, 3, 0)
}

/// The ZooKeeper client library Dubbo uses.
public enum DubboZookeeperClient: String, Sendable, CaseIterable {
  /// I0Itec ZkClient (`dubbo-remoting-zookeeper`'s zkclient transporter, Dubbo 2.x).
  case zkclient
  /// Apache Curator 2 (Dubbo 2.6) or 4 (Dubbo 2.7 to 3.2).
  case curator
  /// Apache Curator 5 (`dubbo-remoting-zookeeper-curator5`, Dubbo 3).
  case curator5
}

/// What one Dubbo release and ZooKeeper client read from a registry address, and what they do
/// on their own. Facts from Dubbo's and Curator's code (see `docs/outputs.md` for the table and
/// where each comes from).
public struct DubboProfile: Sendable, Hashable {
  /// The release, nil when the topology does not say (the address is written for the newest).
  public let version: DubboVersion?
  /// The client, as written or the release's default.
  public let client: DubboZookeeperClient

  /// The release the facts are read for.
  public var effectiveVersion: DubboVersion { version ?? .newest }

  public init(version: DubboVersion?, client: DubboZookeeperClient?) {
    self.version = version
    self.client = client ?? Self.defaultClient(for: version ?? .newest)
  }

  /// The client a release uses unless told otherwise: ZkClient before 2.6; Curator from 2.6
  /// (`ZookeeperTransporter`'s default extension); Curator 5 from 3.2 (it is chosen when
  /// Curator 5's `CuratorCache` is on the class path, as Dubbo 3.2's default dependencies put
  /// it) and the only one in 3.3.
  public static func defaultClient(for v: DubboVersion) -> DubboZookeeperClient {
    if v < DubboVersion(2, 6) { return .zkclient }
    return v < DubboVersion(3, 2) ? .curator : .curator5
  }

  /// The releases that ship a client: ZkClient until 2.7 (removed in 3.0), Curator 2/4 until
  /// 3.2 (3.3 removed it), Curator 5 from 3.0.
  public static func ships(_ client: DubboZookeeperClient, in v: DubboVersion) -> Bool {
    switch client {
    case .zkclient: v < DubboVersion(3, 0)
    case .curator: v < DubboVersion(3, 3)
    case .curator5: v >= DubboVersion(3, 0)
    }
  }

  /// Whether this release ships this client.
  public var isShipped: Bool { Self.ships(client, in: effectiveVersion) }

  /// The registry-address parameter the session timeout is read from: `session` from 3.0.5,
  /// `zk.session.expire` from 2.7.5, none before (and never with ZkClient).
  public var sessionKey: String? {
    guard client != .zkclient else { return nil }
    let v = effectiveVersion
    if v >= DubboVersion(3, 0, 5) { return "session" }
    if v >= DubboVersion(2, 7, 5) { return "zk.session.expire" }
    return nil
  }

  /// The session timeout the client asks for when no parameter carries one: Curator's default
  /// (60 s), or ZkClient's (`ZkConnection`'s 30 s).
  public var defaultSessionMs: Int { client == .zkclient ? 30_000 : 60_000 }

  /// The session timeout the registry client really asks for, given what the topology asks.
  public func requestedSessionMs(declared: Int) -> Int { sessionKey != nil ? declared : defaultSessionMs }

  /// Whether the client runs Curator's `EnsembleTracker`, which rewrites the connect string from
  /// `/zookeeper/config` (every participant and observer): Curator 4 and 5 do by default;
  /// Curator 2 (Dubbo 2.6) and ZkClient have none.
  public var hasEnsembleTracker: Bool {
    switch client {
    case .zkclient: false
    case .curator: effectiveVersion >= DubboVersion(2, 7)
    case .curator5: true
    }
  }

  /// Whether `zookeeper.ensemble.tracker=false` is read: only by the Curator 5 client, from
  /// 3.2.14 (and 3.3.0).
  public var readsTrackerSwitch: Bool {
    client == .curator5 && effectiveVersion >= DubboVersion(3, 2, 14)
  }

  /// Whether a provider also registers instances (application-level discovery) through a second
  /// Curator client that sets no session timeout, so asks Curator's 60 s: Dubbo 3's default
  /// `register-mode: all`.
  public var registersInstances: Bool { effectiveVersion >= DubboVersion(3, 0) }

  /// Whether `dubbo.properties` may use `dubbo.registries.<id>.*`. Dubbo 3's `ConfigManager`
  /// loads plural configs from properties; Dubbo 2 without Spring reads only
  /// `dubbo.registry.*`, so several registries go in one `|`-separated address there.
  public var readsPluralRegistryProperties: Bool { effectiveVersion >= DubboVersion(3, 0) }

  /// Whether the Spring XML namespace is Apache's (`http://dubbo.apache.org/schema/dubbo`,
  /// from 2.7) rather than Alibaba's (`http://code.alibabatech.com/schema/dubbo`).
  public var apacheNamespace: Bool { effectiveVersion >= DubboVersion(2, 7) }
}
