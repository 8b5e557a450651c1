public import TopologyDiagnostics
public import TopologyEmitters

/// `emit --format json`: what was (or, with `--check`, would be) written, changed and removed.
public enum EmitRendering {
  public static func json(_ plan: OutputPlan, folder: String, check: Bool) -> JSONValue {
    func paths(_ kind: OutputPlan.Change.Kind) -> JSONValue {
      .strings(plan.changes.filter { $0.kind == kind }.map(\.path))
    }
    return .object([
      ("output", .string(folder)),
      ("check", .bool(check)),
      ("upToDate", .bool(!plan.hasDrift && plan.blocked.isEmpty)),
      ("created", paths(.create)),
      ("updated", paths(.update)),
      ("changedByHand", paths(.conflict)),
      ("unchanged", .int(plan.unchanged)),
      ("removed", .strings(plan.stale)),
      ("staleLeftAlone", .strings(plan.staleChanged)),
      (
        "blocked",
        .array(plan.blocked.map { .object([("path", .string($0.path)), ("what", .string($0.what))]) })
      ),
    ])
  }
}
