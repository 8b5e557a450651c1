import Testing
import TopologyYAML

@testable import TopologyDiagnostics

@Suite struct SourceFileTests {
  @Test func lineTableAgreesWithLibyamlBreaks() {
    // LF, CRLF, CR, NEL, LS and PS each end a line, as in libyaml.
    let f = SourceFile(path: "x", text: "a\nb\r\nc\rd\u{85}e\u{2028}f\u{2029}g")
    #expect(f.lineCount == 7)
    #expect((1...7).map { f.lineText($0) } == ["a", "b", "c", "d", "e", "f", "g"])
  }

  @Test func columnsCountCharactersNotBytes() {
    let f = SourceFile(path: "x", text: "dc: é-zone\n")
    // Bytes: d=0 c=1 :=2 space=3 é=4,5 -=6 z=7. Six characters precede 'z'.
    let loc = f.location(ofByteOffset: 7)
    #expect(loc.line == 1)
    #expect(loc.column == 7)
    let back = f.location(line: 1, column: 6)
    #expect(back.offset == 6)
  }

  /// Every offset maps to a line and column and back, in ASCII files (where a column is found
  /// without walking the line) as in others, and past a line's end a column stops at the break.
  @Test func locationsRoundTripWithAndWithoutTheASCIIShortcut() {
    let ascii = SourceFile(path: "x", text: "a: 1\r\nbb: [x, y]\rccc:\n\n  - d\n")
    let mixed = SourceFile(path: "x", text: "a: é\r\nbb: [x, \u{2028}y]\u{85}ccc:\n\n  - d\n")
    #expect(ascii.isASCII)
    #expect(!mixed.isASCII)
    #expect(!SourceFile(path: "x", text: "a\u{2028}b").isASCII)
    for f in [ascii, mixed] {
      for offset in 0...f.bytes.count where offset == f.bytes.count || f.bytes[offset] & 0xC0 != 0x80 {
        let loc = f.location(ofByteOffset: offset)
        let lineEnd = f.lineEnds[loc.line - 1]
        guard offset <= lineEnd else { continue }  // inside a line break
        #expect(f.location(line: loc.line, column: loc.column).offset == offset, "\(offset)")
      }
      #expect(f.location(line: 1, column: 99).offset == f.lineEnds[0])
    }
  }

  /// The line table skips printable ASCII eight bytes at a time: every kind of break, a tab
  /// and a multi-byte character, at every offset against those eight-byte steps, give the
  /// lines a character-by-character reading gives.
  @Test func lineTableHoldsAtEveryAlignment() {
    let breaks = ["\n", "\r\n", "\r", "\u{85}", "\u{2028}", "\u{2029}", "\t", "é", "\u{7F}", "\u{1F}"]
    for piece in breaks {
      for at in 0..<20 {
        let text = String(repeating: "k", count: at) + piece + String(repeating: "v", count: 23 - at) + "\n"
        let f = SourceFile(path: "x", text: text)
        // Lines by Unicode scalars, as libyaml breaks them: LF, CR, CRLF, NEL, LS, PS.
        var starts = [0]
        var ends: [Int] = []
        var offset = 0
        var previousCR = false
        for scalar in text.unicodeScalars {
          let width = String(scalar).utf8.count
          if scalar == "\n" && previousCR {
            starts[starts.count - 1] += 1
          } else if ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) {
            ends.append(offset)
            starts.append(offset + width)
          }
          previousCR = scalar == "\r"
          offset += width
        }
        ends.append(offset)
        #expect(Array(f.lineStarts) == starts, "\(piece.debugDescription) at \(at)")
        #expect(Array(f.lineEnds) == ends, "\(piece.debugDescription) at \(at)")
        #expect(f.isASCII == text.utf8.allSatisfy { $0 < 0x80 }, "\(piece.debugDescription) at \(at)")
      }
    }
  }

  /// Eight bytes are skipped together exactly when each is printable ASCII (0x20 to 0x7F),
  /// and otherwise the first one that is not is found: every byte value at every place among
  /// seven printable ones, and runs of bytes below 0x20 (whose borrows flag their neighbours).
  @Test func eightBytesAreSkippedOnlyWhenEachIsPrintable() {
    func firstFlagged(_ bytes: [UInt8]) -> Int? {
      let word = UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
      let flagged = SourceFile.notPrintableASCII(word)
      return flagged == 0 ? nil : flagged.trailingZeroBitCount / 8
    }
    for place in 0..<8 {
      for value in 0...255 {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
        bytes[place] = UInt8(value)
        let printable = value >= 0x20 && value < 0x80
        #expect(firstFlagged(bytes) == (printable ? nil : place), "\(value) at \(place)")
      }
    }
    let runs: [[UInt8]] = [
      [0x1F, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20], [0x20, 0x7F, 0x0A, 0x00, 0x20, 0xFF, 0x20, 0x0D],
      [0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x00], [0x7F, 0x7F, 0x7F, 0x80, 0x00, 0x00, 0x00, 0x00],
    ]
    #expect(runs.map(firstFlagged) == [0, 2, 7, 3])
  }

  @Test func byteOrderMarkIsDropped() {
    let f = SourceFile(path: "x", bytes: [0xEF, 0xBB, 0xBF] + Array("a: 1".utf8))
    #expect(f.lineText(1) == "a: 1")
  }
}

