/// Every diagnostic code quorate can report, with what it means and how to fix it.
///
/// Codes are stable: a code is never reused for another meaning. The prefix says which stage
/// reports it: `Y` reading YAML, `S` the shape of the file (schema), `V` validation of the
/// topology, `A` analysis of its behaviour, `I` import, `P` probe, `U` audit of existing
/// configuration. `docs/diagnostics.md` is generated from this list.
public enum DiagnosticCatalog {
  /// One catalogue entry.
  public struct Entry: Sendable, Hashable {
    /// The stable code, such as `V207`.
    public let code: String
    /// The severity it is reported with (before `--strict`).
    public let severity: Severity
    /// A short title.
    public let title: String
    /// What it means and why it matters.
    public let explanation: String
    /// The usual fix; individual diagnostics may give a more specific help line.
    public let fix: String
  }

  // MARK: Y: reading YAML

  public static let yamlSyntax = Entry(
    code: "Y001", severity: .error, title: "YAML syntax error",
    explanation: "libyaml could not parse the file. The position is where libyaml noticed the "
      + "problem, which can be after the real mistake (an unclosed bracket or quote, a tab used "
      + "for indentation, a key indented differently from its siblings).",
    fix: "fix the YAML at or just before the marked position")
  public static let invalidEncoding = Entry(
    code: "Y002", severity: .error, title: "file is not valid UTF-8 text",
    explanation: "Topology files are UTF-8 text. Invalid byte sequences, control characters "
      + "and UTF-16 files are rejected before parsing.",
    fix: "save the file as UTF-8 text without control characters")
  public static let duplicateKey = Entry(
    code: "Y003", severity: .error, title: "duplicated mapping key",
    explanation: "A mapping lists the same key twice. libyaml accepts this silently and most "
      + "YAML loaders keep the last value, so one of the two entries would be ignored.",
    fix: "remove or rename one of the two keys")
  public static let multipleDocuments = Entry(
    code: "Y004", severity: .error, title: "more than one YAML document",
    explanation: "A topology file holds exactly one YAML document; a second `---` document "
      + "would be ignored by other tools.",
    fix: "split the documents into separate files, or remove the extra `---`")
  public static let unknownTag = Entry(
    code: "Y005", severity: .error, title: "unsupported YAML tag",
    explanation: "Only the standard tags (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, "
      + "`!!map`, `!!seq`, `!!merge`) are accepted; application tags have no meaning here.",
    fix: "remove the tag")
  public static let undefinedAlias = Entry(
    code: "Y006", severity: .error, title: "alias to an undefined anchor",
    explanation: "An alias `*name` must refer to an anchor `&name` defined earlier in the file.",
    fix: "define the anchor with `&name` before this alias, or fix the alias's spelling")
  public static let fileTooLarge = Entry(
    code: "Y007", severity: .error, title: "file exceeds the size limit",
    explanation: "quorate refuses files larger than 64 MiB (or `--max-file-size`) before parsing them, so that a "
      + "wrong path (a log, a binary) cannot exhaust memory.",
    fix: "check that this is the topology file; split very large estates into several files")
  public static let nestingTooDeep = Entry(
    code: "Y008", severity: .error, title: "nesting exceeds the depth limit",
    explanation: "Collections nested more than 64 levels deep cannot be a topology, and "
      + "reading them could exhaust the stack; reading stops there.",
    fix: "flatten the structure; a topology needs fewer than ten levels")
  public static let aliasExpansion = Entry(
    code: "Y009", severity: .error, title: "the document has too many nodes",
    explanation: "Counting every alias as a copy of what it refers to, the document grows past "
      + "the node limit (8,000,000 unless `--max-nodes` says otherwise). Nested aliases can "
      + "grow exponentially (an alias bomb), so reading stops as soon as the count passes the "
      + "limit.",
    fix: "use fewer nested aliases; write the repeated parts out")
  public static let emptyDocument = Entry(
    code: "Y010", severity: .error, title: "file is empty",
    explanation: "The file contains no YAML document.",
    fix: "start with `quorate: 1` and `name: ...`; see docs/topology-format.md")
  public static let invalidMerge = Entry(
    code: "Y011", severity: .error, title: "merge key `<<` needs a mapping",
    explanation: "The value of a merge key must be a mapping (usually an alias `*name`) or a "
      + "list of mappings.",
    fix: "write `<<: *anchor` where the anchor names a mapping")
  public static let scalarTooLong = Entry(
    code: "Y012", severity: .error, title: "a scalar exceeds the length limit",
    explanation: "No value in a topology (a name, a host, an address) needs more than a few hundred "
      + "bytes; quorate refuses scalars longer than 64 KiB (or `--max-scalar-length`) so that a "
      + "runaway line cannot make every message, suggestion and snippet that quotes it costly. "
      + "Reading stops there.",
    fix: "check that the value is what was meant (an unclosed quote swallows the lines after it)")

