import TopologyDiagnostics

/// V221 (whole milliseconds), V224 (purge interval in whole hours), V216 (min > max), V305
/// (requested timeout clamped).
enum SessionTimeouts: ValidationRule {
  static func check(_ c: inout ValidationContext) {
    var wholeChecked: Set<String> = []
    let failed = c.topology.undecodable
    // Asked once per ensemble, not once per app and registry.
    var undecodableMemo: [String: Bool] = [:]
    func undecodable(_ e: EnsembleSpec) -> Bool {
      if let known = undecodableMemo[e.name.value] { return known }
      let answer = ["tickTime", "minSessionTimeout", "maxSessionTimeout"].contains {
        failed.contains("ensembles.\(e.name.value).\($0)") || failed.contains("defaults.zookeeper.\($0)")
      }
      undecodableMemo[e.name.value] = answer
      return answer
    }
    func whole(_ c: inout ValidationContext, _ d: Located<Duration>?, _ what: String) {
      guard let d, !d.value.isWholeMilliseconds else { return }
      let key = "\(d.range.start.offset)"
      guard wholeChecked.insert(key).inserted else { return }
      c.report(
        DiagnosticCatalog.tickMultiple, "\(what) \(d.value) is not a whole number of milliseconds",
        d.range, help: "ZooKeeper reads \(what) as integer milliseconds; write '\(d.value.wholeMilliseconds)ms'")
    }
    let z = c.topology.zookeeper
    whole(&c, z.tickTime, "tickTime")
    whole(&c, z.minSessionTimeout, "minSessionTimeout")
    whole(&c, z.maxSessionTimeout, "maxSessionTimeout")
    for d in [c.topology.zookeeper.purgeInterval] + c.topology.ensembles.map(\.settings.purgeInterval) {
      guard let d, d.value.microseconds % 3_600_000_000 != 0 else { continue }
      c.report(
        DiagnosticCatalog.purgeHours, "purgeInterval \(d.value) is not a whole number of hours", d.range,
        help:
          "ZooKeeper reads autopurge.purgeInterval in whole hours: write '\(max(1, d.value.wholeMilliseconds / 3_600_000))h', or '0h' to turn purging off"
      )
    }
    whole(&c, c.topology.clientSessionTimeout, "sessionTimeout")
    let apps = c.topology.apps
    for i in apps.indices { whole(&c, apps[i].sessionTimeout, "sessionTimeout") }
    for e in c.topology.ensembles {
      whole(&c, e.settings.tickTime, "tickTime")
      whole(&c, e.settings.minSessionTimeout, "minSessionTimeout")
      whole(&c, e.settings.maxSessionTimeout, "maxSessionTimeout")
      let b = c.sessionBoundsMs(e)
      if b.min > b.max && !undecodable(e) {
        let place =
          c.setting(e, \.minSessionTimeout)?.range ?? c.setting(e, \.maxSessionTimeout)?.range
          ?? e.name.range
        c.report(
          DiagnosticCatalog.sessionBounds,
          "ensemble '\(e.name.value)' has minSessionTimeout \(Duration.format(milliseconds: Double(b.min))) above maxSessionTimeout \(Duration.format(milliseconds: Double(b.max)))",
          place, path: "ensembles.\(e.name.value)")
      }
    }
    // Each ensemble's bounds, and whether they can be trusted, once: apps only look them up.
    let ensembles = c.topology.ensembles
    let bounds = ensembles.map { c.sessionBoundsMs($0) }
    let trusted = ensembles.map { !undecodable($0) }
    for i in apps.indices {
      let a = apps[i]
      // A timeout that failed to decode is not "the default": say nothing rather than guess.
      if !failed.isEmpty
        && (failed.contains("apps.\(a.name.value).sessionTimeout")
          || (a.sessionTimeout == nil && failed.contains("defaults.client.sessionTimeout")))
      {
        continue
      }
      let requested = c.requestedSessionMs(a)
      // A Dubbo that cannot carry the timeout asks something else: V308 says what and how
      // the servers clamp it.
      if c.dubboProfile(a).requestedSessionMs(declared: requested) != requested { continue }
      for (r, ensemble) in zip(c.registryNames(a), c.registries(ofApp: i)) {
        guard let ei = ensemble, trusted[ei] else { continue }
        let b = bounds[ei]
        guard b.min <= b.max else { continue }
        let t = min(max(requested, b.min), b.max)
        guard t != requested else { continue }
        let e = ensembles[ei]
        let req = Duration.format(milliseconds: Double(requested))
        let got = Duration.format(milliseconds: Double(t))
        let source =
          a.sessionTimeout != nil
          ? "its sessionTimeout"
          : (c.topology.clientSessionTimeout != nil
            ? "defaults.client.sessionTimeout" : "the default of Dubbo and Curator")
        let bound = t < requested ? "maxSessionTimeout" : "minSessionTimeout"
        c.report(
          DiagnosticCatalog.sessionClamped,
          "app '\(a.name.value)' requests a \(req) session (\(source)), but ensemble '\(e.name.value)' clamps it to \(got)",
          a.sessionTimeout?.range ?? r.range, path: "apps.\(a.name.value)",
          notes: [
            "'\(e.name.value)' accepts sessions from \(Duration.format(milliseconds: Double(b.min))) to \(Duration.format(milliseconds: Double(b.max))) (tickTime \(c.tickTimeMs(e))ms)"
          ],
          help: t < requested
            ? "set 'sessionTimeout: \(got)' on the app to say what it gets, or raise \(bound) of '\(e.name.value)' to \(req)"
            : "set 'sessionTimeout: \(got)' on the app, or lower \(bound) of '\(e.name.value)'")
      }
    }
  }
}
