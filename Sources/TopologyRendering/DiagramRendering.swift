public import TopologyAnalysis
import TopologyDiagnostics
public import TopologyModel

/// Pictures of a topology, drawn by quorate itself (no graphviz at run time): datacenters as
/// boxes with their racks and machines, each machine marked per ensemble (voter: filled,
/// observer: hollow), links with their round-trip time, apps with their registries in order;
/// and the survival matrix as a grid of cells that reads in black and white too.
/// Every output is deterministic: the same topology gives the same bytes.
public enum DiagramRendering {
  /// Colours for ensembles, distinguishable and printable; cycled past the end.
  static let palette = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
  ]

  static func color(_ e: Int) -> String { palette[e % palette.count] }

  /// Text escaped for XML.
  static func xml(_ s: String) -> String {
    var out = ""
    for ch in s.unicodeScalars {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default:
        // XML 1.0 forbids most control characters even escaped.
        if ch.value < 0x20 && ch != "\n" && ch != "\t" { out += "?" } else { out.unicodeScalars.append(ch) }
      }
    }
    return out
  }

  /// A number for SVG attributes, without a trailing `.0`.
  static func n(_ v: Double) -> String {
    if v == v.rounded() { return String(Int(v)) }
    let tenths = Int((v * 10).rounded())
    return "\(tenths / 10).\(abs(tenths % 10))"
  }

  // MARK: Topology as SVG

  struct Box {
    let datacenter: Int
    let x: Double
    let y: Double
    let width: Double
    let height: Double
  }

  /// The machines of a datacenter grouped by rack (no rack last), in declaration order.
  static func racks(_ d: Int, _ t: ValidatedTopology) -> [(rack: String?, machines: [Int])] {
    var order: [String?] = []
    var groups: [String?: [Int]] = [:]
    for m in t.datacenters[d].machines {
      let r = t.machines[m].rack
      if groups[r] == nil { order.append(r) }
      groups[r, default: []].append(m)
    }
    order.sort { ($0 == nil ? 1 : 0, $0 ?? "") < ($1 == nil ? 1 : 0, $1 ?? "") }
    return order.map { ($0, groups[$0] ?? []) }
  }

  /// Where the line from a box's centre toward another box's centre leaves the first box.
  static func edgePoint(from a: Box, toward b: Box) -> (Double, Double) {
    let (cx, cy) = (a.x + a.width / 2, a.y + a.height / 2)
    let (dx, dy) = (b.x + b.width / 2 - cx, b.y + b.height / 2 - cy)
    guard dx != 0 || dy != 0 else { return (cx, cy) }
    let sx = dx == 0 ? Double.infinity : (a.width / 2) / abs(dx)
    let sy = dy == 0 ? Double.infinity : (a.height / 2) / abs(dy)
    let k = min(sx, sy)
    return (cx + dx * k, cy + dy * k)
  }

  /// `svg` of the topology view.
  public static func topologySVG(_ t: ValidatedTopology) -> String {
    // Membership per machine: (ensemble, role).
    var roles: [[(Int, Role)]] = Array(repeating: [], count: t.machines.count)
    for (ei, e) in t.ensembles.enumerated() {
      for m in e.members { roles[m.machine].append((ei, m.role)) }
    }
    let rowHeight = 18.0
    let gap = 70.0
    // Wide enough for the longest line in any box (about 7 px a character at 12 px).
    var longest = 30
    for (m, machine) in t.machines.enumerated() {
      longest = max(longest, machine.name.count + 4 + roles[m].count * 3 + (roles[m].isEmpty ? 9 : 0))
    }
    for app in t.apps {
      let registries = app.registries.enumerated().map { "\($0.offset + 1). \(t.ensembles[$0.element].name)" }
      longest = max(longest, app.name.count + 3 + registries.joined(separator: ", ").count)
    }
    for dc in t.datacenters { longest = max(longest, dc.name.count + (dc.region?.count ?? 0) + 4) }
    let boxWidth = min(520, Double(longest) * 7.2 + 30)
    let columns = max(1, min(4, Int(Double(t.datacenters.count).squareRoot().rounded(.up))))
    // Box heights: title, per rack a label and its machines, then apps.
    var heights: [Double] = []
    for d in t.datacenters.indices {
      var h = 34.0
      for r in racks(d, t) { h += (r.rack == nil ? 0 : rowHeight) + Double(r.machines.count) * rowHeight }
      let apps = t.apps.filter { $0.datacenter == d }.count
      if apps > 0 { h += 8 + Double(apps) * rowHeight }
      heights.append(max(h, 60))
    }
    var boxes: [Box] = []
    var y = 70.0
    var rowStart = 0
    while rowStart < t.datacenters.count {
      let row = Array(rowStart..<min(rowStart + columns, t.datacenters.count))
      let height = row.map { heights[$0] }.max() ?? 0
      for (i, d) in row.enumerated() {
        boxes.append(
          Box(datacenter: d, x: 20 + Double(i) * (boxWidth + gap), y: y, width: boxWidth, height: heights[d]))
      }
      y += height + gap
      rowStart += columns
    }
    let legendTop = y - gap + 30
    let legendRows = Double(t.ensembles.count) + 2
    let legendWidth =
      Double(
        ([92] + t.ensembles.map { $0.name.count + 60 }).max() ?? 92) * 7.2 + 40
    let width = max(40 + Double(min(columns, max(1, t.datacenters.count))) * (boxWidth + gap) - gap, legendWidth)
    let height = legendTop + legendRows * rowHeight + 20
    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" \
      viewBox="0 0 \(n(width)) \(n(height))" font-family="DejaVu Sans, Verdana, sans-serif" font-size="12">
      <title>\(xml("Topology '\(t.name)'"))</title>
      <rect width="100%" height="100%" fill="#ffffff"/>
      <text x="20" y="30" font-size="18" font-weight="bold">\(xml("Topology '\(t.name)'"))</text>
      <text x="20" y="50" fill="#555555">\(xml("\(AnalysisWording.count(t.datacenters.count, "datacenter")), \(AnalysisWording.count(t.machines.count, "machine")), \(AnalysisWording.count(t.ensembles.count, "ensemble")), \(AnalysisWording.count(t.apps.count, "app"))"))</text>

      """
    // Links first, under the boxes: centre to centre, labelled with the round-trip time.
    for a in t.datacenters.indices {
      for b in t.datacenters.indices where b > a {
        guard let rtt = t.rtt[a, b], let ba = boxes.first(where: { $0.datacenter == a }),
          let bb = boxes.first(where: { $0.datacenter == b })
        else { continue }
        let (x1, y1) = edgePoint(from: ba, toward: bb)
        let (x2, y2) = edgePoint(from: bb, toward: ba)
        out +=
          "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"#999999\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n"
        out +=
          "<text x=\"\(n((x1 + x2) / 2))\" y=\"\(n((y1 + y2) / 2 - 4))\" text-anchor=\"middle\" fill=\"#444444\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\(xml("rtt " + Duration.format(milliseconds: rtt)))</text>\n"
      }
    }
    for box in boxes {
      let d = box.datacenter
      let dc = t.datacenters[d]
      out +=
        "<g class=\"datacenter\"><rect x=\"\(n(box.x))\" y=\"\(n(box.y))\" width=\"\(n(box.width))\" height=\"\(n(box.height))\" rx=\"8\" fill=\"#f7f7f7\" stroke=\"#333333\" stroke-width=\"1.5\"/>\n"
      out +=
        "<text x=\"\(n(box.x + 10))\" y=\"\(n(box.y + 22))\" font-size=\"14\" font-weight=\"bold\">\(xml(dc.name + (dc.region.map { " (\($0))" } ?? "")))</text>\n"
      var yy = box.y + 34
      for r in racks(d, t) {
        if let rack = r.rack {
          out +=
            "<rect x=\"\(n(box.x + 6))\" y=\"\(n(yy + 2))\" width=\"\(n(box.width - 12))\" height=\"\(n(Double(r.machines.count + 1) * rowHeight))\" rx=\"4\" fill=\"none\" stroke=\"#bbbbbb\" stroke-dasharray=\"3 2\"/>\n"
          out +=
            "<text x=\"\(n(box.x + 12))\" y=\"\(n(yy + 14))\" fill=\"#666666\" font-style=\"italic\">\(xml("rack \(rack)"))</text>\n"
          yy += rowHeight
        }
        for m in r.machines {
          let machine = t.machines[m]
          let used = !roles[m].isEmpty
          out +=
            "<text x=\"\(n(box.x + 14))\" y=\"\(n(yy + 13))\"\(used ? "" : " fill=\"#999999\"")>\(xml(machine.name + (used ? "" : " (unused)")))</text>\n"
          // One marker per ensemble: filled circle for a voter, ring for an observer, with the
          // ensemble's number inside so it reads without colour.
          for (k, (ei, role)) in roles[m].enumerated() {
            let cx = box.x + box.width - 16 - Double(roles[m].count - 1 - k) * 22
            let cy = yy + 9
            let c = color(ei)
            out +=
              role == .voter
              ? "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"8\" fill=\"\(c)\"/><text x=\"\(n(cx))\" y=\"\(n(cy + 4))\" text-anchor=\"middle\" font-size=\"10\" fill=\"#ffffff\">\(ei + 1)</text>\n"
              : "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"7\" fill=\"#ffffff\" stroke=\"\(c)\" stroke-width=\"2.5\"/><text x=\"\(n(cx))\" y=\"\(n(cy + 4))\" text-anchor=\"middle\" font-size=\"10\" fill=\"\(c)\">\(ei + 1)</text>\n"
          }
          yy += rowHeight
        }
      }
      let apps = t.apps.filter { $0.datacenter == d }
      if !apps.isEmpty {
        yy += 8
        out +=
          "<line x1=\"\(n(box.x + 6))\" y1=\"\(n(yy - 4))\" x2=\"\(n(box.x + box.width - 6))\" y2=\"\(n(yy - 4))\" stroke=\"#cccccc\"/>\n"
        for app in apps {
          let registries = app.registries.enumerated().map { "\($0.offset + 1). \(t.ensembles[$0.element].name)" }
          out +=
            "<text x=\"\(n(box.x + 14))\" y=\"\(n(yy + 13))\"><tspan font-weight=\"bold\">\(xml(app.name))</tspan> \(xml("→ " + registries.joined(separator: ", ")))</text>\n"
          yy += rowHeight
        }
      }
      out += "</g>\n"
    }
    // Legend: ensembles with colour, number, rule and placement.
    var ly = legendTop
    out += "<text x=\"20\" y=\"\(n(ly))\" font-weight=\"bold\">Ensembles</text>\n"
    ly += rowHeight
    for (ei, e) in t.ensembles.enumerated() {
      let perDC = t.datacenters.indices.compactMap { d -> String? in
        let k = e.voters.filter { t.machines[$0.machine].datacenter == d }.count
        return k > 0 ? "\(t.datacenters[d].name) \(k)" : nil
      }
      out +=
        "<circle cx=\"28\" cy=\"\(n(ly - 4))\" r=\"8\" fill=\"\(color(ei))\"/><text x=\"28\" y=\"\(n(ly))\" text-anchor=\"middle\" font-size=\"10\" fill=\"#ffffff\">\(ei + 1)</text>"
      out +=
        "<text x=\"44\" y=\"\(n(ly))\">\(xml("\(e.name): \(e.quorum.rawValue), \(AnalysisWording.count(e.voters.count, "voter")) (\(perDC.joined(separator: " + "))), \(AnalysisWording.count(e.observers.count, "observer"))"))</text>\n"
      ly += rowHeight
    }
    out +=
      "<text x=\"20\" y=\"\(n(ly + 4))\" fill=\"#555555\">filled circle: voter; ring: observer; grey machine: in no ensemble; app → registries in preference order</text>\n"
    out += "</svg>\n"
    return out
  }

  // MARK: Topology as DOT and Mermaid

  /// An identifier safe in DOT and Mermaid.
  static func id(_ prefix: String, _ i: Int) -> String { "\(prefix)\(i)" }

  /// `dot`: clusters for datacenters and racks, machine and ensemble nodes, membership edges
  /// (dashed for observers), app nodes with numbered edges to their registries, links.
  public static func topologyDOT(_ t: ValidatedTopology) -> String {
    func q(_ s: String) -> String { "\"" + s.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"") + "\"" }
    var out =
      "digraph \(q(t.name)) {\n  graph [compound=true, rankdir=LR, fontname=\"Helvetica\", label=\(q("Topology '\(t.name)'"))];\n"
    out += "  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=10];\n"
    for d in t.datacenters.indices {
      out += "  subgraph cluster_\(d) {\n    label=\(q(t.datacenters[d].name));\n    style=rounded;\n"
      for r in racks(d, t) {
        if let rack = r.rack {
          out +=
            "    subgraph cluster_\(d)_\(r.machines[0]) {\n      label=\(q("rack \(rack)"));\n      style=dashed;\n"
          for m in r.machines { out += "      \(id("m", m)) [label=\(q(t.machines[m].name)), shape=box];\n" }
          out += "    }\n"
        } else {
          for m in r.machines { out += "    \(id("m", m)) [label=\(q(t.machines[m].name)), shape=box];\n" }
        }
      }
      for (ai, app) in t.apps.enumerated() where app.datacenter == d {
        out += "    \(id("a", ai)) [label=\(q(app.name)), shape=component];\n"
      }
      out += "  }\n"
    }
    for (ei, e) in t.ensembles.enumerated() {
      out +=
        "  \(id("e", ei)) [label=\(q("\(e.name)\n\(e.quorum.rawValue), \(e.voters.count) voters")), shape=ellipse, style=filled, fillcolor=\(q(color(ei))), fontcolor=white];\n"
      for m in e.members {
        out +=
          "  \(id("e", ei)) -> \(id("m", m.machine)) [color=\(q(color(ei)))\(m.role == .observer ? ", style=dashed, label=\"observer\"" : "")];\n"
      }
    }
    for (ai, app) in t.apps.enumerated() {
      for (k, ei) in app.registries.enumerated() {
        out += "  \(id("a", ai)) -> \(id("e", ei)) [label=\(q("\(k + 1)")), penwidth=\(k == 0 ? 2 : 1)];\n"
      }
    }
    for a in t.datacenters.indices {
      for b in t.datacenters.indices where b > a {
        guard let rtt = t.rtt[a, b], let ma = t.datacenters[a].machines.first, let mb = t.datacenters[b].machines.first
        else { continue }
        out +=
          "  \(id("m", ma)) -> \(id("m", mb)) [dir=none, style=dotted, ltail=cluster_\(a), lhead=cluster_\(b), label=\(q("rtt " + Duration.format(milliseconds: rtt))), constraint=false];\n"
      }
    }
    out += "}\n"
    return out
  }

  /// `mermaid`: a flowchart with a subgraph per datacenter.
  public static func topologyMermaid(_ t: ValidatedTopology) -> String {
    func label(_ s: String) -> String { "\"" + s.replacingAll("\"", "#quot;") + "\"" }
    var out = "flowchart LR\n"
    for d in t.datacenters.indices {
      out += "  subgraph \(id("dc", d))[\(label(t.datacenters[d].name))]\n"
      for r in racks(d, t) {
        if let rack = r.rack {
          out += "    subgraph \(id("dc", d))_r\(r.machines[0])[\(label("rack \(rack)"))]\n"
          for m in r.machines { out += "      \(id("m", m))[\(label(t.machines[m].name))]\n" }
          out += "    end\n"
        } else {
          for m in r.machines { out += "    \(id("m", m))[\(label(t.machines[m].name))]\n" }
        }
      }
      for (ai, app) in t.apps.enumerated() where app.datacenter == d {
        out += "    \(id("a", ai))[[\(label(app.name))]]\n"
      }
      out += "  end\n"
    }
    for (ei, e) in t.ensembles.enumerated() {
      out += "  \(id("e", ei))((\(label("\(e.name): \(e.quorum.rawValue)"))))\n"
      for m in e.members { out += "  \(id("e", ei)) \(m.role == .voter ? "---" : "-.-") \(id("m", m.machine))\n" }
      out += "  style \(id("e", ei)) fill:\(color(ei)),color:#ffffff\n"
    }
    for (ai, app) in t.apps.enumerated() {
      for (k, ei) in app.registries.enumerated() { out += "  \(id("a", ai)) -->|\(k + 1)| \(id("e", ei))\n" }
    }
    for a in t.datacenters.indices {
      for b in t.datacenters.indices where b > a {
        guard let rtt = t.rtt[a, b] else { continue }
        out += "  \(id("dc", a)) -.-|\(label("rtt " + Duration.format(milliseconds: rtt)))| \(id("dc", b))\n"
      }
    }
    return out
  }

  // MARK: Survival matrix as SVG

  /// The most scenarios and columns the survival picture draws. An estate's full grid (2,144
  /// scenarios by 51,000 ensembles and apps) would be a picture of a hundred million cells
  /// that no viewer opens; what is not drawn is counted under the grid, and `matrix` lists it.
  public static let maxSurvivalRows = 200
  public static let maxSurvivalColumns = 40

  /// `svg` of the survival matrix: a row per scenario, a column per ensemble and app; each cell
  /// coloured and labelled (quorum / no quorum; ok / degraded / unavailable / down). At most
  /// ``maxSurvivalRows`` scenarios and ``maxSurvivalColumns`` columns are drawn; the rows are
  /// evaluated as they are read, so only the scenarios drawn are evaluated.
  public static func survivalSVG(_ all: MatrixRows, _ t: ValidatedTopology) -> String {
    let count = all.count
    let rows = Array(all.prefix(maxSurvivalRows))
    let labels = rows.map { AnalysisWording.scenarioLabel($0.scenario, t) }
    let labelWidth = max(120, Double(labels.map(\.count).max() ?? 0) * 7.2 + 20)
    let cellWidth = 104.0
    let cellHeight = 24.0
    let headerHeight = 120.0
    let ensembleColumns = Array(t.ensembles.indices.prefix(maxSurvivalColumns))
    let appColumns = Array(t.apps.indices.prefix(maxSurvivalColumns - ensembleColumns.count))
    let columns =
      ensembleColumns.map { "ensemble \(t.ensembles[$0].name)" }
      + appColumns.map { "\(t.apps[$0].name) (\(t.datacenters[t.apps[$0].datacenter].name))" }
    let hiddenRows = count - rows.count
    let hiddenColumns = t.ensembles.count + t.apps.count - columns.count
    let omitted = hiddenRows > 0 || hiddenColumns > 0
    // Room on the right for the slanted headers, and for the key (and what is not drawn) below.
    let width = max(labelWidth + Double(columns.count) * cellWidth + 130, 800)
    let height = headerHeight + Double(rows.count) * cellHeight + 70 + (omitted ? 18 : 0)
    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" \
      viewBox="0 0 \(n(width)) \(n(height))" font-family="DejaVu Sans, Verdana, sans-serif" font-size="12">
      <title>\(xml("Survival matrix of '\(t.name)'"))</title>
      <rect width="100%" height="100%" fill="#ffffff"/>
      <text x="10" y="24" font-size="16" font-weight="bold">\(xml("Survival matrix of '\(t.name)'"))</text>

      """
    for (i, c) in columns.enumerated() {
      let x = labelWidth + Double(i) * cellWidth + cellWidth / 2
      out +=
        "<text x=\"\(n(x))\" y=\"\(n(headerHeight - 8))\" transform=\"rotate(-35 \(n(x)) \(n(headerHeight - 8)))\">\(xml(c))</text>\n"
    }
    func cell(_ x: Double, _ y: Double, _ fill: String, _ text: String, bold: Bool) -> String {
      "<rect x=\"\(n(x + 1))\" y=\"\(n(y + 1))\" width=\"\(n(cellWidth - 2))\" height=\"\(n(cellHeight - 2))\" fill=\"\(fill)\" stroke=\"#ffffff\"/>"
        + "<text x=\"\(n(x + cellWidth / 2))\" y=\"\(n(y + 16))\" text-anchor=\"middle\"\(bold ? " font-weight=\"bold\"" : "")>\(xml(text))</text>\n"
    }
    for (r, row) in rows.enumerated() {
      let y = headerHeight + Double(r) * cellHeight
      out += "<text x=\"10\" y=\"\(n(y + 16))\">\(xml(labels[r]))</text>\n"
      var x = labelWidth
      for e in ensembleColumns {
        let o = row.ensembles[e]
        let side = o.quorumSide.map { row.scenario.isPartitioned ? ($0 == 0 ? " (rest)" : " (side \($0))") : "" } ?? ""
        let text = o.quorum ? "quorum" + side : "NO QUORUM"
        out += cell(x, y, o.quorum ? "#c7e9c0" : "#fcbba1", text, bold: !o.quorum)
        x += cellWidth
      }
      for a in appColumns {
        let o = row.apps[a]
        let (fill, text): (String, String) =
          switch o.status {
          case .ok: ("#c7e9c0", "ok")
          case .degraded: ("#fee391", "DEGRADED")
          case .unavailable: ("#fcbba1", "UNAVAILABLE")
          case .down: ("#d9d9d9", "down")
          }
        out += cell(
          x, y, fill, text + (o.sessionExpiryRisk ? " !" : ""), bold: o.status == .degraded || o.status == .unavailable)
        x += cellWidth
      }
    }
    if omitted {
      let scenarios =
        hiddenRows > 0
        ? "the first \(rows.count) of \(AnalysisWording.count(count, "scenario"))"
        : AnalysisWording.count(count, "scenario")
      let shown =
        hiddenColumns > 0
        ? "the first \(columns.count) of \(t.ensembles.count + t.apps.count) columns (\(AnalysisWording.count(t.ensembles.count, "ensemble")), then \(AnalysisWording.count(t.apps.count, "app")))"
        : "every ensemble and app"
      out +=
        "<text x=\"10\" y=\"\(n(height - 54))\" fill=\"#555555\">\(xml("Drawn: \(scenarios), \(shown); quorate matrix --format json lists every one."))</text>\n"
    }
    out +=
      "<text x=\"10\" y=\"\(n(height - 36))\" fill=\"#555555\">\(xml("green: quorum / ok; yellow: degraded (a later registry); red: no quorum / unavailable;"))</text>\n"
    out +=
      "<text x=\"10\" y=\"\(n(height - 18))\" fill=\"#555555\">\(xml("grey: the app's own datacenter is down; !: clients risk SESSION_EXPIRED while they fail over; side 1: the cut-off datacenter"))</text>\n"
    out += "</svg>\n"
    return out
  }
}
