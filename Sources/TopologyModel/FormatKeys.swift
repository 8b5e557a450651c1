/// Every key the format knows, per kind of mapping. The decoder accepts exactly these (anything
/// else is S101), and a test holds `docs/topology.schema.json` to them.
public enum FormatKeys {
  public static let top = ["quorate", "name", "defaults", "datacenters", "links", "ensembles", "apps"]
  public static let defaults = ["zookeeper", "client", "availability", "dubbo"]
  public static let zookeeper = [
    "clientPort", "quorumPort", "electionPort", "tickTime", "initLimit", "syncLimit",
    "minSessionTimeout", "maxSessionTimeout", "snapRetainCount", "purgeInterval",
  ]
  public static let client = ["sessionTimeout"]
  public static let availability = ["machine", "datacenter"]
  public static let datacenter = ["region", "availability", "machines"]
  public static let machine = ["host", "rack", "availability", "clientPort", "quorumPort", "electionPort"]
  public static let link = ["between", "rtt"]
  public static let ensemble = ["voters", "observers", "quorum", "groups", "weights", "ids", "chroot"] + zookeeper
  public static let app = [
    "datacenter", "registry", "registries", "sessionTimeout", "connect", "chroot", "dubbo",
  ]
  public static let dubbo = ["version", "zookeeperClient"]

  /// Each kind by the name its JSON Schema definition has.
  public static let byDefinition: [String: [String]] = [
    "topology": top, "defaults": defaults, "zookeeper": zookeeper, "client": client,
    "defaultAvailability": availability, "datacenter": datacenter, "machine": machine, "link": link,
    "ensemble": ensemble, "app": app, "dubbo": dubbo,
  ]
}
