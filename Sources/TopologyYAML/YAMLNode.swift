public import TopologyDiagnostics

/// A document read by ``YAMLReader``, kept flat: one array of nodes in the order they ended,
/// one array of child ids, one array of scalar texts.
///
/// A tree of values (an array per collection, an enum per node) cost an allocation per mapping
/// and a retain per node copied; an estate of 50,000 apps is about 600,000 nodes. Here the whole
/// document is three allocations, and a node is an index into them (``YAMLNode``).
public final class YAMLDocument: Sendable {
  /// One node: its range, its kind, and where its text or children are.
  @usableFromInline
  struct Stored: Sendable {
    /// Where the node is in the file.
    @usableFromInline var range: SourceRange
    /// For a scalar, its index in `scalars`; for a collection, its first entry in `children`.
    @usableFromInline var first: UInt32
    /// For a collection, how many entries of `children` it has (two per pair of a mapping).
    @usableFromInline var count: UInt32
    /// What the node is.
    @usableFromInline var kind: Kind

    @usableFromInline
    init(range: SourceRange, first: UInt32, count: UInt32, kind: Kind) {
      self.range = range
      self.first = first
      self.count = count
      self.kind = kind
    }
  }

  @usableFromInline
  enum Kind: UInt8, Sendable {
    /// A plain scalar (one YAML may read as a number or a boolean).
    case plainScalar
    /// A plain scalar YAML reads as null (empty, `~`, `null`): told once, when read.
    case null
    /// A quoted or block scalar, or one tagged `!!str`.
    case textScalar
    case sequence
    case mapping
  }

  @usableFromInline let nodes: [Stored]
  /// The items of sequences, and keys and values (alternating) of mappings.
  @usableFromInline let children: [UInt32]
  @usableFromInline let scalars: [String]
  let rootID: UInt32
  /// The mapping whose entries were streamed (``YAMLReader/read(_:limits:streaming:consume:)``).
  let streamedMapping: UInt32?
  /// The root node.
  public var root: YAMLNode { YAMLNode(document: self, id: rootID) }

  init(nodes: [Stored], children: [UInt32], scalars: [String], root: UInt32, streamedMapping: UInt32? = nil) {
    precondition(Int(root) < nodes.count, "the root is a node of the document")
    self.nodes = nodes
    self.children = children
    self.scalars = scalars
    self.rootID = root
    self.streamedMapping = streamedMapping
  }

  /// A word for the kind of a node, for messages ("a mapping", "a list", "a scalar").
  static func kindDescription(_ node: Stored) -> String {
    switch node.kind {
    case .null: "null"
    case .plainScalar, .textScalar: "a scalar"
    case .sequence: "a list"
    case .mapping: "a mapping"
    }
  }

  /// The text of a node when it is a scalar.
  @inlinable static func text(_ node: Stored, in scalars: [String]) -> String? {
    switch node.kind {
    case .plainScalar, .textScalar, .null: scalars[Int(node.first)]
    case .sequence, .mapping: nil
    }
  }

  /// Whether a plain scalar's bytes are one YAML reads as null.
  public static func isNull(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    if text.isEmpty { return true }
    if text.count == 1 { return text[0] == UInt8(ascii: "~") }
    guard text.count == 4 else { return false }
    return nullSpellings.contains { $0.elementsEqual(text) }
  }

  /// The four-letter spellings of null.
  static let nullSpellings: [[UInt8]] = [Array("null".utf8), Array("Null".utf8), Array("NULL".utf8)]
}