  // MARK: S: shape of the file

  public static let unknownKey = Entry(
    code: "S101", severity: .error, title: "unknown key",
    explanation: "The format does not define this key here. Unknown keys are errors rather "
      + "than ignored, because a misspelt key (`clientport`) would silently fall back to a "
      + "default.",
    fix: "remove the key or correct its spelling")
  public static let missingKey = Entry(
    code: "S102", severity: .error, title: "required key is missing",
    explanation: "The format requires this key here.",
    fix: "add the key")
  public static let wrongType = Entry(
    code: "S103", severity: .error, title: "value has the wrong type",
    explanation: "The value is not of the kind the format expects at this place (a mapping, a "
      + "list, a string, an integer). Plain scalars are typed by what the format expects, so "
      + "`no` is the name \"no\" where a name is expected, never a boolean.",
    fix: "write a value of the expected kind")
  public static let invalidName = Entry(
    code: "S104", severity: .error, title: "invalid name",
    explanation: "Names match `[A-Za-z0-9][A-Za-z0-9._-]{0,62}`. They become file and folder "
      + "names when configs are written, so nothing else is accepted.",
    fix: "use letters, digits, `.`, `_` and `-`, starting with a letter or digit")
  public static let invalidPort = Entry(
    code: "S105", severity: .error, title: "invalid port",
    explanation: "A port is an integer from 1 to 65535.",
    fix: "write a port number from 1 to 65535")
  public static let invalidDuration = Entry(
    code: "S106", severity: .error, title: "invalid duration",
    explanation: "A duration is a number with a unit: `ms`, `s`, `m` or `h` (`2000ms`, `1.5ms`, "
      + "`60s`, `2m`, `1h`). A bare number is rejected because ZooKeeper's own files use "
      + "milliseconds while clients often use seconds. A duration longer than 2147483647ms "
      + "(about 24.8 days) is rejected: ZooKeeper and its clients keep times as Java `int` "
      + "milliseconds.",
    fix: "write a number and a unit, such as `2000ms` or `60s`, of at most 2147483647ms")
  public static let invalidAvailability = Entry(
    code: "S107", severity: .error, title: "invalid availability",
    explanation: "An availability is a percentage string (`99.95%`) or a fraction in (0, 1] "
      + "(`0.9995`).",
    fix: "write a percentage such as `99.9%` or a fraction such as `0.999`")
  public static let invalidHost = Entry(
    code: "S108", severity: .error, title: "invalid host",
    explanation: "A host is an IPv4 address, a bare IPv6 address (emitters add brackets) or an "
      + "RFC 1123 host name. Ports are not part of the host.",
    fix: "write an IP address or host name, without brackets or port")
  public static let invalidPath = Entry(
    code: "S109", severity: .error, title: "invalid ZooKeeper path",
    explanation: "A chroot must be a path ZooKeeper's `PathUtils.validatePath` accepts: it "
      + "starts with `/`, does not end with `/` (unless it is `/`), and has no empty, `.` or "
      + "`..` segment and no control characters. ZooKeeper's client throws on anything else.",
    fix: "write an absolute path such as `/dubbo`")
  public static let unsupportedVersion = Entry(
    code: "S110", severity: .error, title: "unsupported format version",
    explanation: "Only format version 1 exists (`quorate: 1`).",
    fix: "write `quorate: 1`")
  public static let invalidChoice = Entry(
    code: "S111", severity: .error, title: "value is not one of the allowed choices",
    explanation: "This key takes one of a fixed set of words.",
    fix: "use one of the listed values")
  public static let invalidInteger = Entry(
    code: "S112", severity: .error, title: "integer out of range",
    explanation: "The integer is outside the range the format (or ZooKeeper) allows here.",
    fix: "use a value inside the stated range")

  // MARK: V: validation errors

