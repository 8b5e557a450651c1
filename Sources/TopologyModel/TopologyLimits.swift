/// Limits on how much a topology may declare, beyond the YAML reader's own limits
/// (`YAMLLimits`): each passed limit is one diagnostic that names it and its flag.
public struct TopologyLimits: Sendable {
  /// The most datacenters (`--max-datacenters`).
  public var maxDatacenters: Int
  /// The most machines, across every datacenter (`--max-machines`).
  public var maxMachines: Int
  /// The most ensembles (`--max-ensembles`).
  public var maxEnsembles: Int
  /// The most apps (`--max-apps`).
  public var maxApps: Int
  /// The most diagnostics kept for one file (`--max-diagnostics`); the rest are counted.
  public var maxDiagnostics: Int

  /// The limits `quorate` uses unless told otherwise. The benchmark's XL estate (256
  /// datacenters, 38,400 machines, 4,000 ensembles, 200,000 apps) fits many times over.
  public static let `default` = TopologyLimits(
    maxDatacenters: 10_000, maxMachines: 1_000_000, maxEnsembles: 100_000, maxApps: 1_000_000,
    maxDiagnostics: 1_000_000)

  /// Creates limits.
  public init(maxDatacenters: Int, maxMachines: Int, maxEnsembles: Int, maxApps: Int, maxDiagnostics: Int) {
    self.maxDatacenters = maxDatacenters
    self.maxMachines = maxMachines
    self.maxEnsembles = maxEnsembles
    self.maxApps = maxApps
    self.maxDiagnostics = maxDiagnostics
  }
}
