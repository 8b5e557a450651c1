/// A line diff in the unified format, for `emit --check`.
public enum TextDiff {
  /// A unified diff of `old` against `new` with `context` lines around each change, or "" when
  /// equal. Longest common subsequence over lines: config files are small.
  public static func unified(old: String, new: String, path: String, context: Int = 2) -> String {
    guard old != new else { return "" }
    let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    // lcs[i][j] = length of the LCS of a[i...] and b[j...].
    var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
      }
    }
    enum Op {
      case same(String)
      case del(String)
      case add(String)
    }
    var ops: [Op] = []
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
      if i < a.count, j < b.count, a[i] == b[j] {
        ops.append(.same(a[i]))
        i += 1
        j += 1
      } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
        ops.append(.del(a[i]))
        i += 1
      } else {
        ops.append(.add(b[j]))
        j += 1
      }
    }
    let changed = ops.indices.filter { if case .same = ops[$0] { return false } else { return true } }
    var out = "--- \(path) (on disk)\n+++ \(path) (from the topology)\n"
    var shown = Set<Int>()
    for c in changed { for k in max(0, c - context)...min(ops.count - 1, c + context) { shown.insert(k) } }
    // Hunks of consecutive shown operations, each with its `@@ -a,b +c,d @@` header, so
    // `patch` applies the output.
    let sorted = shown.sorted()
    var hunks: [[Int]] = []
    for k in sorted {
      if let last = hunks.last?.last, k == last + 1 { hunks[hunks.count - 1].append(k) } else { hunks.append([k]) }
    }
    // Line numbers (1-based) in old and new before each operation.
    var oldLine = [Int](repeating: 0, count: ops.count + 1)
    var newLine = [Int](repeating: 0, count: ops.count + 1)
    var (o, n) = (1, 1)
    for (k, op) in ops.enumerated() {
      oldLine[k] = o
      newLine[k] = n
      switch op {
      case .same: (o, n) = (o + 1, n + 1)
      case .del: o += 1
      case .add: n += 1
      }
    }
    for hunk in hunks {
      var oldCount = 0
      var newCount = 0
      var body = ""
      for k in hunk {
        switch ops[k] {
        case .same(let s):
          body += " \(s)\n"
          oldCount += 1
          newCount += 1
        case .del(let s):
          body += "-\(s)\n"
          oldCount += 1
        case .add(let s):
          body += "+\(s)\n"
          newCount += 1
        }
      }
      let oldStart = oldCount == 0 ? oldLine[hunk[0]] - 1 : oldLine[hunk[0]]
      let newStart = newCount == 0 ? newLine[hunk[0]] - 1 : newLine[hunk[0]]
      out += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n" + body
    }
    return out
  }
}