  public static let invalidDubboVersion = Entry(
    code: "S113", severity: .error, title: "invalid Dubbo version",
    explanation: "A Dubbo version is `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` (`3.2`, `2.7.23`), "
      + "without suffixes. It decides which parameters the registry address may carry.",
    fix: "write the release as `MAJOR.MINOR[.PATCH]`, such as `3.2.14`")
  public static let countLimit = Entry(
    code: "S114", severity: .error, title: "the topology exceeds a count limit",
    explanation: "quorate refuses topologies with more than 10,000 datacenters, 1,000,000 machines, "
      + "100,000 ensembles or 1,000,000 apps (or what `--max-datacenters`, `--max-machines`, "
      + "`--max-ensembles` and `--max-apps` say), so that a generated file gone wrong cannot exhaust "
      + "time or memory. The defaults hold the largest estates measured (docs/performance.md) many "
      + "times over. Decoding stops at the first entry past the limit.",
    fix: "check that the file is the one meant, or raise the limit with the flag the message names")
  public static let diagnosticLimit = Entry(
    code: "S115", severity: .note, title: "too many diagnostics to list",
    explanation: "quorate keeps at most 1,000,000 diagnostics for one file (or what "
      + "`--max-diagnostics` says); the rest are counted, by severity, in this one. The exit code "
      + "still reflects every diagnostic found. Text output also shows at most a few of each code.",
    fix: "fix the diagnostics listed first; the rest usually share their cause")
  public static let unknownMachine = Entry(
    code: "V201", severity: .error, title: "reference to an undeclared machine",
    explanation: "Ensembles, groups, weights and ids refer to machines by name; the name must "
      + "be declared under some `datacenters.<dc>.machines`.",
    fix: "declare the machine, or correct the name")
  public static let unknownDatacenter = Entry(
    code: "V202", severity: .error, title: "reference to an undeclared datacenter",
    explanation: "Apps and links refer to datacenters by name; the name must be declared under "
      + "`datacenters`.",
    fix: "declare the datacenter, or correct the name")
  public static let unknownEnsemble = Entry(
    code: "V203", severity: .error, title: "reference to an undeclared ensemble",
    explanation: "An app's `registry`/`registries` must name ensembles declared under "
      + "`ensembles`.",
    fix: "declare the ensemble, or correct the name")
  public static let duplicateMachineName = Entry(
    code: "V204", severity: .error, title: "machine name declared twice",
    explanation: "Machine names are unique across the whole file, because ensembles refer to "
      + "them without their datacenter.",
    fix: "rename one of the machines")
  public static let duplicateMember = Entry(
    code: "V205", severity: .error, title: "machine listed twice in one ensemble",
    explanation: "A machine runs at most one server of an ensemble.",
    fix: "remove the repeated entry")
  public static let voterAndObserver = Entry(
    code: "V206", severity: .error, title: "machine is both voter and observer",
    explanation: "A member is either a voting participant or an observer, never both.",
    fix: "keep the machine in `voters` or in `observers`, not both")
  public static let portConflict = Entry(
    code: "V207", severity: .error, title: "two servers bind the same host and port",
    explanation: "Every ZooKeeper server binds its client, quorum and election ports on its "
      + "host. Two members (of one or several ensembles, or two machines with the same host) "
      + "that would bind the same host and port cannot both start. Two spellings of one address "
      + "(IPv6 forms, an IPv4-mapped address) are one host, as ZooKeeper compares them. Each "
      + "cause is reported once, where it is to be changed: a copied host at the second "
      + "machine's `host:`, a second ensemble on the same machines at its port setting (or its "
      + "name), with the other party as a note.",
    fix: "give one of the ensembles its own ports (`clientPort`, `quorumPort`, `electionPort`)")
  public static let quorumEqualsElection = Entry(
    code: "V208", severity: .error, title: "quorumPort equals electionPort",
    explanation: "ZooKeeper refuses a `server.N` line whose two ports are equal (\"Client and "
      + "election port must be different!\").",
    fix: "use different quorum and election ports, such as 2888 and 3888")
  public static let voterNotInGroup = Entry(
    code: "V209", severity: .error, title: "hierarchical groups miss a voter",
    explanation: "With hierarchical quorums every voter must be in exactly one group; "
      + "ZooKeeper refuses to start otherwise (\"Server X is not in a group\").",
    fix: "add the voter to one of the groups")
  public static let voterInTwoGroups = Entry(
    code: "V210", severity: .error, title: "voter in more than one group",
    explanation: "Groups must be disjoint; ZooKeeper refuses \"Server X is in multiple groups\".",
    fix: "keep the voter in one group only")
  public static let nonVoterInGroup = Entry(
    code: "V211", severity: .error, title: "group or weight names a non-voter",
    explanation: "Groups and weights hold voters only. An observer in a group makes ZooKeeper "
      + "fail on a missing weight; a machine outside the ensemble cannot be weighted.",
    fix: "list only the ensemble's voters in `groups` and `weights`")
  public static let idOutOfRange = Entry(
    code: "V212", severity: .error, title: "server id outside 1..255",
    explanation: "ZooKeeper's documentation requires `myid` values from 1 to 255. Members without "
      + "an explicit id take the lowest free ids, so an ensemble has at most 255 members.",
    fix: "use an id from 1 to 255")
  public static let duplicateId = Entry(
    code: "V213", severity: .error, title: "server id used twice in one ensemble",
    explanation: "Every member of an ensemble needs its own `myid`.",
    fix: "give each member a different id")
  public static let appRegistryChoice = Entry(
    code: "V214", severity: .error, title: "app needs exactly one of `registry` and `registries`",
    explanation: "An app names its single registry with `registry`, or several (first "
      + "preferred) with `registries`; not both, not neither.",
    fix: "keep exactly one of `registry` and `registries`")
  public static let hierarchicalMismatch = Entry(
    code: "V215", severity: .error, title: "groups and quorum kind disagree",
    explanation: "`groups` and `weights` belong to hierarchical quorums, and a hierarchical "
      + "quorum needs `groups`. ZooKeeper switches to hierarchical quorums as soon as any "
      + "`group.N` or `weight.N` line exists, so the two must agree.",
    fix: "set `quorum: hierarchical` with `groups`, or remove `groups` and `weights`")
  public static let sessionBounds = Entry(
    code: "V216", severity: .error, title: "minSessionTimeout exceeds maxSessionTimeout",
    explanation: "ZooKeeper refuses to start when the minimum session timeout is larger than "
      + "the maximum (defaults: 2 and 20 ticks).",
    fix: "make minSessionTimeout at most maxSessionTimeout")
  public static let notAMember = Entry(
    code: "V217", severity: .error, title: "id given to a machine outside the ensemble",
    explanation: "`ids` assigns `myid` values to the ensemble's own members only.",
    fix: "remove the entry, or add the machine to `voters` or `observers`")
  public static let noVoters = Entry(
    code: "V218", severity: .error, title: "ensemble has no voters",
    explanation: "An ensemble needs at least one voting participant; ZooKeeper refuses a "
      + "configuration of observers only.",
    fix: "list at least one machine under `voters` (three or more to tolerate a failure)")
  public static let zeroWeight = Entry(
    code: "V219", severity: .error, title: "every group has zero weight",
    explanation: "ZooKeeper ignores groups whose weights add up to 0. When all of them do, no "
      + "set of servers is a quorum and the ensemble can never elect a leader.",
    fix: "give some voters a non-zero weight")
  public static let duplicateLink = Entry(
    code: "V220", severity: .error, title: "link declared twice or to itself",
    explanation: "Each unordered pair of distinct datacenters has at most one round-trip time.",
    fix: "remove the repeated link; a link joins two different datacenters")
  public static let tickMultiple = Entry(
    code: "V221", severity: .error, title: "duration is not a whole number of milliseconds",
    explanation: "ZooKeeper reads tickTime and session bounds as integer milliseconds, and its "
      + "clients (Dubbo, Curator) ask for session timeouts in integer milliseconds.",
    fix: "round the duration to whole milliseconds")

