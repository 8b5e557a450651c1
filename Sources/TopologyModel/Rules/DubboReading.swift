import TopologyDiagnostics

/// V222 (client the release does not ship), V223 (chroot Dubbo cannot carry), V308 (session
/// timeout not carried), V309 (`connect: local` rewritten by the ensemble tracker), V310 (Dubbo
/// 3's instance registrations ask 60 s).
enum DubboReading: ValidationRule {
  /// The characters Dubbo splits a registry address or its parameters at (ASCII, so they are
  /// found on bytes, even where a combining mark follows one).
  static let addressBreakers: [UInt8] = Array("|;&=".utf8)

  /// A chroot Dubbo would split, with the first character it splits at; nil for one it carries.
  static func split(_ chroot: Located<String>?) -> (chroot: Located<String>, at: Character)? {
    guard let chroot, let b = chroot.value.utf8.first(where: { addressBreakers.contains($0) }) else { return nil }
    return (chroot, Character(Unicode.Scalar(b)))
  }

  static func check(_ c: inout ValidationContext) {
    var reported: Set<Int> = []  // source offsets already reported, for settings shared by apps
    // Each ensemble's chroot that Dubbo would split, found once.
    let splitChroots = c.topology.ensembles.map { split($0.chroot) }
    let apps = c.topology.apps
    for i in apps.indices {
      let a = apps[i]
      let profile = c.dubboProfile(a)
      let versionAt = a.dubbo?.version ?? c.topology.dubbo.version
      let clientAt = a.dubbo?.zookeeperClient ?? c.topology.dubbo.zookeeperClient
      var release: String { profile.version.map { "Dubbo \($0)" } ?? "the newest Dubbo" }
      if !profile.isShipped, let at = clientAt ?? versionAt.map({ Located(profile.client, $0.range) }) {
        if reported.insert(at.range.start.offset).inserted {
          c.report(
            DiagnosticCatalog.dubboClientNotShipped,
            "\(release) has no '\(profile.client.rawValue)' ZooKeeper client", at.range,
            path: "apps.\(a.name.value).dubbo",
            help:
              "use \(DubboZookeeperClient.allCases.filter { DubboProfile.ships($0, in: profile.effectiveVersion) }.map { "'\($0.rawValue)'" }.joined(separator: " or ")) with \(release)"
          )
        }
        continue
      }
      chroots(&c, i, a, &reported, splitChroots)
      guard profile.version != nil else { continue }  // unset: written for the newest Dubbo
      let declared = c.requestedSessionMs(a)
      let asked = profile.requestedSessionMs(declared: declared)
      let registries = c.registries(ofApp: i).compactMap { $0.map { c.topology.ensembles[$0] } }
      var client: String { "\(release) with \(profile.client.rawValue)" }
      if asked != declared {
        let clamped = registries.map { e -> String in
          let b = c.sessionBoundsMs(e)
          let t = min(max(asked, b.min), b.max)
          return "'\(e.name.value)' negotiates \(Duration.format(milliseconds: Double(t)))"
        }
        c.report(
          DiagnosticCatalog.dubboSessionNotCarried,
          "app '\(a.name.value)' asks for a \(Duration.format(milliseconds: Double(declared))) session, but \(client) reads no session timeout from the registry address: it asks \(Duration.format(milliseconds: Double(asked)))",
          a.sessionTimeout?.range ?? versionAt?.range ?? a.name.range, path: "apps.\(a.name.value).sessionTimeout",
          notes: clamped + [
            "quorate's analysis uses the \(Duration.format(milliseconds: Double(asked))) the client asks"
          ],
          help:
            "run Dubbo 3.0.5 or later (it reads 'session'), or write sessionTimeout: \(Duration.format(milliseconds: Double(asked))) to say what it gets"
        )
      }
      if a.connect?.value == .local && profile.hasEnsembleTracker && !profile.readsTrackerSwitch {
        c.report(
          DiagnosticCatalog.dubboTrackerWidensLocal,
          "app '\(a.name.value)' connects locally, but \(client) cannot turn off Curator's ensemble tracker: it rewrites the connect string to every member, remote ones and observers included",
          a.connect?.range ?? a.name.range, path: "apps.\(a.name.value).connect",
          help: "run Dubbo 3.2.14 or later with zookeeperClient: curator5, or use 'connect: all'")
      }
      if profile.registersInstances {
        let differs = registries.filter { e in
          let b = c.sessionBoundsMs(e)
          return min(max(60_000, b.min), b.max) != min(max(asked, b.min), b.max)
        }
        if let e = differs.first {
          let b = c.sessionBoundsMs(e)
          let got = min(max(60_000, b.min), b.max)
          c.report(
            DiagnosticCatalog.dubboInstanceSession,
            "app '\(a.name.value)' runs \(release): its instance registrations use a second Curator client that asks 60s, so '\(e.name.value)' gives them \(Duration.format(milliseconds: Double(got))), not the \(Duration.format(milliseconds: Double(min(max(asked, b.min), b.max)))) of its registry address",
            a.sessionTimeout?.range ?? versionAt?.range ?? a.name.range, path: "apps.\(a.name.value)",
            help: "set dubbo.application.register-mode=interface if application-level discovery is not used")
        }
      }
    }
  }

  /// V223: a chroot an app uses (its own, or a registry's) that Dubbo would split.
  static func chroots(
    _ c: inout ValidationContext, _ i: Int, _ a: AppSpec, _ reported: inout Set<Int>,
    _ splitChroots: [(chroot: Located<String>, at: Character)?]
  ) {
    var used: [(chroot: Located<String>, at: Character)] = []
    if let own = a.chroot {
      if let s = split(own) { used.append(s) }
    } else {
      used = c.registries(ofApp: i).compactMap { $0.flatMap { splitChroots[$0] } }
    }
    for (chroot, bad) in used where reported.insert(chroot.range.start.offset).inserted {
      c.report(
        DiagnosticCatalog.chrootBreaksDubbo,
        "chroot '\(chroot.value)' holds '\(bad)', which Dubbo reads as a separator: app '\(a.name.value)' would get a cut or split registry address",
        chroot.range, path: "apps.\(a.name.value)",
        help: "rename the chroot without '|', ';', '&' and '='")
    }
  }
}
