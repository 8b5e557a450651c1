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
    let slot = Slot<B>()
    let group = DispatchGroup()
    // Written before the group is left, read after it is waited for: the group orders the two.
    DispatchQueue.global().async(group: group) { slot.value = there() }
    let a = here()
    group.wait()
    guard let b = slot.value else { preconditionFailure("the other thread finished without a result") }
    return (a, b)
  }

  /// Where the other thread leaves its result.
  private final class Slot<Value>: @unchecked Sendable { var value: Value? }
}
