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
  public var sides: [Int]

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

  /// No failure, one side.
  public init(datacenterCount: Int) { sides = Array(repeating: 0, count: datacenterCount) }

  /// Whether the network is cut.
  public var isPartitioned: Bool { Set(sides).count > 1 }

  /// Whether a machine is up (it, its rack and its datacenter have not failed).
  public func isUp(machine m: Int, in t: ValidatedTopology) -> Bool {
    let machine = t.machines[m]
    if failedMachines.contains(m) || failedDatacenters.contains(machine.datacenter) { return false }
    if let rack = machine.rack,
      failedRacks.contains(RackID(datacenter: machine.datacenter, rack: rack))
    {
      return false
    }
    return true
  }

  /// The side a machine is on.
  public func side(ofMachine m: Int, in t: ValidatedTopology) -> Int { sides[t.machines[m].datacenter] }

  /// Words for the scenario: "datacenter 'bj-b' fails; 'sh-a' is cut off".
  public func describe(_ t: ValidatedTopology) -> String {
    var parts: [String] = []
    for d in failedDatacenters.sorted() { parts.append("datacenter '\(t.datacenters[d].name)' fails") }
    for r in failedRacks.sorted() { parts.append("rack '\(t.datacenters[r.datacenter].name)/\(r.rack)' fails") }
    for m in failedMachines.sorted() { parts.append("machine '\(t.machines[m].name)' fails") }
    if isPartitioned {
      parts.append(
        "the network splits into " + sideNames(t).map { "{\($0.joined(separator: ", "))}" }.joined(separator: " | "))
    }
    return parts.isEmpty ? "nothing fails" : parts.joined(separator: "; ")
  }

  /// The datacenter names on each side, sides in order.
  public func sideNames(_ t: ValidatedTopology) -> [[String]] {
    let count = (sides.max() ?? 0) + 1
    return (0..<count).map { s in t.datacenters.indices.filter { sides[$0] == s }.map { t.datacenters[$0].name } }
  }
}

/// A problem with the words of a scenario given on the command line.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
  public let description: String
}

extension FailureScenario {
  /// Builds a scenario from `--fail KIND:NAME`, `--isolate DC` and `--partition "A,B|C"`.
  public static func parse(
    fail: [String], isolate: [String], partition: String?, in t: ValidatedTopology
  ) throws(ScenarioError) -> FailureScenario {
    var s = FailureScenario(datacenterCount: t.datacenters.count)
    let dcNames = t.datacenters.map(\.name)
    func dc(_ name: String) throws(ScenarioError) -> Int {
      if let i = t.datacenterIndex(name) { return i }
      let hint = Scalars.suggestion(for: name, among: dcNames).map { " (did you mean '\($0)'?)" } ?? ""
      throw ScenarioError(
        description: "unknown datacenter '\(name)'\(hint); datacenters: \(dcNames.joined(separator: ", "))")
    }
    for item in fail {
      guard let colon = item.firstIndex(of: ":") else {
        throw ScenarioError(description: "--fail '\(item)' needs a kind: dc:NAME, rack:DC/RACK or machine:NAME")
      }
      let kind = item[..<colon]
      let name = String(item[item.index(after: colon)...])
      switch kind {
      case "dc", "datacenter":
        s.failedDatacenters.insert(try dc(name))
      case "rack":
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
          throw ScenarioError(description: "--fail rack:'\(name)' must be DC/RACK, such as rack:bj-a/r1")
        }
        let d = try dc(parts[0])
        let racks = Set(t.datacenters[d].machines.compactMap { t.machines[$0].rack })
        guard racks.contains(parts[1]) else {
          throw ScenarioError(
            description:
              "datacenter '\(parts[0])' has no rack '\(parts[1])'; its racks: \(racks.sorted().joined(separator: ", "))"
          )
        }
        s.failedRacks.insert(RackID(datacenter: d, rack: parts[1]))
      case "machine", "m":
        guard let m = t.machineIndex(name) else {
          let hint =
            Scalars.suggestion(for: name, among: t.machines.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
          throw ScenarioError(description: "unknown machine '\(name)'\(hint)")
        }
        s.failedMachines.insert(m)
      default:
        throw ScenarioError(description: "--fail kind '\(kind)' is not dc, rack or machine")
      }
    }
    if partition != nil && !isolate.isEmpty {
      throw ScenarioError(description: "use either --isolate or --partition, not both")
    }
    if let partition {
      let sides = partition.split(separator: "|", omittingEmptySubsequences: false)
      guard sides.count >= 2 else {
        throw ScenarioError(
          description: "--partition '\(partition)' needs at least two sides separated by '|', such as \"a,b|c\"")
      }
      var seen = Array(repeating: -1, count: t.datacenters.count)
      for (i, side) in sides.enumerated() {
        let names = side.split(separator: ",", omittingEmptySubsequences: false).map {
          String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        }
        guard !names.contains(where: \.isEmpty) else {
          throw ScenarioError(description: "--partition '\(partition)' has an empty side or name")
        }
        for n in names {
          let d = try dc(n)
          guard seen[d] == -1 else {
            throw ScenarioError(description: "--partition names datacenter '\(n)' more than once")
          }
          seen[d] = i
        }
      }
      let missing = t.datacenters.indices.filter { seen[$0] == -1 }.map { dcNames[$0] }
      guard missing.isEmpty else {
        throw ScenarioError(
          description:
            "--partition must name every datacenter exactly once; missing: \(missing.joined(separator: ", "))")
      }
      s.sides = seen
    }
    for (i, name) in isolate.enumerated() {
      let d = try dc(name)
      guard s.sides[d] == 0 else {
        throw ScenarioError(description: "--isolate names datacenter '\(name)' more than once")
      }
      s.sides[d] = i + 1
    }
    return s
  }
}
