import Dispatch

/// Two pieces of work that only read what they share, run at once: one on the calling thread,
/// the other on a thread of the system's pool. The machines quorate runs on have two cores,
/// and after the YAML is read the second one is otherwise idle.
public enum TwoCores {
  /// Runs `here` on this thread and `there` on another, and returns both results once both
  /// are done.
  ///
  /// `there` runs on the default global queue, and this thread waits for it: neither closure
  /// may call `run` again, nor wait for other work on that queue (on a machine whose pool is as
  /// wide as its two cores, threads all waiting for queued work would wait for a long time).
  public static func run<A, B: Sendable>(
    _ here: () -> A, alongside there: @escaping @Sendable () -> B
  ) -> (A, B) {
    let other = Pending(there)
    let a = here()
    return (a, other.wait())
  }

  /// Work started on a thread of the system's pool, its result collected once with ``wait()``
  /// (``run(_:alongside:)``, or the output folder `emit` opens while the topology loads). The
  /// work must not wait for other work on the pool, as for `run`.
  public final class Pending<Value>: @unchecked Sendable {
    /// Written by the work before it leaves the group, read after the group is waited for:
    /// the group orders the two.
    private var value: Value?
    private let group = DispatchGroup()

    public init(_ work: @escaping @Sendable () -> Value) {
      DispatchQueue.global().async(group: group) { self.value = work() }
    }

    public func wait() -> Value {
      group.wait()
      guard let value else { preconditionFailure("the other thread finished without a result") }
      return value
    }
  }
}
