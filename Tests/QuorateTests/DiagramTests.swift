import Foundation
import Testing

/// `diagram` (SVG, DOT, Mermaid; topology and survival views) and `report --format html`,
/// checked with real renderers: an XML parser, rsvg-convert, graphviz, headless Chromium.
@Suite(.serialized) struct DiagramTests {
  static let topologies: [String] = {
    let dir = packageRoot.appendingPathComponent("topologies")
    return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".yaml") }
      .sorted()
  }()

  let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("quorate-diagram-\(getpid())")

  /// PNG width and height from its IHDR chunk.
  func pngSize(_ url: URL) throws -> (Int, Int) {
    let d = [UInt8](try Data(contentsOf: url))
    try #require(d.count > 24 && d[1] == 0x50 && d[2] == 0x4E && d[3] == 0x47, "not a PNG")
    func be(_ i: Int) -> Int { Int(d[i]) << 24 | Int(d[i + 1]) << 16 | Int(d[i + 2]) << 8 | Int(d[i + 3]) }
    return (be(16), be(20))
  }

  @Test(arguments: topologies)
  func svgIsWellFormedRendersAndNamesEverything(file: String) throws {
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    for view in ["topology", "survival"] {
      let r = try quorate("diagram", "topologies/\(file)", "--view", view)
      #expect(r.status == 0, "\(r.stderr)")
      let again = try quorate("diagram", "topologies/\(file)", "--view", view)
      #expect(again.stdout == r.stdout, "deterministic bytes")
      let svg = scratch.appendingPathComponent("\(file)-\(view).svg")
      try r.stdout.write(to: svg, atomically: true, encoding: .utf8)
      let parse = try runProcess(
        "/usr/bin/python3", ["-c", "import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])", svg.path])
      #expect(parse.status == 0, "\(file) \(view) is not well-formed XML: \(parse.stderr)")
      let png = scratch.appendingPathComponent("\(file)-\(view).png")
      let render = try runProcess("/usr/bin/rsvg-convert", [svg.path, "-o", png.path])
      #expect(render.status == 0, "\(render.stderr)")
      let (w, h) = try pngSize(png)
      #expect(w >= 400 && h >= 200 && w <= 6000 && h <= 12000, "\(file) \(view): \(w)x\(h)")
    }
    let topology = try quorate("diagram", "topologies/\(file)").stdout
    let yaml = try String(contentsOf: packageRoot.appendingPathComponent("topologies/\(file)"), encoding: .utf8)
    // Every datacenter, machine, ensemble and app name is drawn (names are XML-safe).
    let declared = yaml.split(separator: "\n").compactMap { line -> String? in
      let trimmed = line.drop { $0 == " " }
      guard let colon = trimmed.firstIndex(of: ":"), !trimmed.hasPrefix("#"), !trimmed.hasPrefix("-") else {
        return nil
      }
      let key = String(trimmed[..<colon])
      let keywords: Set<String> = [
        "quorate", "name", "defaults", "zookeeper", "client", "availability", "datacenters", "machines", "host", "rack",
        "region", "links", "between", "rtt", "ensembles", "voters", "observers", "quorum", "groups", "weights", "ids",
        "chroot", "apps", "datacenter", "registry", "registries", "sessionTimeout", "connect", "clientPort",
        "quorumPort", "electionPort", "tickTime", "initLimit", "syncLimit", "minSessionTimeout", "maxSessionTimeout",
        "machine", "snapRetainCount", "purgeInterval", "dubbo", "version", "zookeeperClient",
      ]
      return keywords.contains(key) || key.contains(" ") || key.isEmpty ? nil : key
    }
    for n in declared {
      #expect(
        topology.contains(">\(n)") || topology.contains(" \(n)") || topology.contains("(\(n))"),
        "\(file): '\(n)' is not drawn")
    }
  }

  @Test func dotRendersWithGraphvizAndMermaidHasItsShape() throws {
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    for file in Self.topologies {
      let dot = try quorate("diagram", "topologies/\(file)", "--format", "dot")
      #expect(dot.status == 0)
      let path = scratch.appendingPathComponent("\(file).dot")
      try dot.stdout.write(to: path, atomically: true, encoding: .utf8)
      let graphviz = try runProcess("/usr/bin/dot", ["-Tsvg", path.path, "-o", path.path + ".svg"])
      #expect(graphviz.status == 0, "\(file): \(graphviz.stderr)")
      let mermaid = try quorate("diagram", "topologies/\(file)", "--format", "mermaid").stdout
      let lines = mermaid.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      #expect(lines.first == "flowchart LR")
      #expect(lines.filter { $0.hasPrefix("subgraph ") }.count == lines.filter { $0 == "end" }.count)
    }
    #expect(
      try quorate("diagram", "topologies/payments-prod.yaml", "--view", "survival", "--format", "dot").status == 2)
  }

  @Test func htmlReportIsSelfContainedWellFormedAndRendersInChromium() throws {
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let r = try quorate("report", "topologies/payments-prod.yaml", "--format", "html")
    #expect(r.status == 0)
    let html = r.stdout
    #expect(!html.contains("<script") && !html.contains("<link") && !html.contains(" src="))
    let external = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
    #expect(!external.contains("http://") && !external.contains("https://"), "external references")
    for section in [
      "Check", "Topology", "Ensembles", "Survival matrix", "Shared or independent, per site", "Connect strings",
    ] {
      #expect(html.contains("<h2>\(section)"), "\(section)")
    }
    let page = scratch.appendingPathComponent("report.html")
    try html.write(to: page, atomically: true, encoding: .utf8)
    let balanced = """
      import sys, html.parser
      VOID = {'meta','br','img','link','input','hr','circle','rect','line','path','ellipse','polygon'}
      class P(html.parser.HTMLParser):
          def __init__(s): super().__init__(); s.stack = []; s.bad = []
          def handle_starttag(s, t, a):
              if t not in VOID: s.stack.append(t)
          def handle_endtag(s, t):
              if t in VOID: return
              if s.stack and s.stack[-1] == t: s.stack.pop()
              else: s.bad.append(t)
      p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
      sys.exit(1 if p.stack or p.bad else 0)
      """
    #expect(try runProcess("/usr/bin/python3", ["-c", balanced, page.path]).status == 0, "HTML is not balanced")
    for (name, width) in [("desktop", 1280), ("phone", 390)] {
      let shot = scratch.appendingPathComponent("\(name).png")
      let chromium = try runProcess(
        "/usr/bin/chromium",
        [
          "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=\(width),2000",
          "--screenshot=\(shot.path)", page.absoluteString,
        ])
      #expect(FileManager.default.fileExists(atPath: shot.path), "\(name): \(chromium.stderr.suffix(400))")
      let (w, _) = try pngSize(shot)
      #expect(w == width)
      // Not blank: a blank page compresses to a few kilobytes.
      let size = (try FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
      #expect(size > 40_000, "\(name) screenshot looks blank (\(size) bytes)")
    }
  }
}

