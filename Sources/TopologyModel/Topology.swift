public import TopologyDiagnostics

/// A value with the source range it was read from.
public struct Located<Value: Sendable>: Sendable {
  /// The value.
  public var value: Value
  /// Where it was written.
  public var range: SourceRange

  /// Creates a located value.
  public init(_ value: Value, _ range: SourceRange) {
    self.value = value
    self.range = range
  }
}

/// A duration, stored in microseconds so that `1.5ms` is exact.
public struct Duration: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The length in microseconds.
  public var microseconds: Int

  /// Creates a duration.
  public init(microseconds: Int) { self.microseconds = microseconds }
  /// Creates a duration of whole milliseconds.
  public static func ms(_ value: Int) -> Duration { Duration(microseconds: value * 1000) }

  /// The length in milliseconds (may be fractional).
  public var milliseconds: Double { Double(microseconds) / 1000 }
  /// Whether the duration is a whole number of milliseconds.
  public var isWholeMilliseconds: Bool { microseconds % 1000 == 0 }
  /// The length in whole milliseconds (truncated).
  public var wholeMilliseconds: Int { microseconds / 1000 }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.microseconds < rhs.microseconds }

  /// The shortest exact spelling: `40s`, `2000ms` stays `2s`, `1.5ms`.
  public var description: String { Duration.format(milliseconds: milliseconds) }

  /// Formats milliseconds the way topology files write durations.
  public static func format(milliseconds ms: Double) -> String {
    if ms >= 1000, (ms / 1000).rounded() == ms / 1000 {
      let s = Int(ms / 1000)
      if s % 3600 == 0 && s >= 7200 { return "\(s / 3600)h" }
      return s % 60 == 0 && s >= 120 ? "\(s / 60)m" : "\(s)s"
    }
    if ms == ms.rounded() { return "\(Int(ms))ms" }
    return "\(ms)ms"
  }
}

/// The quorum rule of an ensemble.
public enum QuorumKind: String, Sendable, CaseIterable {
  /// A strict majority of voters (ZooKeeper's `QuorumMaj`).
  case majority
  /// A majority of weight in a majority of non-zero groups (`QuorumHierarchical`).
  case hierarchical
}

/// Which members of an ensemble an app connects to.
public enum ConnectMode: String, Sendable, CaseIterable {
  /// Every member of the ensemble.
  case all
  /// Only members in the app's datacenter.
  case local
}

/// ZooKeeper server settings, at the defaults or the ensemble level.
public struct ZooKeeperSettings: Sendable {
  public var clientPort: Located<Int>?
  public var quorumPort: Located<Int>?
  public var electionPort: Located<Int>?
  public var tickTime: Located<Duration>?
  public var initLimit: Located<Int>?
  public var syncLimit: Located<Int>?
  public var minSessionTimeout: Located<Duration>?
  public var maxSessionTimeout: Located<Duration>?
  /// `autopurge.snapRetainCount`: snapshots (and their logs) kept when purging.
  public var snapRetainCount: Located<Int>?
  /// `autopurge.purgeInterval`, whole hours; 0 turns purging off.
  public var purgeInterval: Located<Duration>?

  /// Creates empty settings.
  public init() {}
}

/// A topology as written, before validation. Names are checked; references are not.
public struct Topology: Sendable {
  public var file: String
  public var version: Located<Int>?
  public var name: Located<String>?
  public var zookeeper = ZooKeeperSettings()
  public var clientSessionTimeout: Located<Duration>?
  /// `defaults.dubbo`.
  public var dubbo = DubboSpec()
  /// Paths (`apps.a.sessionTimeout`) of values in the file that failed to decode; rules skip
  /// what depends on them instead of using a default the user did not ask for.
  public var undecodable: Set<String> = []
  public var machineAvailability: Located<Double>?
  public var datacenterAvailability: Located<Double>?
  public var datacenters: [DatacenterSpec] = []
  public var links: [LinkSpec] = []
  public var ensembles: [EnsembleSpec] = []
  public var apps: [AppSpec] = []

  /// Creates an empty topology for a file.
  public init(file: String) { self.file = file }
}

/// A datacenter as written.
public struct DatacenterSpec: Sendable {
  public var name: Located<String>
  public var region: String?
  public var availability: Located<Double>?
  public var machines: [MachineSpec] = []
}

/// A machine as written.
public struct MachineSpec: Sendable {
  public var name: Located<String>
  public var datacenter: String
  public var host: Located<String>?
  public var rack: Located<String>?
  /// What few machines write (`availability` and ports: 160 bytes), kept apart: ports are
  /// mostly set per ensemble.
  private var rare = OutOfLine<RareFields>()

  init(name: Located<String>, datacenter: String) {
    self.name = name
    self.datacenter = datacenter
  }

  public var availability: Located<Double>? {
    get { rare.fields?.availability }
    set { rare.update { $0.availability = newValue } }
  }

