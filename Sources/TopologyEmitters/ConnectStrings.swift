import TopologyAnalysis
public import TopologyDiagnostics
public import TopologyModel

/// One registry of an app, as its clients address it.
public struct RegistryAddress: Sendable {
  /// The ensemble's name.
  public let ensemble: String
  /// `host:port,...[/chroot]` as ZooKeeper's `ConnectStringParser` reads it.
  public let connectString: String
  /// `zookeeper://HOST:PORT?backup=HOST:PORT,...&session=MS[...]` for Dubbo; empty, like
  /// `connectString`, when the app has no server of this registry to list.
  public let dubboAddress: String
  /// `host:port` of every server listed, in order.
  public let servers: [String]
  /// The chroot, if any.
  public let chroot: String?
  /// The session timeout the app asks for, and what the servers will grant.
  public let requestedSessionTimeoutMs: Int
  public let negotiatedSessionTimeoutMs: Int
  /// Whether only the app's own datacenter is listed.
  public let local: Bool
  /// Where the registry lives (its only datacenter), for Dubbo's `zone`; nil when stretched.
  public let zone: String?
}

/// Builds connect strings and Dubbo registry addresses.
public enum ConnectStrings {
  /// `host:port`, with IPv6 hosts in brackets.
  public static func hostPort(_ host: String, _ port: Int) -> String {
    host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
  }

  /// Every registry of an app, in preference order.
  public static func addresses(app: App, in t: ValidatedTopology) -> [RegistryAddress] {
    var known = ServerLists()
    return addresses(app: app, in: t, known: &known)
  }

  /// Server lists and addresses already written out. An app's servers depend only on the
  /// ensemble, the app's datacenter and its connect mode, and its addresses on those and its
  /// chroot, session and Dubbo: an estate's thousands of apps share a few hundred of them, so a
  /// caller that writes every app keeps one of these across them.
  public struct ServerLists: Sendable {
    struct Key: Hashable {
      let ensemble: Int
      let datacenter: Int
      let local: Bool
    }
    var lists: [Key: (servers: [String], joined: String)] = [:]
    var zones: [Int: String?] = [:]
    /// Whole addresses: the server list with what else goes into the strings.
    struct AddressKey: Hashable {
      let servers: Key
      let chroot: String?
      let declaredMs: Int
      let requestedMs: Int
      let profile: DubboProfile
    }
    var addresses: [AddressKey: RegistryAddress] = [:]

    public init() {}
  }

  /// ``addresses(app:in:)``, reusing and extending `known`.
  public static func addresses(app: App, in t: ValidatedTopology, known: inout ServerLists) -> [RegistryAddress] {
    app.registries.map { ei in
      let e = t.ensembles[ei]
      let key = ServerLists.Key(ensemble: ei, datacenter: app.datacenter, local: app.connect == .local)
      let chroot = app.chroot(for: e)
      let addressKey = ServerLists.AddressKey(
        servers: key, chroot: chroot, declaredMs: app.declaredSessionTimeoutMs,
        requestedMs: app.requestedSessionTimeoutMs, profile: app.dubbo)
      if let cached = known.addresses[addressKey] { return cached }
      let servers: [String]
      let joined: String
      if let list = known.lists[key] {
        (servers, joined) = list
      } else {
        let members = ConnectList.members(app: app, ensemble: e, in: t)
        servers = members.map { hostPort(t.machines[e.members[$0].machine].host, e.members[$0].clientPort) }
        joined = servers.joined(separator: ",")
        known.lists[key] = (servers, joined)
      }
      let ensembleZone: String?
      if let z = known.zones[ei] {
        ensembleZone = z
      } else {
        ensembleZone = zone(of: e, in: t)
        known.zones[ei] = .some(ensembleZone)
      }
      // No server (connect: local and no member in the app's datacenter, warning V306): no
      // string at all rather than a bare chroot, which ZooKeeper's client would refuse.
      let connect = servers.isEmpty ? "" : joined + (chroot ?? "")
      let address = RegistryAddress(
        ensemble: e.name, connectString: connect,
        dubboAddress: servers.isEmpty
          ? ""
          : dubbo(
            servers: servers, chroot: chroot, sessionMs: app.declaredSessionTimeoutMs, local: app.connect == .local,
            profile: app.dubbo),
        servers: servers, chroot: chroot, requestedSessionTimeoutMs: app.requestedSessionTimeoutMs,
        negotiatedSessionTimeoutMs: e.negotiatedSessionTimeout(app.requestedSessionTimeoutMs),
        local: app.connect == .local, zone: ensembleZone)
      known.addresses[addressKey] = address
      return address
    }
  }

  /// A Dubbo registry URL: the first server as the address, the others in `backup=`, every port
  /// explicit (Dubbo gives a port-less primary 9090, not 2181), never commas inside the
  /// authority (apache/dubbo#7356). `group` roots the registry at the chroot (Dubbo has no
  /// chroot; its root node is `group`, by default `/dubbo`). The session timeout goes in the
  /// parameter the app's Dubbo reads (`session` from 3.0.5, `zk.session.expire` from 2.7.5,
  /// none before). With `connect: local`, `zookeeper.ensemble.tracker=false` keeps Curator from
  /// widening the connect string, where it is read (Curator 5 client, Dubbo 3.2.14 and later).
  public static func dubbo(
    servers: [String], chroot: String?, sessionMs: Int, local: Bool,
    profile: DubboProfile = DubboProfile(version: nil, client: nil)
  ) -> String {
    guard let first = servers.first else { return "zookeeper://" }
    var params: [String] = []
    if servers.count > 1 { params.append("backup=" + servers.dropFirst().joined(separator: ",")) }
    if let chroot { params.append("group=" + chroot) }
    if let key = profile.sessionKey { params.append("\(key)=\(sessionMs)") }
    if local && profile.readsTrackerSwitch { params.append("zookeeper.ensemble.tracker=false") }
    return "zookeeper://\(first)" + (params.isEmpty ? "" : "?" + params.joined(separator: "&"))
  }