/// A YAML node with the source range it was read from: a place in a ``YAMLDocument``.
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
    case sequence(Items)
    /// A mapping, in source order.
    case mapping(Pairs)
  }

  /// The document the node belongs to.
  public let document: YAMLDocument
  @usableFromInline let id: UInt32

  @usableFromInline
  init(document: YAMLDocument, id: UInt32) {
    self.document = document
    self.id = id
  }

  @usableFromInline var stored: YAMLDocument.Stored { document.nodes[Int(id)] }

  /// What the node holds.
  @inlinable public var content: Content {
    let s = stored
    switch s.kind {
    case .plainScalar, .null: return .scalar(document.scalars[Int(s.first)], plain: true)
    case .textScalar: return .scalar(document.scalars[Int(s.first)], plain: false)
    case .sequence: return .sequence(Items(document: document, first: Int(s.first), count: Int(s.count)))
    case .mapping: return .mapping(Pairs(children: Items(document: document, first: Int(s.first), count: Int(s.count))))
    }
  }

  /// Where the node is in the file.
  @inlinable public var range: SourceRange { stored.range }

  /// The scalar text, when the node is a scalar.
  @inlinable public var scalar: String? { YAMLDocument.text(stored, in: document.scalars) }

  /// Whether the node is the mapping whose entries were handed over as they were read
  /// (``YAMLReader/read(_:limits:streaming:consume:)``) instead of kept: it holds none.
  public var isStreamedMapping: Bool { document.streamedMapping == id }

  /// Whether the node is a plain scalar that YAML reads as null (empty, `~`, `null`).
  @inlinable public var isNull: Bool { stored.kind == .null }

  /// A word for the kind of node, for messages ("a mapping", "a list", "a scalar").
  public var kindDescription: String { YAMLDocument.kindDescription(stored) }

  /// The items of a sequence.
  public struct Items: RandomAccessCollection, Sendable {
    @usableFromInline let document: YAMLDocument
    @usableFromInline let first: Int
    /// The number of items.
    public let count: Int

    @usableFromInline
    init(document: YAMLDocument, first: Int, count: Int) {
      self.document = document
      self.first = first
      self.count = count
    }

    /// No items (what a null stands for where a list is expected).
    public static func empty(_ document: YAMLDocument) -> Items { Items(document: document, first: 0, count: 0) }

    /// The first position.
    @inlinable public var startIndex: Int { 0 }
    /// The position past the last item.
    @inlinable public var endIndex: Int { count }
    /// The item at `i`.
    @inlinable public subscript(i: Int) -> YAMLNode {
      precondition(i >= 0 && i < count, "index out of range")
      return YAMLNode(document: document, id: document.children[first + i])
    }
  }

  /// The pairs of a mapping, in source order: its children, keys and values alternating.
  public struct Pairs: RandomAccessCollection, Sendable {
    @usableFromInline let children: Items

    @usableFromInline
    init(children: Items) { self.children = children }

    /// The first position.
    @inlinable public var startIndex: Int { 0 }
    /// The position past the last pair.
    @inlinable public var endIndex: Int { children.count / 2 }
    /// The pair at `i`.
    @inlinable public subscript(i: Int) -> YAMLPair {
      precondition(i >= 0 && i < endIndex, "index out of range")
      let (document, at) = (children.document, children.first + 2 * i)
      return YAMLPair(
        key: YAMLNode(document: document, id: document.children[at]),
        value: YAMLNode(document: document, id: document.children[at + 1]))
    }

    /// The pair whose key is the scalar `key`, if any. Reads the document in place: looking up
    /// an app's fields went through a node (and a reference to the document) per key.
    @inlinable public func pair(forKey key: String) -> YAMLPair? {
      let document = children.document
      for i in indices {
        let k = document.nodes[Int(document.children[children.first + 2 * i])]
        if let text = YAMLDocument.text(k, in: document.scalars), YAMLNode.sameKey(text, key) { return self[i] }
      }
      return nil
    }
  }
}

extension YAMLNode {
  /// Whether two keys are the same text, lengths first: the keys of a mapping mostly differ in
  /// length, and telling those apart costs nothing (a full comparison of two short strings
  /// does not inline, and was most of what looking up an app's fields cost).
  @inlinable public static func sameKey(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && a == b
  }
}

/// A key and its value in a mapping.
public struct YAMLPair: Sendable {
  /// The key node.
  public var key: YAMLNode
  /// The value node.
  public var value: YAMLNode

  /// Creates a pair.
  @inlinable public init(key: YAMLNode, value: YAMLNode) {
    self.key = key
    self.value = value
  }
}
