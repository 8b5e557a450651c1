public import TopologyDiagnostics

/// A topology that passed validation, with every reference resolved to an index and every
/// default applied. Only ``Validator`` makes one; analysis and emitters take nothing else.
public struct ValidatedTopology: Sendable {
  /// The display path of the file it came from.
  public let file: String
  /// The topology's name.
  public let name: String
  /// Datacenters in declaration order; other types refer to them by index.
  public let datacenters: [Datacenter]
  /// Machines in declaration order.
  public let machines: [Machine]
  /// Ensembles in declaration order.
  public let ensembles: [Ensemble]
  /// Apps in declaration order.
  public let apps: [App]
  /// Round-trip times in milliseconds between datacenter indices; nil where no link is declared.
  public let rtt: RoundTrips
  /// `defaults.availability.machine`, if set.
  public let machineAvailability: Double?
  /// `defaults.availability.datacenter`, if set.
  public let datacenterAvailability: Double?

  /// The index of a datacenter by name.
  public func datacenterIndex(_ name: String) -> Int? { datacenters.firstIndex { $0.name == name } }
  /// The index of a machine by name.
  public func machineIndex(_ name: String) -> Int? { machines.firstIndex { $0.name == name } }
  /// The index of an ensemble by name.
  public func ensembleIndex(_ name: String) -> Int? { ensembles.firstIndex { $0.name == name } }
}

/// A datacenter.
/// Round-trip times between datacenters, `rtt[a, b]` in milliseconds: 0 within one, the declared
/// link's otherwise, nil without a link. Only declared links are stored: a dense table of 5,000
/// datacenters would be 25 million entries.
public struct RoundTrips: Sendable {
  let count: Int
  var links: [Int: Double] = [:]

  public init(datacenters: Int) { count = datacenters }

  /// Declares a link both ways.
  public mutating func set(_ a: Int, _ b: Int, _ milliseconds: Double) {
    links[a * count + b] = milliseconds
    links[b * count + a] = milliseconds
  }

  public subscript(_ a: Int, _ b: Int) -> Double? { a == b ? 0 : links[a * count + b] }
}

public struct Datacenter: Sendable {
  public let name: String
  public let region: String?
  /// This datacenter's availability (its own, else the default), if any is set.
  public let availability: Double?
  /// Indices of its machines.
  public let machines: [Int]
  /// Where its name is written.
  public let range: SourceRange
}

/// A machine.
public struct Machine: Sendable {
  public let name: String
  /// Index of its datacenter.
  public let datacenter: Int
  /// Host name or address (IPv6 bare).
  public let host: String
  /// Its rack, if declared.
  public let rack: String?
  /// This machine's availability (its own, else the default), if any is set.
  public let availability: Double?
  /// Where its name is written.
  public let range: SourceRange
}

/// Voting participant or observer.
public enum Role: String, Sendable {
  case voter
  case observer
}

/// A server of an ensemble on one machine.
public struct Member: Sendable {
  /// Index of the machine.
  public let machine: Int
  /// The `myid` (1...255).
  public let id: Int
  public let role: Role
  public let clientPort: Int
  public let quorumPort: Int
  public let electionPort: Int
  /// The hierarchical weight (1 unless set; always 1 for majority quorums).
  public let weight: Int
  /// Index into ``Ensemble/groups`` for hierarchical quorums.
  public let group: Int?
}

/// A hierarchical quorum group.
public struct QuorumGroup: Sendable {
  /// The group's name (a datacenter, `dc/rack`, or the declared name).
  public let name: String
  /// Indices into the ensemble's members.
  public let members: [Int]
}

/// A ZooKeeper ensemble with every setting resolved.
public struct Ensemble: Sendable {
  public let name: String
  /// Voters first (in list order), then observers (in list order).
  public let members: [Member]
  public let quorum: QuorumKind
  /// Hierarchical groups, in `group.N` order (N is the index + 1); empty for majority.
  public let groups: [QuorumGroup]
  public let tickTimeMs: Int
  public let initLimit: Int
  public let syncLimit: Int
  /// `autopurge.snapRetainCount` (default 3) and `autopurge.purgeInterval` in hours (default
  /// 24; 0 turns purging off).
  public let snapRetainCount: Int
  public let purgeIntervalHours: Int
  public let minSessionTimeoutMs: Int
  public let maxSessionTimeoutMs: Int
  /// The chroot applied to connect strings, nil for none.
  public let chroot: String?
  /// Where its name is written.
  public let range: SourceRange

  /// The voting members.
  public var voters: [Member] { members.filter { $0.role == .voter } }
  /// The observers.
  public var observers: [Member] { members.filter { $0.role == .observer } }

  /// Clamps a requested session timeout as the server does (`ZooKeeperServer`).
  public func negotiatedSessionTimeout(_ requestedMs: Int) -> Int {
    min(max(requestedMs, minSessionTimeoutMs), maxSessionTimeoutMs)
  }
}

/// An app (a Dubbo service or any ZooKeeper client).
public struct App: Sendable {
  public let name: String
  /// Indices of its registries, the first preferred.
  public let registries: [Int]
  /// Where its name is written.
  public let range: SourceRange
  /// The app's own chroot, overriding the ensemble's; `.some(nil)` for an explicit `/`.
  public let chroot: String??
  // The numbers in 32 bits, after the chroot's spare bytes: an estate holds 50,000 apps (a
  // session is a Java int of milliseconds; datacenters are at most --max-datacenters).
  public let connect: ConnectMode
  private let storedDatacenter: Int32
  private let storedRequested: Int32
  private let storedDeclared: Int32
  /// The Dubbo release and ZooKeeper client the app runs, and what they read.
  public let dubbo: DubboProfile

  /// Index of its datacenter.
  public var datacenter: Int { Int(storedDatacenter) }
  /// The session timeout its registry client really asks for, in milliseconds: the declared
  /// one when its Dubbo carries it in the address, else the client library's default.
  public var requestedSessionTimeoutMs: Int { Int(storedRequested) }
  /// The session timeout the topology asks for (its own, the default, or Dubbo's 60 s).
  public var declaredSessionTimeoutMs: Int { Int(storedDeclared) }

  init(
    name: String, datacenter: Int, registries: [Int], requestedSessionTimeoutMs: Int,
    declaredSessionTimeoutMs: Int, dubbo: DubboProfile, connect: ConnectMode, chroot: String??,
    range: SourceRange
  ) {
    self.name = name
    self.registries = registries
    self.range = range
    self.chroot = chroot
    self.connect = connect
    storedDatacenter = Int32(datacenter)
    storedRequested = Int32(clamping: requestedSessionTimeoutMs)
    storedDeclared = Int32(clamping: declaredSessionTimeoutMs)
    self.dubbo = dubbo
  }

  /// The chroot this app uses for a registry ensemble.
  public func chroot(for ensemble: Ensemble) -> String? {
    if let own = chroot { return own }
    return ensemble.chroot
  }
}