  public static let dubboClientNotShipped = Entry(
    code: "V222", severity: .error, title: "this Dubbo release has no such ZooKeeper client",
    explanation: "ZkClient was removed in Dubbo 3.0, the Curator 4 client in 3.3, and the Curator "
      + "5 client (`dubbo-remoting-zookeeper-curator5`) exists from 3.0.",
    fix: "choose a client the release ships: `curator` or `zkclient` before 3.0, `curator` or "
      + "`curator5` in 3.0 to 3.2, `curator5` from 3.3")
  public static let chrootBreaksDubbo = Entry(
    code: "V223", severity: .error, title: "chroot cannot be written in a Dubbo registry address",
    explanation: "Dubbo splits a registry address into several registries at `|` and `;` "
      + "(`REGISTRY_SPLIT_PATTERN`) and its parameters at `&` and `=`, and decodes none of "
      + "them, so a chroot (Dubbo's `group`) holding one of these characters cannot reach "
      + "Dubbo intact.",
    fix: "rename the chroot without `|`, `;`, `&` and `=`")

  public static let purgeHours = Entry(
    code: "V224", severity: .error, title: "purgeInterval is not a whole number of hours",
    explanation: "ZooKeeper reads `autopurge.purgeInterval` as an integer number of hours; 0 "
      + "turns the purge task off.",
    fix: "write whole hours, such as `24h`, or `0h` to turn purging off")

