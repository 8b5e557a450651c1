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
    var last = -2
    for k in shown.sorted() {
      if k != last + 1 { out += "@@\n" }
      switch ops[k] {
      case .same(let s): out += " \(s)\n"
      case .del(let s): out += "-\(s)\n"
      case .add(let s): out += "+\(s)\n"
      }
      last = k
    }
    return out
  }
}
