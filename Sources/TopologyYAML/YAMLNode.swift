public import TopologyDiagnostics

/// A YAML node with the source range it was read from.
///
/// Aliases are resolved: an alias is the node its anchor names (with that node's range, which
/// points at the anchor's definition). Merge keys (`<<`) are applied. Keys of a mapping keep
/// their order.
public struct YAMLNode: Sendable {
  /// What the node holds.
  public enum Content: Sendable {
    /// A scalar; `plain` is false when it was quoted, a block scalar, or tagged `!!str`.
    case scalar(String, plain: Bool)
    /// A sequence of nodes.
    case sequence([YAMLNode])
    /// A mapping, in source order.
    case mapping([YAMLPair])
  }

  /// What the node holds.
  public var content: Content
  /// Where the node is in the file.
  public var range: SourceRange

  /// Creates a node.
  public init(content: Content, range: SourceRange) {
    self.content = content
    self.range = range
  }

  /// The scalar text, when the node is a scalar.
  public var scalar: String? {
    if case .scalar(let s, _) = content { return s }
    return nil
  }

  /// Whether the node is a plain scalar that YAML reads as null (empty, `~`, `null`).
  public var isNull: Bool {
    if case .scalar(let s, let plain) = content, plain {
      return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
    }
    return false
  }

  /// A word for the kind of node, for messages ("a mapping", "a list", "a string").
  public var kindDescription: String {
    switch content {
    case .scalar: isNull ? "null" : "a scalar"
    case .sequence: "a list"
    case .mapping: "a mapping"
    }
  }
}

/// A key and its value in a mapping.
public struct YAMLPair: Sendable {
  /// The key node.
  public var key: YAMLNode
  /// The value node.
  public var value: YAMLNode

  /// Creates a pair.
  public init(key: YAMLNode, value: YAMLNode) {
    self.key = key
    self.value = value
  }
}
