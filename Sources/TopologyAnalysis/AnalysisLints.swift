public import TopologyDiagnostics
public import TopologyModel

/// Warnings that need the analysis (the `A4xx` codes), reported by `check` with the rest.
public enum AnalysisLints {
  /// Every analysis warning for a validated topology.
  public static func diagnostics(for topology: ValidatedTopology) -> [Diagnostic] {
    []
  }
}
