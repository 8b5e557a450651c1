/// Text a view writes in pieces.
///
/// A view appends to it as it goes; the text is either collected whole (for a caller that wants
/// a `String`) or passed on to a sink every `threshold` bytes, so that a report of tens of
/// megabytes is never held, or copied, whole.
public final class TextOutput {
  private var buffer = ""
  private let sink: ((String) -> Void)?
  private let threshold: Int

  /// Collects everything written; ``finish()`` returns it.
  public init() {
    self.sink = nil
    self.threshold = .max
  }

  /// Passes text on to `sink` in pieces of at least `threshold` bytes (the last may be shorter).
  public init(threshold: Int = 1 << 18, sink: @escaping (String) -> Void) {
    self.sink = sink
    self.threshold = max(1, threshold)
  }

  /// Appends text.
  public func write(_ text: String) {
    buffer += text
    if let sink, buffer.utf8.count >= threshold {
      sink(buffer)
      buffer.removeAll(keepingCapacity: true)
    }
  }

  /// Appends text.
  public static func += (output: TextOutput, text: String) { output.write(text) }

  /// Passes on what is left to the sink and returns nothing, or, when collecting, returns all of
  /// the text.
  @discardableResult
  public func finish() -> String {
    guard let sink else { return buffer }
    if !buffer.isEmpty { sink(buffer) }
    buffer = ""
    return ""
  }
}
