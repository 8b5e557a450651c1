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
  /// every rack and every machine lost when asked.
  public static func scenarios(_ t: ValidatedTopology, options: MatrixOptions = MatrixOptions()) -> [FailureScenario] {
    let n = t.datacenters.count
    let none = FailureScenario(datacenterCount: n)
    var out: [FailureScenario] = []
    for d in 0..<n {
      var s = none
      s.failedDatacenters = [d]
      out.append(s)
    }
    if n >= 2 {
      for d in 0..<n {
        var s = none
        s.sides[d] = 1
        out.append(s)
      }
    }
    if options.pairs {
      for a in 0..<n {
        for b in (a + 1)..<n {
          var s = none
          s.failedDatacenters = [a, b]
          out.append(s)
        }
      }
    }
    if options.racks {
      for d in 0..<n {
        let racks = Set(t.datacenters[d].machines.compactMap { t.machines[$0].rack }).sorted()
        for r in racks {
          var s = none
          s.failedRacks = [FailureScenario.RackID(datacenter: d, rack: r)]
          out.append(s)
        }
      }
    }
    if options.machines {
      for m in t.machines.indices {
        var s = none
        s.failedMachines = [m]
        out.append(s)
      }
    }
    return out
  }

  /// Every scenario, evaluated as it is read: a matrix of an estate (thousands of scenarios
  /// by tens of thousands of apps) is never held whole.
  public static func rows(
    _ t: ValidatedTopology, options: MatrixOptions = MatrixOptions(), evaluator: ScenarioEvaluator
  ) -> MatrixRows {
    MatrixRows(scenarios: scenarios(t, options: options), evaluator: evaluator)
  }
}

/// The rows of a survival matrix, evaluated one at a time when iterated.
public struct MatrixRows: Sequence, Sendable {
  public let scenarios: [FailureScenario]
  let evaluator: ScenarioEvaluator

  /// How many rows there are.
  public var count: Int { scenarios.count }

  public struct Iterator: IteratorProtocol {
    var scenarios: IndexingIterator<[FailureScenario]>
    let evaluator: ScenarioEvaluator
    public mutating func next() -> MatrixRow? {
      guard let s = scenarios.next() else { return nil }
      let r = evaluator.changes(s)
      return MatrixRow(scenario: s, ensembles: r.ensembles, apps: r.apps)
    }
  }

  public func makeIterator() -> Iterator { Iterator(scenarios: scenarios.makeIterator(), evaluator: evaluator) }

  /// How many rows trip any of these gates.
  public func count(tripping gates: [FailureGate]) -> Int {
    guard !gates.isEmpty else { return 0 }
    return reduce(0) { $0 + (FailureGate.tripped(gates, ensembles: $1.ensembles, apps: $1.apps).isEmpty ? 0 : 1) }
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

  /// The gates that trip, in the order given.
  public static func tripped(
    _ gates: [FailureGate], ensembles: Outcomes<EnsembleOutcome>, apps: Outcomes<AppOutcome>
  )
    -> [FailureGate]
  {
    gates.filter { $0.trips(ensembles: ensembles, apps: apps) }
  }
}