@Suite struct YAMLReaderTests {
  func read(_ text: String) -> (YAMLNode?, [Diagnostic]) {
    let r = YAMLReader.read(SourceFile(path: "t.yaml", text: text))
    return (r.root, r.diagnostics)
  }

  func mapping(_ node: YAMLNode?) -> [(String, YAMLNode)] {
    guard case .mapping(let pairs)? = node?.content else { return [] }
    return pairs.map { ($0.key.scalar ?? "?", $0.value) }
  }

  @Test func marksAreOneBasedAndCountCharacters() throws {
    let (root, d) = read("name: é-zone\nother: [a, b]\n")
    #expect(d.isEmpty)
    let pairs = mapping(root)
    let value = pairs[0].1
    // "é-zone" starts at column 7 and ends (exclusive) at column 13, on line 1.
    #expect(value.range.start.line == 1 && value.range.start.column == 7)
    #expect(value.range.end.column == 13)
    #expect(value.range.start.offset == 6)
    let list = pairs[1].1
    #expect(list.range.start.line == 2 && list.range.start.column == 8)
    guard case .sequence(let items) = list.content else {
      Issue.record("not a list")
      return
    }
    #expect(items.map { $0.range.start.column } == [9, 12])
  }

  @Test func plainAndQuotedScalarsAreDistinguished() {
    let (root, _) = read("a: no\nb: \"no\"\nc: !!str 5\n")
    let p = mapping(root)
    guard case .scalar("no", let plainA) = p[0].1.content, case .scalar("no", let plainB) = p[1].1.content,
      case .scalar("5", let plainC) = p[2].1.content
    else {
      Issue.record("unexpected content")
      return
    }
    #expect(plainA && !plainB && !plainC)
  }