@Suite struct InstallAndReadmeTests {
  /// The README shows docs/payments-prod.svg: it must be what quorate draws now (`make docs`).
  @Test func readmeDiagramIsFresh() throws {
    let committed = try String(
      contentsOf: packageRoot.appendingPathComponent("docs/payments-prod.svg"), encoding: .utf8)
    #expect(try quorate("diagram", "topologies/payments-prod.yaml").stdout == committed, "run `make docs`")
    let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(readme.contains("](docs/payments-prod.svg)"))
  }

  /// `make install` installs these completion scripts; each knows every command.
  @Test(arguments: ["bash", "zsh", "fish"])
  func completionScriptsKnowEveryCommand(shell: String) throws {
    let r = try quorate("--generate-completion-script", shell)
    #expect(r.status == 0)
    for command in [
      "check", "analyze", "compare", "what-if", "matrix", "connect", "emit", "report", "plan", "diagram", "import",
      "probe", "explain",
    ] {
      #expect(r.stdout.contains(command), "\(shell) completion lacks \(command)")
    }
  }

  /// Every command's --help has examples or says what it prints.
  @Test func helpOfEveryCommandHasExamples() throws {
    for command in [
      "check", "analyze", "compare", "what-if", "matrix", "connect", "emit", "report", "plan", "diagram", "import",
      "probe", "explain",
    ] {
      let help = try quorate(command, "--help").stdout
      #expect(help.contains("Examples:") && help.contains("quorate \(command) "), "\(command)")
    }
  }
}
