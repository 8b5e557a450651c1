import TopologyDiagnostics

/// One validation rule. Each rule lives in its own file under `Rules/`.
protocol ValidationRule {
  /// Checks the topology and reports into the context.
  static func check(_ c: inout ValidationContext)
}

/// What every rule sees: the topology as written, name indices, defaults, and the report.
struct ValidationContext: Sendable {
  let topology: Topology
  var diagnostics: [Diagnostic] = []
  /// Where each machine name is first declared: datacenter and machine positions in
  /// `topology` (the first declaration wins when a name repeats). Positions, not copies of the
  /// specs: on an estate of 9,600 machines a dictionary of specs was 5 MB of the peak.
  private(set) var machinePlaces: [String: MachinePlace] = [:]

  struct MachinePlace: Equatable {
    var datacenter: Int32
    var machine: Int32
  }

  /// Machines by name (the first declaration wins when a name repeats).
  var machines: Machines { Machines(topology: topology, places: machinePlaces) }

  /// Machines by name, read from the topology in place.
  struct Machines {
    let topology: Topology
    let places: [String: MachinePlace]

    subscript(name: String) -> MachineSpec? {
      places[name].map { topology.datacenters[Int($0.datacenter)].machines[Int($0.machine)] }
    }

    /// The declared names.
    var keys: Dictionary<String, MachinePlace>.Keys { places.keys }
  }
  /// Datacenters by name.
  var datacenters: [String: DatacenterSpec] = [:]
  /// Positions in `topology.ensembles` by name (the last declaration wins when a name repeats):
  /// per-app rules read one field of an ensemble and should not copy all of it.
  var ensembleIndex: [String: Int] = [:]
  /// Each app's datacenter as a position in `topology.datacenters`, nil when it names none that
  /// is declared. Names are looked up once here: per-app rules compare integers.
  var appDatacenters: Positions { Positions(stored: appDatacenterPositions[...]) }
  private var appDatacenterPositions: [Int32] = []
  /// Each app's registries as written (``registryNames(_:)``), as positions in
  /// `topology.ensembles` (-1 for one not declared), app after app; see ``registries(ofApp:)``.
  private var appRegistries: [Int32] = []
  private var registryStarts: [Int32] = [0]

  /// Positions kept in 32 bits, -1 for none, read as `Int?` (an `Int?` takes 16 bytes: on an
  /// estate of 50,000 apps these arrays were 2 MB of the peak).
  struct Positions: RandomAccessCollection {
    let stored: ArraySlice<Int32>

    static func encode(_ position: Int?) -> Int32 { position.map { Int32($0) } ?? -1 }

    var startIndex: Int { stored.startIndex }
    var endIndex: Int { stored.endIndex }
    subscript(i: Int) -> Int? { stored[i] < 0 ? nil : Int(stored[i]) }
  }

  /// Builds the name indices and looks up every app's names. From `halvesFrom` apps up, the
  /// apps are looked up in two halves, one on each core (the machines' index is built beside
  /// the first): on an estate of 50,000 apps that is 125,000 names hashed, most of the
  /// context's cost, with nothing else to do until it is done.
  init(_ topology: Topology, halvesFrom: Int = 4096) {
    self.topology = topology
    var datacenterIndex: [String: Int] = [:]
    for (i, dc) in topology.datacenters.enumerated() {
      datacenters[dc.name.value] = dc
      datacenterIndex[dc.name.value] = i
    }
    for (i, e) in topology.ensembles.enumerated() { ensembleIndex[e.name.value] = i }
    let n = topology.apps.count
    let names = AppNames(datacenters: datacenterIndex, ensembles: ensembleIndex)
    if n >= max(halvesFrom, 2) {
      let ((places, first), second) = TwoCores.run {
        (Self.machinePlaces(topology), names.lookUp(topology.apps[..<(n / 2)]))
      } alongside: {
        names.lookUp(topology.apps[(n / 2)...])
      }
      machinePlaces = places
      appDatacenterPositions = first.datacenters + second.datacenters
      appRegistries = first.registries + second.registries
      let offset = Int32(first.registries.count)
      registryStarts = first.starts + second.starts.dropFirst().map { $0 + offset }
    } else {
      machinePlaces = Self.machinePlaces(topology)
      let all = names.lookUp(topology.apps[...])
      (appDatacenterPositions, appRegistries, registryStarts) = (all.datacenters, all.registries, all.starts)
    }
  }

  /// Where each machine name is first declared.
  static func machinePlaces(_ topology: Topology) -> [String: MachinePlace] {
    var places: [String: MachinePlace] = [:]
    places.reserveCapacity(topology.datacenters.reduce(0) { $0 + $1.machines.count })
    for (i, dc) in topology.datacenters.enumerated() {
      for (k, m) in dc.machines.enumerated() where places[m.name.value] == nil {
        places[m.name.value] = MachinePlace(datacenter: Int32(i), machine: Int32(k))
      }
    }
    return places
  }

  /// Apps' datacenters and registries looked up by name.
  struct AppNames: Sendable {
    let datacenters: [String: Int]
    let ensembles: [String: Int]