  // MARK: V3: validation warnings

  public static let evenVoters = Entry(
    code: "V301", severity: .warning, title: "even number of voters",
    explanation: "A majority of 2k voters is k+1, so 2k voters tolerate k-1 failures: no more "
      + "than 2k-1 voters would, with one more machine that can fail.",
    fix: "remove a voter or add one, or make one of them an observer")
  public static let fewVoters = Entry(
    code: "V302", severity: .warning, title: "fewer than 3 voters",
    explanation: "With one or two voters the loss of any voter loses the quorum: no failure is "
      + "tolerated.",
    fix: "use at least 3 voters")
  public static let majorityInOneDatacenter = Entry(
    code: "V303", severity: .warning, title: "one datacenter holds a majority of the votes",
    explanation: "The ensemble spans several datacenters, yet one of them holds more than half "
      + "of the votes: losing that datacenter loses the quorum, and spreading the ensemble buys "
      + "cross-datacenter write latency without buying its survival.",
    fix: "move voters so that no datacenter holds a majority (2-2-1 over three datacenters)")
  public static let twoDatacenters = Entry(
    code: "V304", severity: .warning, title: "ensemble spread over exactly two datacenters",
    explanation: "One of two datacenters always holds at least half of the votes, so the "
      + "ensemble cannot survive losing either one (or the link between them, for the smaller "
      + "side).",
    fix: "add a voter in a third datacenter as a tiebreaker")
  public static let sessionClamped = Entry(
    code: "V305", severity: .warning, title: "requested session timeout will be clamped",
    explanation: "The server clamps a requested session timeout into [minSessionTimeout, "
      + "maxSessionTimeout] (by default 2 and 20 ticks). Dubbo and Curator ask for 60s, which "
      + "becomes 40s with tickTime 2000ms.",
    fix: "request a timeout inside the servers' bounds, or raise maxSessionTimeout")
  public static let localTooFew = Entry(
    code: "V306", severity: .warning, title: "`connect: local` has fewer than two servers",
    explanation: "With `connect: local` the app connects only to members in its own "
      + "datacenter. With one such server, the loss of that machine leaves the app with no "
      + "server of this registry; with none, the registry is unusable.",
    fix: "place at least two members (voters or observers) in the app's datacenter, or use "
      + "`connect: all`")
  public static let repeatedRegistry = Entry(
    code: "V307", severity: .warning, title: "app lists the same registry twice",
    explanation: "A second entry for the same ensemble adds no fail-over.",
    fix: "remove the repeated registry")
  public static let dubboSessionNotCarried = Entry(
    code: "V308", severity: .warning, title: "the app's Dubbo cannot carry its session timeout",
    explanation: "Dubbo reads the session timeout from the registry address only from 3.0.5 "
      + "(`session`) and from 2.7.5 to 3.0.4 (`zk.session.expire`); earlier releases, and the "
      + "ZkClient client, set none, so the client asks its library's default (Curator 60s, "
      + "ZkClient 30s), which the servers then clamp. quorate's analysis uses what the client "
      + "really asks.",
    fix: "upgrade Dubbo (3.0.5 or later reads `session`), or set the app's sessionTimeout to "
      + "what it really gets")
  public static let dubboTrackerWidensLocal = Entry(
    code: "V309", severity: .warning, title: "`connect: local` cannot hold with this Dubbo",
    explanation: "Curator 4 and 5 run an EnsembleTracker by default: it reads `/zookeeper/config` "
      + "(which ZooKeeper 3.5+ fills even with reconfig disabled) and rewrites the client's "
      + "connect string to every participant and observer, remote datacenters included. Dubbo "
      + "turns it off with `zookeeper.ensemble.tracker=false` only from 3.2.14, and only in "
      + "the Curator 5 client.",
    fix: "run Dubbo 3.2.14 or later with the curator5 client, or use `connect: all` and plan "
      + "for remote servers in the connect string")
  public static let dubboInstanceSession = Entry(
    code: "V310", severity: .warning, title: "Dubbo 3 registers instances with a 60s session",
    explanation: "With Dubbo 3's default `register-mode: all`, a provider also registers its "
      + "instance for application-level discovery through a second Curator client "
      + "(`ZookeeperServiceDiscovery`), which sets no session timeout and so asks Curator's "
      + "60s, whatever the registry address says.",
    fix: "set `dubbo.application.register-mode: interface` if application-level discovery is "
      + "not used, or plan the 60s (clamped by the servers) for instance registrations")

