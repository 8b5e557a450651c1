#!/usr/bin/python3
"""End to end: quorate's emitted configs on real ZooKeeper servers, with a real client.

Emits topologies/loopback-2-2-1.yaml (five servers 2-2-1, each on its own 127.0.10.x address),
starts Debian's ZooKeeper 3.8 from the emitted zoo.cfg/myid files, connects with kazoo using
the connect string quorate emits, creates the chroot, writes and reads a znode. Then, for
several what-if scenarios, kills exactly the servers the scenario fails and compares quorate's
predicted quorum with what the surviving servers report over `srvr` (leader/follower, or not
serving). Finally it measures client fail-over: ZooKeeper's own Java client (the one whose
timing quorate models) connects with a 6 s session, the server it talks to (and, in a second
run, one more) is frozen with SIGSTOP, so it stays reachable for TCP but never answers, and the
time until the client notices and until it is connected again is compared with the model's
bounds. Last, a client of a follower makes one request and the follower is frozen right after it
answers; the leader's expiry of that session (seen by a second client as the deletion of an
ephemeral znode) must fall between T - P and T + tickTime after that answer. Every process is
killed on exit, also when something fails.

Usage: /usr/bin/python3 Tests/e2e/zookeeper_e2e.py PATH/TO/quorate
"""
import atexit
import json
import queue
import threading
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOPOLOGY = os.path.join(ROOT, "topologies", "loopback-2-2-1.yaml")
ZK_JAR = "/usr/share/java/zookeeper.jar"
PROCESSES = {}


def log(message):
    print(message, flush=True)


def kill_all():
    for proc in list(PROCESSES.values()):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
    PROCESSES.clear()


atexit.register(kill_all)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))


def four_letter(host, port, word=b"srvr", timeout=1.0):
    """The server's answer to a four-letter word, or None when nothing answers."""
    try:
        with socket.create_connection((host, port), timeout) as s:
            s.settimeout(timeout)
            s.sendall(word)
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        return data.decode(errors="replace")
    except OSError:
        return None


def mode(host, port):
    """'leader', 'follower', 'observer', 'not serving', or None when the server is gone."""
    text = four_letter(host, port)
    if text is None:
        return None
    for line in text.splitlines():
        if line.startswith("Mode: "):
            return line[len("Mode: "):].strip()
    return "not serving"