  @Test func nullIsThePlainSpellingsYAMLReadsAsNull() {
    // The core schema's nulls (empty, ~, null, Null, NULL), and only when plain.
    let (root, d) = read(
      "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: nULL\ng: \"null\"\nh: '~'\ni: nil\nj: !!str null\n")
    #expect(d.isEmpty)
    let values = mapping(root).map(\.1)
    #expect(values.map(\.isNull) == [true, true, true, true, true, false, false, false, false, false])
    #expect(
      values.map(\.kindDescription) == Array(repeating: "null", count: 5) + Array(repeating: "a scalar", count: 5))
    // A null keeps its text, as YAML wrote it.
    #expect(values.prefix(5).map(\.scalar) == ["", "~", "null", "Null", "NULL"])
  }

  @Test func anAliasUsedTwiceIsTheAnchoredMappingBothTimes() {
    let (root, d) = read("base: &b {host: h1, rack: r1}\nx: *b\ny: [*b, *b]\n")
    #expect(d.isEmpty)
    let top = mapping(root)
    guard case .sequence(let items) = top[2].1.content else {
      Issue.record("not a list")
      return
    }
    for node in [top[1].1, items[0], items[1]] {
      #expect(mapping(node).map { "\($0.0)=\($0.1.scalar ?? "")" } == ["host=h1", "rack=r1"])
      // The range is the anchored node's, on line 1.
      #expect(node.range == top[0].1.range)
    }
  }

  @Test func aliasesResolveToTheAnchoredNode() {
    let (root, d) = read("base: &b [x, y]\ncopy: *b\n")
    #expect(d.isEmpty)
    guard case .sequence(let items) = mapping(root)[1].1.content else {
      Issue.record("alias did not resolve to a list")
      return
    }
    #expect(items.compactMap(\.scalar) == ["x", "y"])
  }

  @Test func mergeKeysAddMissingKeysAndExplicitKeysWin() {
    let (root, d) = read(
      """
      defaults: &d { host: h1, rack: r1 }
      m:
        <<: *d
        rack: r2
      """)
    #expect(d.isEmpty)
    let m = mapping(mapping(root)[1].1)
    #expect(m.map(\.0) == ["rack", "host"])
    #expect(m.first { $0.0 == "rack" }?.1.scalar == "r2")
    #expect(m.first { $0.0 == "host" }?.1.scalar == "h1")
  }

  @Test func mergeOfAListOfMappingsTakesTheFirstValue() {
    let (root, d) = read("a: &a {k: 1}\nb: &b {k: 2, j: 3}\nc:\n  <<: [*a, *b]\n")
    #expect(d.isEmpty)
    let c = mapping(mapping(root)[2].1)
    #expect(c.map { "\($0.0)=\($0.1.scalar ?? "")" } == ["k=1", "j=3"])
  }

  @Test func duplicateKeysAreReportedAtAnyDepthWithTheFirstPlace() {
    let (root, d) = read("a:\n  b:\n    c: 1\n    c: 2\n")
    #expect(d.map(\.code) == ["Y003"])
    #expect(d.first?.range.start.line == 4)
    #expect(d.first?.range.start.column == 5)
    #expect(d.first?.related.first?.range.start.line == 3)
    // Not fatal: the tree is kept, first key wins.
    #expect(root != nil)
  }

  /// Small mappings compare keys, large ones hash them: both report each repeat at its place,
  /// point at the first, and keep the first value, whatever the mapping's size.
  @Test(arguments: [3, 8, 9, 40])
  func duplicatesInSmallAndLargeMappingsAreReportedAlike(size: Int) {
    var lines = (0..<size).map { "k\($0): \($0)" }
    lines.append("k1: again")
    lines.append("k\(size - 1): again")
    let (root, d) = read(lines.joined(separator: "\n") + "\n")
    #expect(d.map(\.code) == ["Y003", "Y003"])
    #expect(d.map(\.range.start.line) == [size + 1, size + 2])
    #expect(d.compactMap(\.related.first?.range.start.line) == [2, size])
    let kept = mapping(root)
    #expect(kept.count == size)
    #expect(kept.map(\.0) == (0..<size).map { "k\($0)" })
    #expect(kept[1].1.scalar == "1")
  }

  @Test func mergedKeysDoNotCountAsDuplicates() {
    let (_, d) = read("x: &x {k: 1}\ny: {<<: *x, k: 2}\n")
    #expect(d.isEmpty)
  }

  @Test func multipleDocumentsAreRejected() {
    let (_, d) = read("a: 1\n---\nb: 2\n")
    #expect(d.map(\.code) == ["Y004"])
    #expect(d.first?.range.start.line == 2)
  }

  @Test func unknownTagsAreRejected() {
    let (_, d) = read("a: !vault secret\n")
    #expect(d.map(\.code) == ["Y005"])
    #expect(d.first?.range.start.column == 4)
  }

  @Test func undefinedAndSelfReferentialAliasesAreRejected() {
    #expect(read("a: *nope\n").1.map(\.code) == ["Y006"])
    // An anchor is defined only once its node is complete, so a cycle cannot be built.
    #expect(read("a: &x [*x]\n").1.map(\.code) == ["Y006"])
  }

  @Test func syntaxErrorsCarryLibyamlsContext() {
    let (_, d) = read("a: [1, 2\nb: 3\n")
    #expect(d.map(\.code) == ["Y001"])
    #expect(d.first?.related.first?.message == "while parsing a flow sequence")
    #expect(d.first?.related.first?.range.start.column == 4)
  }

  @Test func tabIndentationGetsAHelpfulHint() {
    let (_, d) = read("a:\n\tb: 1\n")
    #expect(d.first?.code == "Y001")
    #expect(d.first?.help?.contains("spaces") == true)
  }

  @Test func invalidUTF8IsReportedAtItsByte() {
    let r = YAMLReader.read(SourceFile(path: "t", bytes: Array("a: caf".utf8) + [0xFF] + Array("\n".utf8)))
    #expect(r.diagnostics.map(\.code) == ["Y002"])
    #expect(r.diagnostics.first?.range.start.column == 7)
  }

  @Test func utf16IsRejected() {
    let r = YAMLReader.read(SourceFile(path: "t", bytes: [0xFF, 0xFE, 0x61, 0x00]))
    #expect(r.diagnostics.map(\.code) == ["Y002"])
  }

  @Test func emptyFilesAndCommentOnlyFilesHaveNoDocument() {
    #expect(read("").1.map(\.code) == ["Y010"])
    #expect(read("# just a comment\n").1.map(\.code) == ["Y010"])
  }

  @Test func aliasBombStopsAtTheNodeLimit() {
    // Nine levels of ten aliases each would expand to 10^9 nodes.
    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in 1...9 {
      text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
    }
    let (root, d) = read(text)
    #expect(root == nil)
    #expect(d.map(\.code) == ["Y009"])
  }

  @Test func deepNestingStopsAtTheDepthLimitWithoutRecursion() {
    let deep = "a: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    let (_, d) = read(deep)
    #expect(d.map(\.code) == ["Y008"])
    let blockDeep = (0..<200).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n")
    #expect(read(blockDeep).1.map(\.code) == ["Y008"])
  }

  @Test func limitsAreConfigurable() {
    let small = YAMLLimits(maxBytes: 12, maxDepth: 2, maxNodes: 5)
    #expect(
      YAMLReader.read(SourceFile(path: "t", text: "a: 1234567890123"), limits: small).diagnostics.map(\.code) == [
        "Y007"
      ])
    #expect(YAMLReader.read(SourceFile(path: "t", text: "[[[1]]]"), limits: small).diagnostics.map(\.code) == ["Y008"])
    #expect(
      YAMLReader.read(SourceFile(path: "t", text: "[1,2,3,4,5]"), limits: small).diagnostics.map(\.code) == ["Y009"])
  }
}