  // MARK: A: analysis warnings

  public static let failoverRisk = Entry(
    code: "A401", severity: .warning, title: "fail-over may outlast the session",
    explanation: "When every server of another datacenter becomes unreachable, a client "
      + "connected to one of them notices after the read timeout R = 2T/3 and then has T - R "
      + "to reach a serving server, or only T - R - P (P the idle client's ping interval, "
      + "min(R/2 - 1s, 10s)) when its server was a follower or observer that had not yet "
      + "reported the client's last ping to the leader. In the worst shuffle order it first "
      + "tries the other unreachable servers, each costing the connect timeout C = T/N plus up "
      + "to 1s of jitter. `check` warns when that worst case exceeds T - R: then the session "
      + "can expire (SESSION_EXPIRED) even for clients whose last ping the leader knew of, and "
      + "a Dubbo provider's registrations vanish until re-registered. Smaller risks (between "
      + "T - R - P and T - R) are shown by `what-if` and `analyze` with their probability.",
    fix: "raise the session timeout (and maxSessionTimeout), or use `connect: local` so "
      + "remote servers are not in the connect string")

  // MARK: I: import (zoo.cfg files read by `quorate import`)

  public static let importUnreadable = Entry(
    code: "I501", severity: .error, title: "zoo.cfg line quorate cannot read",
    explanation: "A `server.N` line must be `host:quorumPort:electionPort[:participant|observer]` "
      + "with an optional `;[clientHost:]clientPort`, IPv6 hosts in brackets, as ZooKeeper's "
      + "`QuorumPeer.QuorumServer` parses it. A file without any `server.N` line describes no "
      + "ensemble.",
    fix: "fix the line as ZooKeeper would need it, or leave the file out")
  public static let importServerListsDisagree = Entry(
    code: "I502", severity: .error, title: "files of one ensemble disagree on its servers",
    explanation: "Two files share a server (the same host and quorum port) but list different "
      + "servers, ids, ports or roles: a rolling change that did not reach every member. quorate "
      + "does not guess which list is right, and imports nothing.",
    fix: "make every member's file list the same servers (or import the files of each state apart)")
  public static let importUnassigned = Entry(
    code: "I503", severity: .warning, title: "host not placed by --map",
    explanation: "A host that matches no `--map HOST_GLOB=DATACENTER[/RACK]` goes to a datacenter "
      + "named `unassigned`, so the analysis cannot tell which datacenter failures it survives.",
    fix: "add a --map for it, such as --map '10.1.*=bj-a'")
  public static let importMultiAddress = Entry(
    code: "I504", severity: .warning, title: "server with several addresses",
    explanation: "ZooKeeper 3.6+ accepts several `|`-separated addresses per server "
      + "(multiAddress.enabled); the topology format has one host per machine, so only the first "
      + "is imported.",
    fix: "check that the first address is the one to plan with")

  // MARK: P: probe (live servers against the plan)

  public static let probeServerList = Entry(
    code: "P601", severity: .error, title: "member answers with another server list",
    explanation: "The member's `conf` reports `server.N` lines other than the ones the topology "
      + "gives its ensemble: it was started from another configuration (an old file, a rolling "
      + "change that did not reach it), and its idea of the quorum differs from the plan's.",
    fix: "emit the configuration again and restart the member from it, or fix the topology")
  public static let probeNotServing = Entry(
    code: "P602", severity: .error, title: "member is down or not serving",
    explanation: "The member did not answer `srvr` within the timeout (down, frozen, or "
      + "unreachable), refused the connection, or answered that it is not serving (no quorum, "
      + "still electing) or only read-only.",
    fix: "look at the member's log and host; probe again once it is back")
  public static let probeRole = Entry(
    code: "P603", severity: .error, title: "member runs in another role than planned",
    explanation: "A planned voter answers as an observer (or the other way round), or a member "
      + "runs standalone: its configuration is not the one the topology describes.",
    fix: "emit the configuration again and restart the member from it")

  // MARK: U: audit (existing configuration against the topology)

