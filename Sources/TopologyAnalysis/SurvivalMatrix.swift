public import TopologyModel

/// Which scenarios a survival matrix holds.
public struct MatrixOptions: Sendable, Equatable {
  /// Every pair of datacenters lost (on by default).
  public var pairs = true
  /// Every rack lost.
  public var racks = false
  /// Every machine lost.
  public var machines = false

  public init(pairs: Bool = true, racks: Bool = false, machines: Bool = false) {
    self.pairs = pairs
    self.racks = racks
    self.machines = machines
  }
}

/// One row of the matrix: a scenario and what every ensemble and app does in it.
public struct MatrixRow: Sendable {
  public let scenario: FailureScenario
  public let ensembles: Outcomes<EnsembleOutcome>
  public let apps: Outcomes<AppOutcome>
}

/// The survival matrix: every scenario of a standard set, evaluated by the one function that
/// decides every command's outcomes (``ScenarioEvaluator``).
public enum SurvivalMatrix {
  /// The scenarios, in a fixed order: every single datacenter lost, every single datacenter
  /// cut off from the rest (when there are at least two), every pair of datacenters lost, then
  /// every rack and every machine lost when asked. Built on demand from their index: 5,000
  /// datacenters make 12.5 million pairs, which are never held at once.
  public static func scenarios(_ t: ValidatedTopology, options: MatrixOptions = MatrixOptions()) -> ScenarioList {
    ScenarioList(t, options: options)
  }

  /// Every scenario, evaluated as it is read: a matrix of an estate (thousands of scenarios
  /// by tens of thousands of apps) is never held whole.
  public static func rows(
    _ t: ValidatedTopology, options: MatrixOptions = MatrixOptions(), evaluator: ScenarioEvaluator
  ) -> MatrixRows {
    MatrixRows(scenarios: scenarios(t, options: options), evaluator: evaluator)
  }
}

/// The scenarios of a survival matrix, in their fixed order, each made from its index.
public struct ScenarioList: RandomAccessCollection, Sendable {
  let datacenters: Int
  let cutOffs: Int
  let pairs: Int
  let racks: [FailureScenario.RackID]
  let machines: Int

  init(_ t: ValidatedTopology, options: MatrixOptions) {
    let n = t.datacenters.count
    datacenters = n
    cutOffs = n >= 2 ? n : 0
    pairs = options.pairs ? n * (n - 1) / 2 : 0
    var racks: [FailureScenario.RackID] = []
    if options.racks {
      for d in 0..<n {
        for r in Set(t.datacenters[d].machines.compactMap({ t.machines[$0].rack })).sorted() {
          racks.append(FailureScenario.RackID(datacenter: d, rack: r))
        }
      }
    }
    self.racks = racks
    machines = options.machines ? t.machines.count : 0
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { datacenters + cutOffs + pairs + racks.count + machines }

  public subscript(i: Int) -> FailureScenario {
    var s = FailureScenario(datacenterCount: datacenters)
    var k = i
    if k < datacenters {
      s.failedDatacenters = [k]
      return s
    }
    k -= datacenters
    if k < cutOffs {
      s.sides[k] = 1
      return s
    }
    k -= cutOffs
    if k < pairs {
      let (a, b) = Self.pair(k, of: datacenters)
      s.failedDatacenters = [a, b]
      return s
    }
    k -= pairs
    if k < racks.count {
      s.failedRacks = [racks[k]]
      return s
    }
    s.failedMachines = [k - racks.count]
    return s
  }

  /// The `k`-th pair (a < b) in the order a = 0, b = 1...n-1; a = 1, b = 2...; and so on.
  static func pair(_ k: Int, of n: Int) -> (Int, Int) {
    // Pairs before row a: a * n - a * (a + 1) / 2. Estimate a from the quadratic, then adjust.
    func before(_ a: Int) -> Int { a * n - a * (a + 1) / 2 }
    let m = Double(2 * n - 1)
    var a = Swift.max(0, Swift.min(n - 2, Int((m - (m * m - 8 * Double(k)).squareRoot()) / 2)))
    while a > 0 && before(a) > k { a -= 1 }
    while a + 1 <= n - 2 && before(a + 1) <= k { a += 1 }
    return (a, a + 1 + (k - before(a)))
  }
}

/// The rows of a survival matrix, evaluated one at a time when iterated.
public struct MatrixRows: Sequence, Sendable {
  public let scenarios: ScenarioList
  let evaluator: ScenarioEvaluator
  /// For each gate, the ensembles and apps that already trip it with nothing failed: a row
  /// trips the gate when one of its changed outcomes does, or one of these is unchanged. A
  /// row's gate check then costs what the scenario touched, not a scan of the estate.
  let baseTripping: [FailureGate: (ensembles: [Int32], apps: [Int32])]