class Cluster:
    def __init__(self, quorate, workdir):
        self.quorate = quorate
        self.workdir = workdir
        out = os.path.join(workdir, "out")
        data = os.path.join(workdir, "data")
        run = subprocess.run([quorate, "emit", TOPOLOGY, "--output", out, "--data-dir", data],
                             capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit("emit failed: " + run.stderr)
        self.servers = {}
        base = os.path.join(out, "servers", "registry")
        for machine in sorted(os.listdir(base)):
            cfg = os.path.join(base, machine, "zoo.cfg")
            settings = dict(line.split("=", 1) for line in open(cfg).read().splitlines()
                            if "=" in line and not line.startswith("#"))
            os.makedirs(settings["dataDir"], exist_ok=True)
            shutil.copy(os.path.join(base, machine, "myid"), os.path.join(settings["dataDir"], "myid"))
            self.servers[machine] = (cfg, settings["clientPortAddress"], int(settings["clientPort"]))

    def start(self, machine):
        cfg, _, _ = self.servers[machine]
        logfile = open(os.path.join(self.workdir, machine + ".log"), "ab")
        PROCESSES[machine] = subprocess.Popen(
            ["java", "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", ZK_JAR,
             "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg],
            stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self, machine):
        proc = PROCESSES.pop(machine)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def modes(self, machines=None):
        return {m: mode(h, p) for m, (_, h, p) in self.servers.items() if machines is None or m in machines}

    def wait_for(self, predicate, timeout, what):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.modes()
            if predicate(last):
                return last
            time.sleep(0.25)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}; modes: {last}")


def serving(modes):
    return {m for m, s in modes.items() if s in ("leader", "follower", "observer")}


def quorate_json(quorate, *args):
    run = subprocess.run([quorate, *args, "--format", "json"], capture_output=True, text=True)
    if run.returncode != 0:
        raise AssertionError(f"quorate {' '.join(args)} failed: {run.stderr}")
    return json.loads(run.stdout)


def failed_machines(scenario, topology_machines):
    failed = set()
    for item in scenario:
        kind, name = item.split(":", 1)
        if kind == "machine":
            failed.add(name)
        elif kind == "dc":
            failed |= {m for m, dc in topology_machines.items() if dc == name}
    return failed


def write_and_read(connect_string, timeout=15):
    from kazoo.client import KazooClient
    from kazoo.handlers.threading import KazooTimeoutError
    client = KazooClient(hosts=connect_string, timeout=6.0)
    try:
        client.start(timeout=timeout)
    except KazooTimeoutError:
        return False
    try:
        path = client.create("/probe-", b"written by the end-to-end test", sequence=True)
        data, _ = client.get(path)
        return data == b"written by the end-to-end test"
    finally:
        client.stop()
        client.close()


def compile_probe(workdir):
    """Compiles Tests/QuorateTests/Oracle/FailoverProbe.java against zookeeper.jar."""
    source = os.path.join(ROOT, "Tests", "QuorateTests", "Oracle", "FailoverProbe.java")
    out = os.path.join(workdir, "probe")
    os.makedirs(out, exist_ok=True)
    subprocess.run(["javac", "-cp", ZK_JAR, "-d", out, source], check=True, capture_output=True)
    return out


def measure_failover(cluster, classes, connect_string, session_ms, extra_stops, placement):
    """Freezes the client's server (and `extra_stops` more of its list); returns the timings."""
    probe = subprocess.Popen(["java", "-Xmx64m", "-cp", f"{classes}:{ZK_JAR}", "FailoverProbe",
                              connect_string, str(session_ms)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, start_new_session=True)
    PROCESSES["probe"] = probe
    lines = queue.Queue()
    current = {"remote": "-"}

    def read():
        for line in probe.stdout:
            words = line.split()
            if words and words[0] == "REMOTE":
                current["remote"] = words[2]
            elif words:
                lines.put((time.monotonic(), words))

    threading.Thread(target=read, daemon=True).start()

    def next_event(states, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                t, words = lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if words[0] == "EVENT" and words[2] in states:
                return t, words
        raise AssertionError(f"no {states} event within {timeout}s")

    frozen = []
    try:
        _, words = next_event({"SyncConnected"}, 30)
        negotiated = int(words[5])
        time.sleep(3)  # steady state: pings every ~R/2 - 1 s
        remote = current["remote"]
        connected = next(m for m, (_, h, _) in cluster.servers.items() if h == remote)
        # Freeze the connected server and, for the second run, one more listed server.
        others = [m for m in sorted(cluster.servers) if m != connected]
        frozen = [connected] + others[:extra_stops]
        t0 = time.monotonic()
        for m in frozen:
            os.killpg(PROCESSES[m].pid, signal.SIGSTOP)
        t_notice, _ = next_event({"Disconnected"}, 30)
        t_back, words = next_event({"SyncConnected", "Expired"}, 30)
        return {"frozen": frozen, "negotiated": negotiated, "notice": (t_notice - t0) * 1000,
                "back": (t_back - t0) * 1000, "expired": words[2] == "Expired"}
    finally:
        for m in frozen:
            os.killpg(PROCESSES[m].pid, signal.SIGCONT)
        probe.stdin.close()
        probe.wait(timeout=10)
        PROCESSES.pop("probe", None)


def measure_expiry_behind_follower(cluster, classes, session_ms, run):
    """A client of a follower makes one request, and the follower is frozen right after it
    answers: the leader only knows of the client's activity up to the follower's last report.
    Returns how long after that answer the leader expired the session, seen by a second client
    (kazoo, on the other servers) as the deletion of the first client's ephemeral znode."""
    from kazoo.client import KazooClient
    modes = cluster.modes()
    follower = next(m for m in sorted(modes) if modes[m] == "follower")
    _, host, port = cluster.servers[follower]
    others = ",".join(f"{h}:{p}" for m, (_, h, p) in sorted(cluster.servers.items()) if m != follower)
    path = f"/quorate-expiry-probe-{run}"
    # Only the follower in its connect string: the client cannot fail over and renew the session.
    probe = subprocess.Popen(["java", "-Xmx64m", "-cp", f"{classes}:{ZK_JAR}", "FailoverProbe",
                              f"{host}:{port}", str(session_ms)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, start_new_session=True)
    PROCESSES["probe"] = probe
    lines = queue.Queue()

    def read():
        for line in probe.stdout:
            if line.split() and line.split()[0] != "REMOTE":
                lines.put((time.monotonic(), line.split()))

    threading.Thread(target=read, daemon=True).start()

    def expect(first, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                t, words = lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if words[0] == first or (first == "SyncConnected" and words[:3] == ["EVENT", words[1], first]):
                return t
            if words[0] == "FAILED":
                raise AssertionError(" ".join(words))
        raise AssertionError(f"no {first} from the probe within {timeout}s")

    def command(text):
        probe.stdin.write(text + "\n")
        probe.stdin.flush()
        return expect("DONE")

    watcher = KazooClient(hosts=others, timeout=10.0)
    frozen = False
    try:
        expect("SyncConnected")
        command(f"ephemeral {path}")
        watcher.start(timeout=30)
        deleted = {}
        done = threading.Event()

        def on_change(event):
            deleted["t"] = time.monotonic()
            done.set()

        if not watcher.exists(path, watch=on_change):
            raise AssertionError(f"{path} is not visible to the second client")
        time.sleep(3)  # idle: the client pings every P = min(R/2 - 1 s, 10 s)
        answered = command("op")
        os.killpg(PROCESSES[follower].pid, signal.SIGSTOP)
        frozen = True
        if not done.wait(session_ms / 1000 + 10):
            raise AssertionError(f"the session behind frozen '{follower}' did not expire")
        return follower, (deleted["t"] - answered) * 1000
    finally:
        if frozen:
            os.killpg(PROCESSES[follower].pid, signal.SIGCONT)
        watcher.stop()
        watcher.close()
        probe.stdin.close()
        probe.wait(timeout=10)
        PROCESSES.pop("probe", None)


def main():
    quorate = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="quorate-e2e-")
    passed = failed = 0
    try:
        cluster = Cluster(quorate, workdir)
        # Which datacenter each machine is in, from quorate's own analysis.
        analysis = quorate_json(quorate, "analyze", TOPOLOGY)
        connect = quorate_json(quorate, "connect", TOPOLOGY, "--app", "probe")
        connect_string = connect["apps"][0]["registries"][0]["connectString"]
        hosts, chroot = connect_string.split("/", 1)[0], "/" + connect_string.split("/", 1)[1]
        placement = {"a1": "dc-a", "a2": "dc-a", "b1": "dc-b", "b2": "dc-b", "c1": "dc-c"}
        assert [p["datacenter"] for p in analysis["ensembles"][0]["placement"]] == ["dc-a", "dc-b", "dc-c"]

        for m in cluster.servers:
            cluster.start(m)
        modes = cluster.wait_for(lambda ms: sorted(map(str, ms.values())) == ["follower"] * 4 + ["leader"], 90,
                                 "a leader and four followers")
        log(f"ensemble up: {modes}")

        # The real client, with the emitted connect string: create the chroot, then use it.
        from kazoo.client import KazooClient
        root = KazooClient(hosts=hosts, timeout=6.0)
        root.start(timeout=30)
        root.ensure_path(chroot)
        root.stop()
        root.close()
        ok = write_and_read(connect_string)
        log(f"kazoo with '{connect_string}': write and read {'ok' if ok else 'FAILED'}")
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)

        scenarios = [
            ["dc:dc-c"],
            ["dc:dc-b"],
            ["machine:a1"],
            ["dc:dc-a", "dc:dc-c"],
            ["machine:a1", "machine:b1", "machine:c1"],
            ["dc:dc-a"],
        ]
        for scenario in scenarios:
            args = [a for item in scenario for a in ("--fail", item)]
            prediction = quorate_json(quorate, "what-if", TOPOLOGY, *args)
            predicted = prediction["ensembles"][0]["quorum"]
            predicted_serving = set(prediction["ensembles"][0]["serving"])
            down = failed_machines(scenario, placement)
            for m in sorted(down):
                cluster.kill(m)
            survivors = set(cluster.servers) - down
            try:
                if predicted:
                    observed = cluster.wait_for(
                        lambda ms: sorted(str(ms[m]) for m in survivors) == sorted(["leader"] + ["follower"] * (len(survivors) - 1)),
                        60, "the survivors to elect a leader")
                    agreed = serving(observed) == predicted_serving and write_and_read(connect_string)
                else:
                    # Followers notice a lost leader within syncLimit x tickTime (2.5 s here);
                    # then nobody may serve, and must keep not serving.
                    cluster.wait_for(lambda ms: not serving({m: ms[m] for m in survivors}), 30,
                                     "the survivors to stop serving")
                    time.sleep(3)
                    observed = cluster.modes(survivors)
                    agreed = not serving(observed) and not predicted_serving
            except AssertionError as e:
                observed, agreed = str(e), False
            log(f"what-if {' '.join(scenario)}: quorate predicts quorum={predicted} serving={sorted(predicted_serving)}; "
                f"servers report {observed}: {'agree' if agreed else 'DISAGREE'}")
            passed, failed = (passed + 1, failed) if agreed else (passed, failed + 1)
            for m in sorted(down):
                cluster.start(m)
            cluster.wait_for(lambda ms: sorted(map(str, ms.values())) == ["follower"] * 4 + ["leader"], 90,
                             "the ensemble to recover")
        # Client fail-over against the model (facts sections 1.2 and 2).
        classes = compile_probe(workdir)
        session_ms = 6000
        for extra in (0, 1):
            k = 1 + extra
            prediction = quorate_json(quorate, "what-if", TOPOLOGY, *[a for m in ["a1", "b1"][:k] for a in ("--fail", "machine:" + m)])
            registry = prediction["apps"][0]["registries"][0]
            t, n = registry["sessionTimeoutMs"], registry["listed"]
            r_ms, c_ms = t * 2 // 3, t // n
            ping_ms = registry["pingIntervalMs"]  # ClientCnxn pings when idle for min(R/2 - 1 s, 10 s)
            if ping_ms != min(r_ms // 2 - 1000, 10000):
                raise AssertionError(f"pingIntervalMs {ping_ms} is not min(R/2 - 1 s, 10 s)")
            worst = (k - 1) * (c_ms + 1000) + 1000
            slack = 700  # scheduling, JVM and TCP on a shared 2-core machine
            result = measure_failover(cluster, classes, connect_string, session_ms, extra, placement)
            notice_ok = r_ms - ping_ms - slack <= result["notice"] <= r_ms + slack
            failover = result["back"] - result["notice"]
            failover_ok = failover <= worst + slack
            # The model promises survival when even the worst case fits in T - R - P.
            survival_ok = result["expired"] is False or worst > registry["failoverBudgetMs"]
            ok = result["negotiated"] == t and notice_ok and failover_ok and survival_ok
            log(f"fail-over with {k} of {n} servers frozen {result['frozen']}: T={result['negotiated']}ms; "
                f"noticed after {result['notice']:.0f}ms (model: {r_ms - ping_ms}..{r_ms}ms), "
                f"connected again {failover:.0f}ms later (model worst case {worst}ms, T-R={t - r_ms}ms); "
                f"session {'EXPIRED' if result['expired'] else 'survived'}: {'agree' if ok else 'DISAGREE'}")
            passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
            cluster.wait_for(lambda ms: sorted(map(str, ms.values())) == ["follower"] * 4 + ["leader"], 90,
                             "the ensemble to recover")
        # probe against the live ensemble: healthy, a killed member, a frozen one, one started
        # from another server list.
        def probe(*args):
            started = time.monotonic()
            run = subprocess.run([quorate, "probe", TOPOLOGY, "--format", "json", *args], capture_output=True, text=True)
            return run.returncode, json.loads(run.stdout), time.monotonic() - started

        def modes_of(doc):
            return {m["machine"]: m["mode"] for m in doc["ensembles"][0]["members"]}

        code, doc, _ = probe()
        ens = doc["ensembles"][0]
        ok = (code == 0 and ens["quorum"] and ens["leader"] is not None and ens["liveToleratedFailures"] == 2
              and sorted(modes_of(doc).values()) == ["follower"] * 4 + ["leader"] and not doc["diagnostics"])
        log(f"probe, healthy: exit {code}, modes {modes_of(doc)}, tolerates {ens['liveToleratedFailures']} more: {'agree' if ok else 'DISAGREE'}")
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)

        cluster.kill("a1")
        cluster.wait_for(lambda ms: sorted(str(v) for k, v in ms.items() if k != "a1") == ["follower"] * 3 + ["leader"], 60,
                         "the others to serve without a1")
        code, doc, _ = probe()
        ens = doc["ensembles"][0]
        ok = code == 1 and ens["quorum"] and modes_of(doc)["a1"] == "down" and ens["liveToleratedFailures"] == 1
        log(f"probe, a1 killed: exit {code}, a1 {modes_of(doc)['a1']}, tolerates {ens['liveToleratedFailures']} more: {'agree' if ok else 'DISAGREE'}")
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
        cluster.start("a1")
        cluster.wait_for(lambda ms: sorted(map(str, ms.values())) == ["follower"] * 4 + ["leader"], 90, "a1 back")

        os.killpg(PROCESSES["b1"].pid, signal.SIGSTOP)
        try:
            code, doc, elapsed = probe("--timeout", "500ms")
        finally:
            os.killpg(PROCESSES["b1"].pid, signal.SIGCONT)
        ok = code == 1 and modes_of(doc)["b1"] == "down" and elapsed < 3.0
        log(f"probe, b1 frozen: exit {code}, b1 {modes_of(doc)['b1']} after {elapsed:.2f}s (timeout 0.5s): {'agree' if ok else 'DISAGREE'}")
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
        cluster.wait_for(lambda ms: sorted(map(str, ms.values())) == ["follower"] * 4 + ["leader"], 90, "b1 back")

        # c1 restarted from a zoo.cfg with one more (observer) server line than the topology's.
        cfg, _, _ = cluster.servers["c1"]
        other = cfg + ".other"
        with open(cfg) as src, open(other, "w") as dst:
            dst.write(src.read() + "server.9=127.0.10.9:22888:23888:observer;127.0.10.9:22181\n")
        cluster.kill("c1")
        PROCESSES["c1"] = subprocess.Popen(
            ["java", "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", ZK_JAR,
             "org.apache.zookeeper.server.quorum.QuorumPeerMain", other],
            stdout=open(os.path.join(workdir, "c1-other.log"), "ab"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            code, doc, _ = probe()
            if modes_of(doc)["c1"] in ("leader", "follower", "observer"):
                break
            time.sleep(0.5)
        flagged = [d for d in doc["diagnostics"] if d["code"] == "P601"]
        ok = code == 1 and len(flagged) == 1 and "'c1'" in flagged[0]["message"]
        log(f"probe, c1 on another server list: exit {code}, c1 {modes_of(doc)['c1']}, P601 {len(flagged)}: {'agree' if ok else 'DISAGREE'}")
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
        # audit reads the same two files: the emitted one agrees with the plan, the other one
        # lists a server the plan does not have (U703), on the line that adds it.
        def audit(path):
            run = subprocess.run([quorate, "audit", TOPOLOGY, "--zoo-cfg", path, "--format", "json"],
                                 capture_output=True, text=True)
            return run.returncode, [(d["code"], d["line"]) for d in json.loads(run.stdout)["diagnostics"]]
        clean, differing = audit(cfg), audit(other)
        last_line = len(open(other).read().splitlines())
        ok = clean == (0, []) and differing == (1, [("U703", last_line)])
        log(f"audit, emitted zoo.cfg of c1: {clean}; the one c1 ran from: {differing}: {'agree' if ok else 'DISAGREE'}")
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
        cluster.kill("c1")
        cluster.start("c1")
        cluster.wait_for(lambda ms: sorted(map(str, ms.values())) == ["follower"] * 4 + ["leader"], 90, "c1 back")

        # Session expiry behind a follower: the model says the leader may have last heard of the
        # session one ping interval P before the client's last answer, so it expires between
        # T - P and T + tickTime after that answer (not T after it, as a leader's client sees).
        tick_ms = 500
        model = quorate_json(quorate, "what-if", TOPOLOGY, "--fail", "machine:a1")["apps"][0]["registries"][0]
        t, p = model["sessionTimeoutMs"], model["pingIntervalMs"]
        low, high, slack = t - p, t + tick_ms, 700
        for run in range(3):
            follower, expiry = measure_expiry_behind_follower(cluster, classes, session_ms, run)
            ok = low - slack <= expiry <= high + slack
            log(f"expiry behind frozen follower {follower} (run {run + 1}): the leader expired the session "
                f"{expiry:.0f}ms after the client's last answer (model: {low}..{high}ms; T={t}ms, P={p}ms): "
                f"{'agree' if ok else 'DISAGREE'}")
            passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
            cluster.wait_for(lambda ms: sorted(map(str, ms.values())) == ["follower"] * 4 + ["leader"], 90,
                             "the ensemble to recover")
    except Exception as e:  # report, count, and still clean up every process
        log(f"FAILED: {type(e).__name__}: {e}")
        failed += 1
    finally:
        kill_all()
        shutil.rmtree(workdir, ignore_errors=True)
    log(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
