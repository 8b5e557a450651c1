public import TopologyDiagnostics
public import TopologyYAML

/// Checks a ``Topology`` against every rule and, when no error is found, resolves it into a
/// ``ValidatedTopology``. Every rule runs, so one call reports every problem.
public enum Validator {
  nonisolated(unsafe) static let rules: [any ValidationRule.Type] = [
    UniqueMachineNames.self, MemberReferences.self, AppReferences.self, LinkReferences.self,
    PortConflicts.self, HierarchicalGroups.self, ServerIds.self, SessionTimeouts.self,
    VoterCount.self, DatacenterSpread.self, LocalConnect.self, DubboReading.self,
  ]

  /// The rules run on the second core, alongside the apps' half of the resolved estate
  /// (positions in ``rules``: the app rule and Dubbo's reading). Together they cost about what
  /// the others do (on an estate of 50,000 apps, callgrind: 0.19 G instructions each side).
  static let secondCoreRules: Set<Int> = [2, 11]

  /// Validates; returns the validated topology when there is no error, and all diagnostics.
  ///
  /// The rules and the resolution of the apps only read the context, so they run on two cores:
  /// the apps are resolved before it is known whether any rule fails, which costs nothing that
  /// is not done anyway when none does (resolving an app reads only names already looked up,
  /// and is safe on any topology). Diagnostics come out in rule order, as if one core ran them.
  public static func validate(_ topology: Topology) -> (ValidatedTopology?, [Diagnostic]) {
    let c = ValidationContext(topology)
    let (mine, (theirs, apps)) = TwoCores.run {
      findings(c, rules: rules.indices.filter { !secondCoreRules.contains($0) })
    } alongside: {
      (findings(c, rules: secondCoreRules.sorted()), resolveApps(c))
    }
    let diagnostics = (mine + theirs).sorted { $0.rule < $1.rule }.flatMap(\.diagnostics)
    guard !diagnostics.hasErrors, let name = topology.name?.value, topology.version != nil else {
      return (nil, diagnostics)
    }
    return (resolve(c, name: name, apps: apps), diagnostics)
  }

  /// What the rules at `positions` in ``rules`` report, each rule's on its own.
  static func findings(_ c: ValidationContext, rules positions: [Int]) -> [(rule: Int, diagnostics: [Diagnostic])] {
    positions.map { i in
      var own = c
      rules[i].check(&own)
      return (i, own.diagnostics)
    }
  }

  /// The apps of the resolved estate: every app whose datacenter is declared, with the
  /// registries it names that are declared.
  static func resolveApps(_ c: ValidationContext) -> [App] {
    // Reserved, not grown by doubling: two copies of the apps at the peak otherwise.
    var apps: [App] = []
    apps.reserveCapacity(c.topology.apps.count)
    // Apps with the same registries share one array: an estate's 50,000 apps name a few
    // thousand lists, and an array each was 3 MB of small allocations at the peak.
    var lists: [[Int]: [Int]] = [:]
    let specs = c.topology.apps
    for i in specs.indices {
      guard let dc = c.appDatacenters[i] else { continue }
      let a = specs[i]
      // A registry or a few, each once: a linear search, no set per app.
      var regs: [Int] = []
      for case let e? in c.registries(ofApp: i) where !regs.contains(e) { regs.append(e) }
      if let shared = lists[regs] { regs = shared } else { lists[regs] = regs }
      var chroot: String?? = nil
      if let own = a.chroot { chroot = .some(own.value == "/" ? nil : own.value) }
      let dubbo = c.dubboProfile(a)
      let declared = c.requestedSessionMs(a)
      apps.append(
        App(
          name: a.name.value, datacenter: dc, registries: regs,
          requestedSessionTimeoutMs: dubbo.requestedSessionMs(declared: declared),
          declaredSessionTimeoutMs: declared, dubbo: dubbo, connect: a.connect?.value ?? .all,
          chroot: chroot, range: a.name.range))
    }
    return apps
  }

