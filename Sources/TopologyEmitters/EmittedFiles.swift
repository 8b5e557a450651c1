import TopologyModel

/// A file quorate writes: a path relative to the output folder, and its exact contents.
///
/// The contents are kept as the pieces they are made of, and are digested, compared and
/// written piece by piece: an app's file is a header that names the app and a body shared by
/// every app of its shape, and the index is 21 MB on an estate. Joining each of an estate's
/// 210,000 files into one string, only to digest it and let it go, was a third of what
/// `emit --check` did after the load, and the index alone was a fifth of its peak memory.
public struct EmittedFile: Sendable, Equatable, PieceSource {
  /// Relative path with `/` separators; built only from validated names.
  public let path: String
  let pieces: Pieces

  enum Pieces: Sendable {
    case whole(String)
    case headed(header: String, body: String)
    /// The index of these files (``EmittedFiles/writeIndex(to:)``).
    case index(EmittedFiles)
  }

  public init(path: String, contents: String) {
    self.init(path: path, pieces: .whole(contents))
  }

  init(path: String, pieces: Pieces) {
    self.path = path
    self.pieces = pieces
  }

  func put(into sink: inout some PieceSink) {
    switch pieces {
    case .whole(let text): sink.put(text)
    case .headed(let header, let body):
      sink.put(header)
      sink.put(body)
    case .index(let files): files.writeIndex(to: &sink)
    }
  }

  /// The whole text, made only where it is needed whole (a diff, a test): counted first and
  /// then copied into a string of exactly that length.
  public var contents: String {
    if case .whole(let text) = pieces { return text }
    return joined(self)
  }

  /// ``EmitPlan/digest(_:)-(String)`` of the contents, without joining them.
  public var digest: UInt64 {
    var digest = PieceDigest()
    put(into: &digest)
    return digest.value
  }

  /// Whether `bytes` are exactly the contents.
  public func isContents(of bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { bytes in
      var comparison = PieceComparison(bytes: bytes)
      put(into: &comparison)
      return comparison.same && comparison.at == bytes.count
    }
  }

  /// Hands the contents to `write` in buffers of up to 64 KiB: a small file in one piece.
  public func write(to write: (UnsafeRawBufferPointer) -> Void) {
    if case .whole(var text) = pieces {
      text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
      return
    }
    withoutActuallyEscaping(write) { write in
      withUnsafeTemporaryAllocation(byteCount: 1 << 16, alignment: 16) { buffer in
        var out = PieceBuffer(buffer: buffer, write: write)
        put(into: &out)
        out.flush()
      }
    }
  }

  public static func == (a: EmittedFile, b: EmittedFile) -> Bool {
    a.path == b.path && a.contents == b.contents
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

    /// The first lines, which name the app.
    func header(_ app: App, _ t: ValidatedTopology) -> String {
      switch self {
      case .connectStrings, .properties, .springBoot: AppConfig.header(app, t, comment: "#")
      case .xml: AppConfig.xmlHeader(app, t)
      }
    }

    /// The whole file for an app whose addresses are `all`.
    func render(_ app: App, _ t: ValidatedTopology, _ all: [RegistryAddress]) -> String {
      header(app, t) + body(app, all)
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

  /// `index.md`, a line for every other file, in pieces to `sink`: an estate's index is 21 MB,
  /// and is never held whole (``EmittedFile``).
  func writeIndex(to sink: inout some PieceSink) {
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
      let contents: [EmittedFile.Pieces]
      switch group {
      case .index:
        contents = [.index(files)]
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
        contents = zip(AppFile.inPathOrder, shared).map { .headed(header: $0.header(app, t), body: $1) }
      case .server(let ei, let mi):
        let e = t.ensembles[ei]
        let m = e.members[mi]
        if membership?.ensemble != ei { membership = (ei, ZooKeeperConfig.membershipLines(e, in: t)) }
        let lines = membership?.lines ?? []
        contents = ServerFile.inPathOrder.map {
          switch $0 {
          case .zooCfg:
            .whole(ZooKeeperConfig.zooCfg(e, member: m, in: t, options: files.options, membership: lines))
          case .myid: .whole("\(m.id)\n")
          }
        }
      }
      return zip(paths, contents).map { EmittedFile(path: $0, pieces: $1) }
    }
  }
}

/// Where text made of pieces goes: counted and then copied into a string of exactly that
/// length (``joined(_:)``), digested, compared or written, without being joined.
protocol PieceSink {
  mutating func put(_ text: String)
}

/// Text made of pieces.
protocol PieceSource {
  /// Hands every piece, in order, to `sink`.
  func put(into sink: inout some PieceSink)
}

extension Array: PieceSource where Element == String {
  func put(into sink: inout some PieceSink) {
    for piece in self { sink.put(piece) }
  }
}

/// The pieces joined: counted first, then copied into a string of exactly that length. An app's
/// header appended piece by piece to a growing string went through the string's general
/// append (make room, grow, copy) for each piece: 0.6 G instructions for the 150,000 headers
/// of an estate of 50,000 apps (callgrind).
func joined(_ source: some PieceSource) -> String {
  var length = PieceLength()
  source.put(into: &length)
  return String(unsafeUninitializedCapacity: length.bytes) { buffer in
    var writer = PieceWriter(buffer: buffer)
    source.put(into: &writer)
    return writer.at
  }
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

/// Digests the pieces as ``EmitPlan/digest(continuing:_:)`` digests them joined.
struct PieceDigest: PieceSink {
  var value = EmitPlan.digestSeed
  mutating func put(_ text: String) {
    var text = text
    text.withUTF8 { value = EmitPlan.digest(continuing: value, UnsafeRawBufferPointer($0)) }
  }
}

/// Compares the pieces, joined, with the start of `bytes`: `same` while every piece so far
/// matched; `at` is how far they reach.
struct PieceComparison: PieceSink {
  let bytes: UnsafeRawBufferPointer
  var at = 0
  var same = true

  mutating func put(_ text: String) {
    guard same else { return }
    var text = text
    text.withUTF8 { piece in
      guard at + piece.count <= bytes.count,
        UnsafeRawBufferPointer(piece).elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[at..<at + piece.count]))
      else {
        same = false
        return
      }
      at += piece.count
    }
  }
}

/// Gathers the pieces into `buffer` and hands it to `write` whenever it is full, and at
/// ``flush()``.
struct PieceBuffer: PieceSink {
  let buffer: UnsafeMutableRawBufferPointer
  let write: (UnsafeRawBufferPointer) -> Void
  var used = 0

  mutating func put(_ text: String) {
    var text = text
    text.withUTF8 { piece in
      var from = 0
      while from < piece.count {
        let n = min(piece.count - from, buffer.count - used)
        UnsafeMutableRawBufferPointer(rebasing: buffer[used..<used + n]).copyMemory(
          from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: piece[from..<from + n])))
        used += n
        from += n
        if used == buffer.count { flush() }
      }
    }
  }

  mutating func flush() {
    if used > 0 { write(UnsafeRawBufferPointer(rebasing: buffer[0..<used])) }
    used = 0
  }
}
