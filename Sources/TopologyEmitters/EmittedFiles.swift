import TopologyModel

/// A file quorate writes: a path relative to the output folder, and its exact contents.
public struct EmittedFile: Sendable, Equatable {
  /// Relative path with `/` separators; built only from validated names.
  public let path: String
  public let contents: String

  public init(path: String, contents: String) {
    self.path = path
    self.contents = contents
  }
}

/// Every file `emit` writes, in path order, each rendered only when the iteration reaches it.
///
/// A large estate has hundreds of thousands of files and hundreds of megabytes of text; holding
/// them all at once made `emit` need 75 times the topology's size in memory. Iterating renders
/// one folder's files at a time: an app's four files share one computation of its addresses,
/// and a server's `zoo.cfg` shares its ensemble's membership lines with the previous member's.
/// Iterating twice renders twice, with the same result.
public struct EmittedFiles: Sequence, Sendable {
  /// One folder of files: an app's, a server's, or the index at the top.
  enum Group: Sendable {
    case app(Int)
    case index
    case server(ensemble: Int, member: Int)
  }

  /// The files of an app's folder.
  enum AppFile: CaseIterable {
    case connectStrings, properties, xml, springBoot

    var name: String {
      switch self {
      case .connectStrings: "connect-strings.txt"
      case .properties: "dubbo.properties"
      case .xml: "dubbo-registry.xml"
      case .springBoot: "application.yml"
      }
    }

    /// What the file is, for the index: the words before and after the app's name.
    var purpose: (before: String, after: String) {
      switch self {
      case .connectStrings: ("ZooKeeper connect strings of '", "', one per registry")
      case .properties: ("Dubbo registry configuration of '", "' as properties")
      case .xml: ("Dubbo registry configuration of '", "' as Spring XML")
      case .springBoot: ("Dubbo registry configuration of '", "' for Spring Boot")
      }
    }

    /// The whole file: the first lines, which name the app, then `body`.
    func text(_ app: App, _ t: ValidatedTopology, body: String) -> String {
      switch self {
      case .connectStrings, .properties, .springBoot: AppConfig.header(app, t, comment: "#", then: body)
      case .xml: AppConfig.xmlHeader(app, t, then: body)
      }
    }

    /// The whole file for an app whose addresses are `all`.
    func render(_ app: App, _ t: ValidatedTopology, _ all: [RegistryAddress]) -> String {
      text(app, t, body: body(app, all))
    }

    /// The rest, the same for every app of one shape (``ConnectStrings/Shape``).
    func body(_ app: App, _ all: [RegistryAddress]) -> String {
      switch self {
      case .connectStrings: AppConfig.connectStringsBody(all)
      case .properties: AppConfig.propertiesBody(app, all)
      case .xml: AppConfig.xmlBody(app, all)
      case .springBoot: AppConfig.springBootBody(app, all)
      }
    }

    static let inPathOrder = allCases.sorted { $0.name < $1.name }
  }

  /// The files of a server's folder.
  enum ServerFile: CaseIterable {
    case zooCfg, myid

    var name: String {
      switch self {
      case .zooCfg: "zoo.cfg"
      case .myid: "myid"
      }
    }

    static let inPathOrder = allCases.sorted { $0.name < $1.name }
  }

  let topology: ValidatedTopology
  let options: ServerConfigOptions
  /// The folders in path order. Every folder's path ends in `/` and names hold no `/`, so no
  /// folder's path is a prefix of another's: sorting the folders and then the files within each
  /// sorts every path.
  let groups: [Group]

  init(_ t: ValidatedTopology, options: ServerConfigOptions) {
    topology = t
    self.options = options
    let apps = t.apps.indices.map { (key: "apps/\(t.apps[$0].name)/", group: Group.app($0)) }
    var servers: [(key: String, group: Group)] = []
    for (ei, e) in t.ensembles.enumerated() {
      for mi in e.members.indices {
        servers.append(
          ("servers/\(e.name)/\(t.machines[e.members[mi].machine].name)/", .server(ensemble: ei, member: mi)))
      }
    }
    // "apps/" < "index.md" < "servers/".
    groups =
      apps.sorted { $0.key < $1.key }.map(\.group) + [.index]
      + servers.sorted { $0.key < $1.key }.map(\.group)
  }

  /// How many files the sequence yields.
  public var count: Int {
    groups.reduce(0) {
      switch $1 {
      case .app: $0 + AppFile.allCases.count
      case .index: $0 + 1
      case .server: $0 + ServerFile.allCases.count
      }
    }
  }

  public var underestimatedCount: Int { count }

  /// The path of every file of a folder, in path order.
  func paths(_ group: Group) -> [String] {
    let t = topology
    switch group {
    case .index:
      return ["index.md"]
    case .app(let a):
      let folder = "apps/\(t.apps[a].name)/"
      return AppFile.inPathOrder.map { folder + $0.name }
    case .server(let ei, let mi):
      let e = t.ensembles[ei]
      let folder = "servers/\(e.name)/\(t.machines[e.members[mi].machine].name)/"
      return ServerFile.inPathOrder.map { folder + $0.name }
    }
  }