  init(scenarios: ScenarioList, evaluator: ScenarioEvaluator) {
    self.scenarios = scenarios
    self.evaluator = evaluator
    let base = evaluator.baselineOutcomes
    var tripping: [FailureGate: (ensembles: [Int32], apps: [Int32])] = [:]
    for g in FailureGate.allCases {
      tripping[g] = (
        base.ensembles.indices.filter { g.trips(ensemble: base.ensembles[$0]) }.map { Int32($0) },
        base.apps.indices.filter { g.trips(app: base.apps[$0]) }.map { Int32($0) }
      )
    }
    baseTripping = tripping
  }

  /// How many rows there are.
  public var count: Int { scenarios.count }

  public struct Iterator: IteratorProtocol {
    var scenarios: IndexingIterator<ScenarioList>
    let evaluator: ScenarioEvaluator
    public mutating func next() -> MatrixRow? {
      guard let s = scenarios.next() else { return nil }
      let r = evaluator.changes(s)
      return MatrixRow(scenario: s, ensembles: r.ensembles, apps: r.apps)
    }
  }

  public func makeIterator() -> Iterator { Iterator(scenarios: scenarios.makeIterator(), evaluator: evaluator) }

  /// The gates a row trips, in the order given: the same answer as
  /// ``FailureGate/tripped(_:ensembles:apps:)``, at the cost of what the row changed.
  public func tripped(_ gates: [FailureGate], _ row: MatrixRow) -> [FailureGate] {
    gates.filter { g in
      guard let base = baseTripping[g] else { return g.trips(ensembles: row.ensembles, apps: row.apps) }
      return row.ensembles.contains(changedWhere: g.trips(ensemble:), orUnchanged: base.ensembles)
        || row.apps.contains(changedWhere: g.trips(app:), orUnchanged: base.apps)
    }
  }

  /// How many rows trip any of these gates.
  public func count(tripping gates: [FailureGate]) -> Int {
    guard !gates.isEmpty else { return 0 }
    return reduce(0) { $0 + (tripped(gates, $1).isEmpty ? 0 : 1) }
  }
}

/// A CI gate: `--fail-on degraded|unavailable|no-quorum`.
public enum FailureGate: String, Sendable, CaseIterable {
  /// Some app outside the failed datacenters is degraded or worse.
  case degraded
  /// Some app outside the failed datacenters is unavailable.
  case unavailable
  /// Some ensemble has no quorum.
  case noQuorum = "no-quorum"

  /// Whether this gate trips on one scenario's outcome. Apps whose own datacenter failed
  /// (`down`) are outside the gate: their loss is the scenario itself.
  public func trips(ensembles: Outcomes<EnsembleOutcome>, apps: Outcomes<AppOutcome>) -> Bool {
    switch self {
    case .noQuorum: ensembles.contains(field: \.quorum) { !$0 }
    case .degraded: apps.contains(field: \.status) { $0 == .degraded || $0 == .unavailable }
    case .unavailable: apps.contains(field: \.status) { $0 == .unavailable }
    }
  }

  /// Whether this ensemble's outcome alone trips the gate.
  func trips(ensemble o: EnsembleOutcome) -> Bool { self == .noQuorum && !o.quorum }

  /// Whether this app's outcome alone trips the gate.
  func trips(app o: AppOutcome) -> Bool {
    switch self {
    case .noQuorum: false
    case .degraded: o.status == .degraded || o.status == .unavailable
    case .unavailable: o.status == .unavailable
    }
  }

  /// The gates that trip, in the order given.
  public static func tripped(
    _ gates: [FailureGate], ensembles: Outcomes<EnsembleOutcome>, apps: Outcomes<AppOutcome>
  )
    -> [FailureGate]
  {
    gates.filter { $0.trips(ensembles: ensembles, apps: apps) }
  }
}