  static func resolve(_ c: ValidationContext, name: String, apps: [App]) -> ValidatedTopology {
    let t = c.topology
    var datacenters: [Datacenter] = []
    var machines: [Machine] = []
    var machineIndex: [String: Int] = [:]
    for (d, dc) in t.datacenters.enumerated() {
      var indices: [Int] = []
      for m in dc.machines {
        machineIndex[m.name.value] = machines.count
        indices.append(machines.count)
        machines.append(
          Machine(
            name: m.name.value, datacenter: d, host: m.host?.value ?? "", rack: m.rack?.value,
            availability: m.availability?.value ?? t.machineAvailability?.value,
            range: m.name.range))
      }
      datacenters.append(
        Datacenter(
          name: dc.name.value, region: dc.region,
          availability: dc.availability?.value ?? t.datacenterAvailability?.value,
          machines: indices, range: dc.name.range))
    }
    let ensembles = t.ensembles.map {
      resolveEnsemble($0, c, machines: machines, index: machineIndex, dcs: datacenters)
    }
    var dcIndex: [String: Int] = [:]
    for (i, d) in datacenters.enumerated() { dcIndex[d.name] = i }
    var rtt = RoundTrips(datacenters: datacenters.count)
    for l in t.links {
      guard l.between.count == 2, let r = l.rtt?.value,
        let a = dcIndex[l.between[0].value], let b = dcIndex[l.between[1].value]
      else { continue }
      rtt.set(a, b, r.milliseconds)
    }
    return ValidatedTopology(
      file: t.file, name: name, datacenters: datacenters, machines: machines,
      ensembles: ensembles, apps: apps, rtt: rtt,
      machineAvailability: t.machineAvailability?.value,
      datacenterAvailability: t.datacenterAvailability?.value)
  }

  static func resolveEnsemble(
    _ e: EnsembleSpec, _ c: ValidationContext, machines: [Machine], index: [String: Int],
    dcs: [Datacenter]
  ) -> Ensemble {
    let specs = c.resolvedMembers(e)
    // ids: explicit ones first, then the lowest free ids in list order, voters first.
    var explicit: [String: Int] = [:]
    for (m, id) in e.ids { explicit[m.value] = id.value }
    var used = Set(explicit.values)
    var next = 1
    var ids: [Int] = []
    for (m, _) in specs {
      if let id = explicit[m.name.value] {
        ids.append(id)
        continue
      }
      while used.contains(next) { next += 1 }
      used.insert(next)
      ids.append(next)
    }
    let hierarchical = e.quorum?.value == .hierarchical
    var weights: [String: Int] = [:]
    if hierarchical { for (m, w) in e.weights { weights[m.value] = w.value } }
    // Groups, in group.N order.
    var groupNames: [String] = []
    var groupOf: [String: Int] = [:]
    if hierarchical, let g = e.groups {
      switch g {
      case .byDatacenter, .byRack:
        // Groups in datacenter order (then, by rack, in order of first appearance): the voters
        // sorted by their datacenter's index, never a scan of every datacenter per ensemble.
        let byRack: Bool
        if case .byRack = g { byRack = true } else { byRack = false }
        let voters = specs.indices.filter { specs[$0].1 == .voter }
          .map { (dc: machines[index[specs[$0].0.name.value] ?? 0].datacenter, position: $0) }
          .sorted { ($0.dc, $0.position) < ($1.dc, $1.position) }
        var groupIndex: [String: Int] = [:]
        for v in voters {
          let m = specs[v.position].0
          let key = byRack ? "\(dcs[v.dc].name)/\(m.rack?.value ?? "")" : dcs[v.dc].name
          if groupIndex[key] == nil {
            groupIndex[key] = groupNames.count
            groupNames.append(key)
          }
          groupOf[m.name.value] = groupIndex[key]
        }
      case .explicit(let list, _):
        for (g, members) in list {
          for m in members where groupOf[m.value] == nil { groupOf[m.value] = groupNames.count }
          groupNames.append(g.value)
        }
      }
    }
    var members: [Member] = []
    for (i, (m, role)) in specs.enumerated() {
      let p = c.ports(e, m)
      members.append(
        Member(
          machine: index[m.name.value] ?? 0, id: ids[i], role: role, clientPort: p.client,
          quorumPort: p.quorum, electionPort: p.election,
          weight: role == .voter ? (weights[m.name.value] ?? 1) : 0,
          group: role == .voter ? groupOf[m.name.value] : nil))
    }
    let groups = groupNames.enumerated().map { gi, name in
      QuorumGroup(name: name, members: members.indices.filter { members[$0].group == gi })
    }
    let bounds = c.sessionBoundsMs(e)
    let chroot = e.chroot.flatMap { $0.value == "/" ? nil : $0.value }
    return Ensemble(
      name: e.name.value, members: members, quorum: hierarchical ? .hierarchical : .majority,
      groups: groups, tickTimeMs: c.tickTimeMs(e),
      initLimit: c.setting(e, \.initLimit)?.value ?? 10,
      syncLimit: c.setting(e, \.syncLimit)?.value ?? 5,
      snapRetainCount: c.setting(e, \.snapRetainCount)?.value ?? 3,
      purgeIntervalHours: (c.setting(e, \.purgeInterval)?.value.wholeMilliseconds ?? 86_400_000) / 3_600_000,
      minSessionTimeoutMs: bounds.min,
      maxSessionTimeoutMs: bounds.max, chroot: chroot, range: e.name.range)
  }
}