  /// The index's line for every file of a folder, in path order, without rendering it: an
  /// estate's index has 210,000 lines, written piece by piece into `sink`.
  func appendIndexLines(_ group: Group, to sink: inout some PieceSink) {
    let t = topology
    switch group {
    case .index:
      break  // the index does not list itself
    case .app(let a):
      let name = t.apps[a].name
      for file in AppFile.inPathOrder {
        let purpose = file.purpose
        sink.put("| `apps/")
        sink.put(name)
        sink.put("/")
        sink.put(file.name)
        sink.put("` | ")
        sink.put(purpose.before)
        sink.put(name)
        sink.put(purpose.after)
        sink.put(" |\n")
      }
    case .server(let ei, let mi):
      let e = t.ensembles[ei]
      let m = e.members[mi]
      let machine = t.machines[m.machine].name
      for file in ServerFile.inPathOrder {
        sink.put("| `servers/\(e.name)/\(machine)/\(file.name)` | ")
        switch file {
        case .zooCfg:
          sink.put("ZooKeeper configuration of server \(m.id) of '\(e.name)' on '\(machine)' (\(m.role.rawValue))")
        case .myid:
          let dataDir = ZooKeeperConfig.join(options.dataRoot, e.name, machine)
          sink.put("server id of '\(machine)' in '\(e.name)'; copy it to \(dataDir)/myid")
        }
        sink.put(" |\n")
      }
    }
  }

  /// `index.md`: a line for every other file. Its lines are counted first and then written
  /// into a string of exactly that length: an estate's index is 21 MB, and appending its
  /// pieces to a growing string went through the string's general append for each (0.7 G
  /// instructions on L, callgrind).
  func index() -> String {
    func write(_ sink: inout some PieceSink) {
      sink.put("# Files written by quorate for topology '")
      sink.put(topology.name)
      sink.put("'\n\n")
      sink.put(
        "Generated by quorate. Do not edit these files: change the topology and run `quorate emit` again; "
      )
      sink.put(
        "`quorate emit --check` reports drift. Each server's `myid` belongs in its dataDir.\n\n")
      sink.put("| file | what it is |\n|---|---|\n")
      for group in groups { appendIndexLines(group, to: &sink) }
    }
    var counter = PieceLength()
    write(&counter)
    return String(unsafeUninitializedCapacity: counter.bytes) { buffer in
      var writer = PieceWriter(buffer: buffer)
      write(&writer)
      return writer.at
    }
  }

  public func makeIterator() -> Iterator { Iterator(files: self) }

  /// Renders one folder at a time and hands out its files.
  public struct Iterator: IteratorProtocol {
    let files: EmittedFiles
    var nextGroup = 0
    var pending: [EmittedFile] = []
    var pendingIndex = 0
    /// Server lists and addresses already worked out, shared by every app.
    var known = ConnectStrings.ServerLists()
    /// The app files' bodies (all but the lines that name the app), in path order, for each
    /// shape of app: an estate's 50,000 apps have about 1,500 shapes, and rendering every
    /// app's files whole was most of what `emit --check` did after the load.
    var bodies: [ConnectStrings.Shape: [String]] = [:]
    /// The last ensemble's membership lines, shared by its members' `zoo.cfg`.
    var membership: (ensemble: Int, lines: [String])?

    public mutating func next() -> EmittedFile? {
      while pendingIndex == pending.count {
        guard nextGroup < files.groups.count else { return nil }
        pending = render(files.groups[nextGroup])
        pendingIndex = 0
        nextGroup += 1
      }
      defer { pendingIndex += 1 }
      return pending[pendingIndex]
    }

    mutating func render(_ group: Group) -> [EmittedFile] {
      let t = files.topology
      let paths = files.paths(group)
      let contents: [String]
      switch group {
      case .index:
        contents = [files.index()]
      case .app(let a):
        let app = t.apps[a]
        let shape = ConnectStrings.Shape(app)
        let shared: [String]
        if let cached = bodies[shape] {
          shared = cached
        } else {
          let all = ConnectStrings.addresses(app: app, in: t, known: &known)
          shared = AppFile.inPathOrder.map { $0.body(app, all) }
          bodies[shape] = shared
        }
        contents = zip(AppFile.inPathOrder, shared).map { $0.text(app, t, body: $1) }
      case .server(let ei, let mi):
        let e = t.ensembles[ei]
        let m = e.members[mi]
        if membership?.ensemble != ei { membership = (ei, ZooKeeperConfig.membershipLines(e, in: t)) }
        let lines = membership?.lines ?? []
        contents = ServerFile.inPathOrder.map {
          switch $0 {
          case .zooCfg:
            ZooKeeperConfig.zooCfg(e, member: m, in: t, options: files.options, membership: lines)
          case .myid: "\(m.id)\n"
          }
        }
      }
      return zip(paths, contents).map { EmittedFile(path: $0, contents: $1) }
    }
  }
}

/// Where text made of pieces goes, twice: first to count the pieces' bytes, then to copy them
/// into a string of exactly that length (``EmittedFiles/index()``,
/// ``AppConfig/concatenation(_:)``). Appending the pieces to a growing string instead went
/// through the string's general append for each.
protocol PieceSink {
  mutating func put(_ text: String)
}

/// Counts the bytes of the pieces.
struct PieceLength: PieceSink {
  var bytes = 0
  mutating func put(_ text: String) { bytes += text.utf8.count }
}

/// Copies the pieces into storage counted by ``PieceLength``; never past its end.
struct PieceWriter: PieceSink {
  let buffer: UnsafeMutableBufferPointer<UInt8>
  var at = 0

  mutating func put(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      let n = min(bytes.count, buffer.count - at)
      guard n > 0, let from = bytes.baseAddress, let to = buffer.baseAddress else { return }
      (to + at).update(from: from, count: n)
      at += n
    }
  }
}
