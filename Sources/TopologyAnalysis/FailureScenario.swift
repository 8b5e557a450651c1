public import TopologyModel

/// A failure to evaluate: failed datacenters, racks and machines, and the network cut into sides.
public struct FailureScenario: Sendable, Hashable {
  /// Failed datacenters (indices).
  public var failedDatacenters: Set<Int> = []
  /// Failed racks, as `datacenter index` and rack name.
  public var failedRacks: Set<RackID> = []
  /// Failed machines (indices).
  public var failedMachines: Set<Int> = []
  /// The side of the network each datacenter is on; all on side 0 when there is no partition.
  public var sides: Sides

  /// A rack: a datacenter index and a rack name.
  public struct RackID: Sendable, Hashable, Comparable {
    public var datacenter: Int
    public var rack: String
    public init(datacenter: Int, rack: String) {
      self.datacenter = datacenter
      self.rack = rack
    }
    public static func < (a: Self, b: Self) -> Bool { (a.datacenter, a.rack) < (b.datacenter, b.rack) }
  }

  /// No failure, one side. Costs nothing per datacenter: a scenario holds only what differs
  /// from "everything up, one network" (a wide estate builds thousands of scenarios).
  public init(datacenterCount: Int) { sides = Sides(count: datacenterCount) }

  /// Whether the network is cut.
  public var isPartitioned: Bool { sides.isPartitioned }

  /// The datacenter names on each side, sides in order.
  public func sideNames(_ t: ValidatedTopology) -> [[String]] {
    var out = Array(repeating: [String](), count: sides.maxSide + 1)
    for d in t.datacenters.indices { out[sides[d]].append(t.datacenters[d].name) }
    return out
  }

  /// The side of every datacenter, stored sparsely: only those not on side 0.
  public struct Sides: Sendable, Hashable {
    /// How many datacenters there are.
    public let count: Int
    /// Datacenter -> side, for every side other than 0.
    public private(set) var off: [Int: Int] = [:]

    /// Every datacenter on side 0.
    public init(count: Int) { self.count = count }

    /// Side by datacenter index.
    public init(_ sides: [Int]) {
      count = sides.count
      for (d, side) in sides.enumerated() where side != 0 { off[d] = side }
    }

    /// The side of datacenter `d`.
    public subscript(d: Int) -> Int {
      get { off.isEmpty ? 0 : off[d] ?? 0 }
      set { off[d] = newValue == 0 ? nil : newValue }
    }

    /// The highest side number.
    public var maxSide: Int { off.values.max() ?? 0 }

    /// Whether datacenters sit on two sides or more.
    public var isPartitioned: Bool {
      var values = Set(off.values)
      if off.count < count { values.insert(0) }
      return values.count > 1
    }

    /// The datacenters on sides other than 0, in index order.
    public var cutOff: [Int] { off.keys.sorted() }
  }
}

/// Why a scenario given on the command line cannot be built. The command layer words it.
public enum ScenarioError: Error, Sendable, Equatable {
  case unknownDatacenter(String, suggestion: String?, known: [String])
  /// A failure without `KIND:`.
  case missingKind(String)
  /// A kind other than dc, rack, machine.
  case unknownKind(String)
  /// A rack not written `DC/RACK`.
  case rackSyntax(String)
  case unknownRack(datacenter: String, rack: String, known: [String])
  case unknownMachine(String, suggestion: String?)
  case isolateWithPartition
  /// A partition with fewer than two sides.
  case tooFewSides(String)
  case emptySideOrName(String)
  case partitionRepeats(String)
  case partitionMisses([String])
  case isolateRepeats(String)
}

extension FailureScenario {
  /// Builds a scenario from failures (`dc:NAME`, `rack:DC/RACK`, `machine:NAME`), isolated
  /// datacenters, and a partition (`"A,B|C"`, every datacenter once).
  public static func parse(
    fail: [String], isolate: [String], partition: String?, in t: ValidatedTopology
  ) throws(ScenarioError) -> FailureScenario {
    var s = FailureScenario(datacenterCount: t.datacenters.count)
    let dcNames = t.datacenters.map(\.name)
    func dc(_ name: String) throws(ScenarioError) -> Int {
      if let i = t.datacenterIndex(name) { return i }
      throw .unknownDatacenter(name, suggestion: Scalars.suggestion(for: name, among: dcNames), known: dcNames)
    }
    for item in fail {
      guard let colon = item.firstIndex(of: ":") else { throw .missingKind(item) }
      let kind = item[..<colon]
      let name = String(item[item.index(after: colon)...])
      switch kind {
      case "dc", "datacenter":
        s.failedDatacenters.insert(try dc(name))
      case "rack":
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw .rackSyntax(name) }
        let d = try dc(parts[0])
        let racks = Set(t.datacenters[d].machines.compactMap { t.machines[$0].rack })
        guard racks.contains(parts[1]) else {
          throw .unknownRack(datacenter: parts[0], rack: parts[1], known: racks.sorted())
        }
        s.failedRacks.insert(RackID(datacenter: d, rack: parts[1]))
      case "machine", "m":
        guard let m = t.machineIndex(name) else {
          throw .unknownMachine(name, suggestion: Scalars.suggestion(for: name, among: t.machines.map(\.name)))
        }
        s.failedMachines.insert(m)
      default:
        throw .unknownKind(String(kind))
      }
    }
    if partition != nil && !isolate.isEmpty { throw .isolateWithPartition }
    if let partition {
      let sides = partition.split(separator: "|", omittingEmptySubsequences: false)
      guard sides.count >= 2 else { throw .tooFewSides(partition) }
      var seen = Array(repeating: -1, count: t.datacenters.count)
      for (i, side) in sides.enumerated() {
        let names = side.split(separator: ",", omittingEmptySubsequences: false).map {
          String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        }
        guard !names.contains(where: \.isEmpty) else { throw .emptySideOrName(partition) }
        for n in names {
          let d = try dc(n)
          guard seen[d] == -1 else { throw .partitionRepeats(n) }
          seen[d] = i
        }
      }
      let missing = t.datacenters.indices.filter { seen[$0] == -1 }.map { dcNames[$0] }
      guard missing.isEmpty else { throw .partitionMisses(missing) }
      s.sides = Sides(seen)
    }
    for (i, name) in isolate.enumerated() {
      let d = try dc(name)
      guard s.sides[d] == 0 else { throw .isolateRepeats(name) }
      s.sides[d] = i + 1
    }
    return s
  }
}