/// Reading, decoding and validating one file: the first half of every command.
public enum TopologyLoader {
  /// The outcome of loading one file.
  public struct Result: Sendable {
    /// The file as read (for snippets).
    public let source: SourceFile
    /// Every diagnostic from reading, decoding and validating.
    public let diagnostics: [Diagnostic]
    /// The validated topology, when there was no error.
    public let topology: ValidatedTopology?
  }

  /// Reads, decodes and validates a file's bytes.
  public static func load(
    _ source: SourceFile, limits: YAMLLimits = .default, counts: TopologyLimits = .default
  ) -> Result {
    let (topology, readDiagnostics) = decode(source, limits: limits, counts: counts)
    guard let topology else {
      return Result(
        source: source, diagnostics: capped(readDiagnostics, counts.maxDiagnostics, source.path), topology: nil)
    }
    let (validated, validationDiagnostics) = Validator.validate(topology)
    let all = readDiagnostics + validationDiagnostics
    // Any error, from any stage, means there is no validated topology.
    return Result(
      source: source, diagnostics: capped(all, counts.maxDiagnostics, source.path),
      topology: all.hasErrors ? nil : validated)
  }

  /// Reads and decodes; the topology is nil when there is nothing to validate. The YAML
  /// document lives only as long as this call: it is freed before validation builds the
  /// resolved estate (on an estate of 50,000 apps it is 30 MB of the peak otherwise).
  static func decode(
    _ source: SourceFile, limits: YAMLLimits, counts: TopologyLimits
  ) -> (Topology?, [Diagnostic]) {
    // The apps, most of an estate, are decoded as they are read, most of them straight from
    // the parser's events: the document never holds them.
    var apps = StreamedApps(file: source.path, limits: counts, bytes: source.bytes.count)
    let (root, yamlDiagnostics) = YAMLReader.read(source, limits: limits, streaming: "apps", entries: &apps)
    guard let root else { return (nil, yamlDiagnostics) }
    let (topology, decodeDiagnostics) = TopologyDecoder.decode(
      root, file: source.path, limits: counts, streamedApps: apps)
    // A count limit stops decoding part-way: validating what was decoded would only report
    // references to the entries never read.
    let stopped = decodeDiagnostics.contains { $0.code == DiagnosticCatalog.countLimit.code }
    return (stopped ? nil : topology, yamlDiagnostics + decodeDiagnostics)
  }

  /// The first `limit` diagnostics, and one `S115` note counting the rest by severity. The
  /// kept ones include every error when there is room, so the exit code still says the truth.
  static func capped(_ diagnostics: [Diagnostic], _ limit: Int, _ file: String) -> [Diagnostic] {
    guard diagnostics.count > limit else { return diagnostics }
    // Errors first (in file order among themselves), then warnings, then notes.
    let ranked = diagnostics.enumerated().sorted {
      $0.element.severity != $1.element.severity ? $0.element.severity > $1.element.severity : $0.offset < $1.offset
    }
    let kept = ranked.prefix(limit).sorted { $0.offset < $1.offset }.map(\.element)
    let dropped = ranked.dropFirst(limit).map(\.element)
    let counts = Severity.allCases.reversed().compactMap { severity -> String? in
      let n = dropped.count { $0.severity == severity }
      return n == 0 ? nil : "\(n) \(severity.rawValue)\(n == 1 ? "" : "s")"
    }
    let note = Diagnostic(
      DiagnosticCatalog.diagnosticLimit,
      message:
        "\(dropped.count) more diagnostic\(dropped.count == 1 ? "" : "s") not kept (\(counts.joined(separator: ", ")))",
      file: file, range: .fileStart,
      help: "fix the ones listed first, or raise the limit with --max-diagnostics")
    return kept + [note]
  }
}