  public static let auditNoEnsemble = Entry(
    code: "U701", severity: .error, title: "zoo.cfg matches no ensemble",
    explanation: "None of the file's `server.N` lines names a machine of the topology at one of "
      + "its ensembles' quorum ports, so the file describes an ensemble the plan does not have.",
    fix: "audit the file against the topology it belongs to, or `quorate import` it first")
  public static let auditMissingServer = Entry(
    code: "U702", severity: .error, title: "planned server missing from zoo.cfg",
    explanation: "The topology gives the ensemble a member (host and quorum port) that the "
      + "file does not list: the servers started from this file count a different quorum than "
      + "the plan, and never talk to that member.",
    fix: "add the `server.N` line the help gives (or `quorate emit` the file again)")
  public static let auditExtraServer = Entry(
    code: "U703", severity: .error, title: "zoo.cfg lists a server the plan does not have",
    explanation: "A `server.N` line names a host and quorum port that is not a member of the "
      + "ensemble in the topology. It counts towards the quorum size (a majority of more "
      + "voters), so the ensemble tolerates fewer failures than the plan says.",
    fix: "remove the line, or add the machine to the ensemble in the topology")
  public static let auditServerId = Entry(
    code: "U704", severity: .error, title: "server id differs from the plan",
    explanation: "The file gives a member another `server.N` id than quorate assigns. Ids must "
      + "agree between every member's file and each member's `myid`; a member whose id differs "
      + "joins as another server, or not at all.",
    fix: "use the plan's id in every file and in the member's myid")
  public static let auditRole = Entry(
    code: "U705", severity: .error, title: "role differs from the plan",
    explanation: "A planned voter is an observer in the file, or the other way round: the "
      + "quorum the servers count is not the plan's.",
    fix: "end observer lines with `:observer` and voter lines with `:participant` (or nothing)")
  public static let auditPort = Entry(
    code: "U706", severity: .error, title: "port differs from the plan",
    explanation: "A member's election or client port in the file is not the topology's: "
      + "clients and peers configured from the plan cannot reach it.",
    fix: "use the plan's ports, or change the ensemble's ports in the topology")
  public static let auditQuorum = Entry(
    code: "U707", severity: .error, title: "groups or weights differ from the plan",
    explanation: "ZooKeeper switches to hierarchical quorums as soon as a `group.N` or "
      + "`weight.N` line exists. The file's groups or weights (default weight 1) differ from the "
      + "topology's, so the servers decide quorums differently from the analysis.",
    fix: "make the group.N and weight.N lines the plan's (`quorate emit` writes them)")
  public static let auditMyid = Entry(
    code: "U708", severity: .error, title: "myid does not match",
    explanation: "A member's `myid` file must hold its own `server.N` id: ZooKeeper refuses to "
      + "start when the id is not in the file's server list, and runs as another member when it "
      + "is someone else's.",
    fix: "write the member's id, as the help says")
  public static let auditSetting = Entry(
    code: "U709", severity: .warning, title: "zoo.cfg setting differs from the plan",
    explanation: "tickTime, initLimit, syncLimit or the session bounds differ from the "
      + "topology's, so session timeouts, fail-over budgets and sync limits computed from the "
      + "plan are not what the servers do (absent bounds are ZooKeeper's 2 and 20 ticks).",
    fix: "set the value the plan has, or change the topology to match the servers")
  public static let auditCommaInURL = Entry(
    code: "U720", severity: .error, title: "comma inside a zookeeper:// URL",
    explanation: "Dubbo reads `zookeeper://a:2181,b:2181` as one URL whose host is `a:2181,b` "
      + "(it splits host and port at the last colon): not a primary and backups. Dubbo 2.7 and "
      + "3 pass the odd address through, with registry keys that differ from the `?backup=` "
      + "form (apache/dubbo#7356); Dubbo 2.5 and 2.6 fail with a NumberFormatException.",
    fix: "write `zookeeper://a:2181?backup=b:2181`, or `address=\"a:2181,b:2181\"` with `protocol=\"zookeeper\"`")
  public static let auditNoPort = Entry(
    code: "U721", severity: .error, title: "registry address without a port",
    explanation: "Dubbo gives an address without a port the default 9090 (UrlUtils.parseURL), "
      + "not ZooKeeper's 2181, so the primary server is never reached; backups without a port "
      + "do get 2181 from ZooKeeper's own parser.",
    fix: "write every port, such as `zk1:2181`")
  public static let auditMixedEnsembles = Entry(
    code: "U722", severity: .error, title: "one registry address lists several ensembles",
    explanation: "The primary and backups of one registry belong to different ensembles: the "
      + "client holds one session and moves between independent ensembles when a server "
      + "fails, so registrations made in one are missing from the other.",
    fix: "one ensemble per registry; several ensembles are several registries")
  public static let auditDuplicateAddress = Entry(
    code: "U723", severity: .warning, title: "address listed twice",
    explanation: "ZooKeeper keeps duplicate entries of a connect string: the server is tried "
      + "more often (a weight) and every connect timeout, the session timeout divided by the "
      + "number of entries, gets shorter.",
    fix: "list each server once")
  public static let auditSessionClamped = Entry(
    code: "U724", severity: .warning, title: "registry session timeout outside the servers' bounds",
    explanation: "The session timeout the registry asks for (`session` or `zk.session.expire`, "
      + "as the Dubbo version reads it) is outside the ensemble's min/maxSessionTimeout; the "
      + "servers clamp it, and every client timing follows the clamped value.",
    fix: "ask for a value within the bounds, or change the bounds in the topology")
  public static let auditSplitRegistry = Entry(
    code: "U725", severity: .warning, title: "'|' or ';' splits one ensemble into two registries",
    explanation: "Dubbo splits a registry address on `|` and `;` into separate registries. "
      + "Two of them point at the same ensemble: two sessions, two registrations, and "
      + "fail-over that is not what a backup list gives.",
    fix: "join the servers with `,` or `?backup=` to make one registry")
  public static let auditUnknownAddress = Entry(
    code: "U726", severity: .error, title: "registry address of no ensemble",
    explanation: "No server of the address (host and client port) is a member of an ensemble "
      + "in the topology: the app registers somewhere the plan does not know.",
    fix: "use the addresses `quorate connect` prints for the app")