  /// The datacenter a registry lives in, when every member is in one: the `zone` Dubbo's
  /// zone-aware cluster matches against the caller's zone. nil for a stretched ensemble.
  public static func zone(of e: Ensemble, in t: ValidatedTopology) -> String? {
    let dcs = Set(e.members.map { t.machines[$0.machine].datacenter })
    guard dcs.count == 1, let d = dcs.first else { return nil }
    return t.datacenters[d].name
  }

  /// `connect --format json`.
  public static func json(_ t: ValidatedTopology, apps: [App]) -> JSONValue {
    // Every distinct address is made once, here; each app's object is made as it is written
    // and dropped (an object per app, held until the end, was 48 MB of the peak on an estate
    // of 50,000 apps). Writing finds every address already made, so the copy is never written.
    var known = ServerLists()
    for app in apps { _ = addresses(app: app, in: t, known: &known) }
    let made = known
    return .object([
      (
        "apps",
        .elements(
          JSONElements(apps) { app in
            var known = made
            return .object([
              ("name", .string(app.name)),
              ("datacenter", .string(t.datacenters[app.datacenter].name)),
              (
                "registries",
                .array(
                  addresses(app: app, in: t, known: &known).map { r in
                    .object([
                      ("ensemble", .string(r.ensemble)),
                      ("connectString", .string(r.connectString)),
                      ("dubboAddress", .string(r.dubboAddress)),
                      ("servers", .strings(r.servers)),
                      ("chroot", .optional(r.chroot)),
                      ("requestedSessionTimeoutMs", .int(r.requestedSessionTimeoutMs)),
                      ("negotiatedSessionTimeoutMs", .int(r.negotiatedSessionTimeoutMs)),
                      ("connect", .string(r.local ? "local" : "all")),
                    ])
                  })
              ),
            ])
          })
      )
    ])
  }

  /// `connect` as text.
  public static func text(_ t: ValidatedTopology, apps: [App]) -> String {
    let out = TextOutput()
    text(t, apps: apps, into: out)
    return out.finish()
  }

  /// `connect` as text, written to `out` as it is made.
  public static func text(_ t: ValidatedTopology, apps: [App], into out: TextOutput) {
    var known = ServerLists()
    // Everything under an app's own line follows from what its addresses follow from (and its
    // datacenter, named when it has no server to list): an estate's 50,000 apps have a few
    // hundred such shapes, each rendered once and then copied. Rendering the lines for every
    // app was most of what `connect` did after the load.
    var blocks: [Shape: [UInt8]] = [:]
    for app in apps {
      out.write(literal: "app '")
      out.write(app.name)
      out.write(literal: "' (")
      out.write(t.datacenters[app.datacenter].name)
      out.write(literal: ")\n")
      let shape = Shape(app)
      if let block = blocks[shape] {
        out.write(bytes: block)
        continue
      }
      let block = TextOutput()
      registryLines(app, t, &known, into: block)
      let bytes = block.collected
      blocks[shape] = bytes
      out.write(bytes: bytes)
    }
    if !apps.isEmpty {
      out += "\nThe ZooKeeper client shuffles its server list once, so the order above is not a preference.\n"
    }
  }

  /// What an app's registry lines depend on, in `connect`'s text and in the files `emit` writes
  /// for it (all of them but the lines that name the app): its addresses, and what decides how
  /// its Dubbo reads them.
  struct Shape: Hashable {
    let registries: [Int]
    let datacenter: Int
    let connect: ConnectMode
    let chroot: String??
    let declaredMs: Int
    let requestedMs: Int
    let dubbo: DubboProfile

    init(_ app: App) {
      registries = app.registries
      datacenter = app.datacenter
      connect = app.connect
      chroot = app.chroot
      declaredMs = app.declaredSessionTimeoutMs
      requestedMs = app.requestedSessionTimeoutMs
      dubbo = app.dubbo
    }
  }

  /// The lines under an app's own line: each registry, its connect string and Dubbo address.
  static func registryLines(_ app: App, _ t: ValidatedTopology, _ known: inout ServerLists, into out: TextOutput) {
    for (i, r) in addresses(app: app, in: t, known: &known).enumerated() {
      let role = app.registries.count > 1 ? (i == 0 ? " (preferred)" : " (fallback \(i))") : ""
      out += "  registry '\(r.ensemble)'\(role)\n"
      if r.servers.isEmpty {
        out +=
          "    none: 'connect: local' and no member of '\(r.ensemble)' in '\(t.datacenters[app.datacenter].name)'\n"
        continue
      }
      out += "    connect string: \(r.connectString)\n"
      out += "    dubbo address:  \(r.dubboAddress)\n"
    }
  }
}