    /// The apps' datacenters, their registries one app after another, and where each app's
    /// registries start in that list (counted from this slice's first, with the end last).
    func lookUp(_ apps: ArraySlice<AppSpec>) -> (datacenters: [Int32], registries: [Int32], starts: [Int32]) {
      var dcs: [Int32] = []
      var registries: [Int32] = []
      var starts: [Int32] = [0]
      dcs.reserveCapacity(apps.count)
      starts.reserveCapacity(apps.count + 1)
      for a in apps {
        dcs.append(Positions.encode(a.datacenter.flatMap { datacenters[$0.value] }))
        for r in ValidationContext.registryNames(a) { registries.append(Positions.encode(ensembles[r.value])) }
        starts.append(Int32(registries.count))
      }
      return (dcs, registries, starts)
    }
  }

  /// The registries of the app at position `app` in `topology.apps`, in the order of
  /// ``registryNames(_:)``: each a position in `topology.ensembles`, nil when not declared.
  func registries(ofApp app: Int) -> Positions {
    Positions(stored: appRegistries[Int(registryStarts[app])..<Int(registryStarts[app + 1])])
  }

  var file: String { topology.file }

  mutating func report(
    _ entry: DiagnosticCatalog.Entry, _ message: String, _ range: SourceRange, path: String? = nil,
    label: String? = nil, related: [RelatedLocation] = [], notes: [String] = [], help: String? = nil
  ) {
    diagnostics.append(
      Diagnostic(
        entry, message: message, file: file, range: range, label: label, related: related,
        notes: notes, help: help, path: path))
  }

  func related(_ message: String, _ range: SourceRange) -> RelatedLocation {
    RelatedLocation(message: message, file: file, range: range)
  }

  // MARK: Effective settings (tolerant of errors elsewhere)

  static let defaultPorts = (client: 2181, quorum: 2888, election: 3888)

  /// A setting from the ensemble, else the defaults.
  func setting<T>(_ e: EnsembleSpec, _ key: KeyPath<ZooKeeperSettings, Located<T>?>) -> Located<T>? {
    e.settings[keyPath: key] ?? topology.zookeeper[keyPath: key]
  }

  /// The Dubbo an app runs: its own `dubbo` block over `defaults.dubbo`, field by field.
  func dubboProfile(_ a: AppSpec) -> DubboProfile {
    DubboProfile(
      version: a.dubbo?.version?.value ?? topology.dubbo.version?.value,
      client: a.dubbo?.zookeeperClient?.value ?? topology.dubbo.zookeeperClient?.value)
  }

  /// tickTime in whole milliseconds.
  func tickTimeMs(_ e: EnsembleSpec) -> Int {
    setting(e, \.tickTime)?.value.wholeMilliseconds ?? 2000
  }

  /// The session bounds: explicit, else 2 and 20 ticks.
  func sessionBoundsMs(_ e: EnsembleSpec) -> (min: Int, max: Int) {
    let tick = tickTimeMs(e)
    return (
      setting(e, \.minSessionTimeout)?.value.wholeMilliseconds ?? 2 * tick,
      setting(e, \.maxSessionTimeout)?.value.wholeMilliseconds ?? 20 * tick
    )
  }

  /// A member's three ports: machine override, else ensemble, else defaults, else 2181/2888/3888.
  func ports(_ e: EnsembleSpec, _ machine: MachineSpec) -> (client: Int, quorum: Int, election: Int) {
    (
      machine.clientPort?.value ?? setting(e, \.clientPort)?.value ?? Self.defaultPorts.client,
      machine.quorumPort?.value ?? setting(e, \.quorumPort)?.value ?? Self.defaultPorts.quorum,
      machine.electionPort?.value ?? setting(e, \.electionPort)?.value ?? Self.defaultPorts.election
    )
  }

  /// The session timeout an app requests: its own, else `defaults.client`, else 60s.
  func requestedSessionMs(_ a: AppSpec) -> Int {
    (a.sessionTimeout ?? topology.clientSessionTimeout)?.value.wholeMilliseconds ?? 60_000
  }

  /// The names of an app's registries as written.
  func registryNames(_ a: AppSpec) -> RegistryNames { Self.registryNames(a) }

  static func registryNames(_ a: AppSpec) -> RegistryNames {
    RegistryNames(single: a.registry, list: a.registry == nil ? a.registries ?? [] : [])
  }

  /// An app's `registry`, or its `registries`, as one list without building an array: a
  /// single registry would need one for every app and every rule that asks.
  struct RegistryNames: RandomAccessCollection {
    let single: Located<String>?
    let list: [Located<String>]

    var startIndex: Int { 0 }
    var endIndex: Int { single == nil ? list.count : 1 }
    subscript(i: Int) -> Located<String> {
      if let single {
        precondition(i == 0, "index out of range")
        return single
      }
      return list[i]
    }
  }

  /// Voters of an ensemble that name declared machines (unique, in order).
  func resolvedVoters(_ e: EnsembleSpec) -> [MachineSpec] {
    var seen: Set<String> = []
    return e.voters.compactMap { v in
      guard seen.insert(v.value).inserted else { return nil }
      return machines[v.value]
    }
  }

  /// Members (voters then observers) that name declared machines, each once.
  func resolvedMembers(_ e: EnsembleSpec) -> [(MachineSpec, Role)] {
    var seen: Set<String> = []
    var out: [(MachineSpec, Role)] = []
    for (list, role) in [(e.voters, Role.voter), (e.observers, Role.observer)] {
      for v in list where seen.insert(v.value).inserted {
        if let m = machines[v.value] { out.append((m, role)) }
      }
    }
    return out
  }
}