  /// Every entry, in code order.
  public static let all: [Entry] = [
    yamlSyntax, invalidEncoding, duplicateKey, multipleDocuments, unknownTag, undefinedAlias,
    fileTooLarge, nestingTooDeep, aliasExpansion, emptyDocument, invalidMerge, scalarTooLong,
    unknownKey, missingKey, wrongType, invalidName, invalidPort, invalidDuration,
    invalidAvailability, invalidHost, invalidPath, unsupportedVersion, invalidChoice,
    invalidInteger, invalidDubboVersion, countLimit, diagnosticLimit,
    unknownMachine, unknownDatacenter, unknownEnsemble, duplicateMachineName, duplicateMember,
    voterAndObserver, portConflict, quorumEqualsElection, voterNotInGroup, voterInTwoGroups,
    nonVoterInGroup, idOutOfRange, duplicateId, appRegistryChoice, hierarchicalMismatch,
    sessionBounds, notAMember, noVoters, zeroWeight, duplicateLink, tickMultiple,
    dubboClientNotShipped, chrootBreaksDubbo, purgeHours,
    evenVoters, fewVoters, majorityInOneDatacenter, twoDatacenters, sessionClamped,
    localTooFew, repeatedRegistry, dubboSessionNotCarried, dubboTrackerWidensLocal, dubboInstanceSession,
    failoverRisk,
    importUnreadable, importServerListsDisagree, importUnassigned, importMultiAddress,
    probeServerList, probeNotServing, probeRole,
    auditNoEnsemble, auditMissingServer, auditExtraServer, auditServerId, auditRole, auditPort, auditQuorum,
    auditMyid, auditSetting, auditCommaInURL, auditNoPort, auditMixedEnsembles, auditDuplicateAddress,
    auditSessionClamped, auditSplitRegistry, auditUnknownAddress,
  ]

  /// The entry for a code, case-insensitively.
  public static func entry(for code: String) -> Entry? {
    all.first { $0.code.caseInsensitiveCompare(code) }
  }

  /// The catalogue as Markdown, the text of `docs/diagnostics.md`.
  public static func markdown() -> String {
    var out = """
      # Diagnostics

      <!-- Generated by `quorate explain --all --format markdown` from DiagnosticCatalog.swift. \
      Do not edit: run `make docs`. A test fails when this file is stale. -->

      Every problem quorate reports has a stable code. The prefix says which stage reports it:
      `Y` reading YAML, `S` the shape of the file, `V` validation of the topology, `A` analysis,
      `I` import of zoo.cfg files, `P` probe of live servers, `U` audit of existing configuration.
      `quorate explain CODE` prints the same text. Errors make `check` (and `audit`) exit 1;
      warnings do too under `--strict`.

      | code | severity | title |
      |---|---|---|

      """
    for e in all { out += "| [\(e.code)](#\(e.code.lowercased())) | \(e.severity.rawValue) | \(e.title) |\n" }
    for e in all {
      out += "\n## \(e.code)\n\n**\(e.title)** (\(e.severity.rawValue))\n\n\(e.explanation)\n\n"
      out += "Fix: \(e.fix).\n"
    }
    return out
  }
}

extension String {
  fileprivate func caseInsensitiveCompare(_ other: String) -> Bool {
    lowercased() == other.lowercased()
  }
}