  public var clientPort: Located<Int>? {
    get { rare.fields?.clientPort }
    set { rare.update { $0.clientPort = newValue } }
  }

  public var quorumPort: Located<Int>? {
    get { rare.fields?.quorumPort }
    set { rare.update { $0.quorumPort = newValue } }
  }

  public var electionPort: Located<Int>? {
    get { rare.fields?.electionPort }
    set { rare.update { $0.electionPort = newValue } }
  }

  private struct RareFields: OutOfLineFields {
    var availability: Located<Double>?
    var clientPort: Located<Int>?
    var quorumPort: Located<Int>?
    var electionPort: Located<Int>?
    var isEmpty: Bool { availability == nil && clientPort == nil && quorumPort == nil && electionPort == nil }
  }
}

/// Fields that few entries of a file write, kept out of line in an immutable box, nil when
/// none is written: an estate has tens of thousands of apps and machines, and an optional
/// located value takes 40 bytes inline. A change makes a new box, so copies stay apart.
struct OutOfLine<Fields: OutOfLineFields>: Sendable {
  private final class Box: Sendable {
    let fields: Fields
    init(_ fields: Fields) { self.fields = fields }
  }

  private var box: Box?

  /// The fields, nil when none is written.
  var fields: Fields? { box?.fields }

  /// Changes the fields (while decoding: a new box each time).
  mutating func update(_ change: (inout Fields) -> Void) {
    var fields = box?.fields ?? Fields()
    change(&fields)
    box = fields.isEmpty ? nil : Box(fields)
  }
}

/// The fields kept by ``OutOfLine``.
protocol OutOfLineFields: Sendable {
  init()
  /// Whether none is written.
  var isEmpty: Bool { get }
}

/// A link between two datacenters as written.
public struct LinkSpec: Sendable {
  public var between: [Located<String>]
  public var rtt: Located<Duration>?
  public var range: SourceRange
}

/// How hierarchical groups are declared.
public enum GroupsSpec: Sendable {
  case byDatacenter(SourceRange)
  case byRack(SourceRange)
  case explicit([(name: Located<String>, members: [Located<String>])], SourceRange)

  /// Where the `groups` value is.
  public var range: SourceRange {
    switch self {
    case .byDatacenter(let r), .byRack(let r), .explicit(_, let r): r
    }
  }
}

/// An ensemble as written.
public struct EnsembleSpec: Sendable {
  public var name: Located<String>
  public var voters: [Located<String>] = []
  public var votersRange: SourceRange
  /// Whether `voters` was a list (so an empty one is really empty, not a type error).
  public var votersIsList = false
  public var observers: [Located<String>] = []
  public var quorum: Located<QuorumKind>?
  public var groups: GroupsSpec?
  public var weights: [(machine: Located<String>, weight: Located<Int>)] = []
  public var weightsRange: SourceRange?
  public var ids: [(machine: Located<String>, id: Located<Int>)] = []
  public var chroot: Located<String>?
  public var settings = ZooKeeperSettings()
}

/// A `dubbo` block (in `defaults` or an app) as written.
public struct DubboSpec: Sendable {
  public var version: Located<DubboVersion>?
  public var zookeeperClient: Located<DubboZookeeperClient>?
}

/// An app as written.
public struct AppSpec: Sendable {
  public var name: Located<String>
  public var datacenter: Located<String>?
  public var registry: Located<String>?
  public var sessionTimeout: Located<Duration>?
  /// What few apps write (`connect`, `chroot`, `dubbo`: about 150 bytes), kept apart: of an
  /// estate's 50,000 apps, 7% write one.
  private var rare = OutOfLine<RareFields>()
  /// `registries` and where the list is written (40 bytes), kept apart for the same reason:
  /// most apps name one `registry`.
  private var listed = OutOfLine<ListedFields>()

  init(name: Located<String>) { self.name = name }

  public var registries: [Located<String>]? {
    get { listed.fields?.registries }
    set { listed.update { $0.registries = newValue } }
  }

  public var registriesRange: SourceRange? {
    get { listed.fields?.range }
    set { listed.update { $0.range = newValue } }
  }

  public var connect: Located<ConnectMode>? {
    get { rare.fields?.connect }
    set { rare.update { $0.connect = newValue } }
  }

  public var chroot: Located<String>? {
    get { rare.fields?.chroot }
    set { rare.update { $0.chroot = newValue } }
  }

  public var dubbo: DubboSpec? {
    get { rare.fields?.dubbo }
    set { rare.update { $0.dubbo = newValue } }
  }

  private struct RareFields: OutOfLineFields {
    var connect: Located<ConnectMode>?
    var chroot: Located<String>?
    var dubbo: DubboSpec?
    var isEmpty: Bool { connect == nil && chroot == nil && dubbo == nil }
  }

  private struct ListedFields: OutOfLineFields {
    var registries: [Located<String>]?
    var range: SourceRange?
    var isEmpty: Bool { registries == nil && range == nil }
  }
}
