#!/usr/bin/env python3
"""quorate's benchmark: every command on generated estates, against two baselines measured in
the same run on the same files.

    bench.py --binary .build/release/quorate [--sizes S,M,L,XL] [--runs 3] [--rounds 7]
             [--write docs/performance.md]

Baselines: the floor (a C program that only parses the file's YAML events with libyaml, what
any tool reading YAML through libyaml pays at least) and PyYAML's C loader (what a script pays
just to load the file). For `emit`, `tar -xf` of the same files into an empty folder.

Figures are medians of wall time over the runs (a command slower than --long seconds runs
once), with peak resident memory from wait4. The baselines and the commands that only read
run in interleaved rounds (--rounds, each command once per round), so that a noisy stretch of
a shared machine slows one round of every command, floor included, rather than every run of
one command; `emit` and `tar -xf` run --runs times each. Ratios, not absolute times, are what compare
between machines; the growth column says how time grows against file size from one size to
the next (1.00 = linear).
"""

import argparse
import datetime
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


TIMEOUT = 600.0


def run(argv):
    """Runs argv with output to /dev/null; returns (seconds, peak KiB, exit status). Peak memory
    comes from GNU time: a child forked from Python would start with Python's own pages."""
    with tempfile.NamedTemporaryFile("r") as peak, open(os.devnull, "wb") as null:
        start = time.perf_counter()
        # No timeout= on wait: Popen.wait(timeout) polls with sleeps of up to 50 ms, which
        # would round every figure up to the next poll. A timer kills a command that hangs.
        p = subprocess.Popen(
            ["/usr/bin/time", "-q", "-f", "%M", "-o", peak.name] + argv,
            stdout=null,
            stderr=null,
            start_new_session=True,
        )
        fired = []

        def stop():
            fired.append(True)
            os.killpg(p.pid, signal.SIGKILL)

        timer = threading.Timer(TIMEOUT, stop)
        timer.start()
        p.wait()
        timer.cancel()
        if fired:
            return math.inf, 0, 0
        elapsed = time.perf_counter() - start
        try:
            kib = int(peak.read().split()[-1])
        except (ValueError, IndexError):
            kib = 0
    return elapsed, kib, p.returncode


def measure(argv, runs, long_seconds, ok=(0,), before=None):
    times, peaks = [], []
    for i in range(runs):
        if before:
            before()
        t, kib, code = run(argv)
        if code not in ok:
            raise SystemExit(f"bench: {' '.join(argv)} exited {code}")
        times.append(t)
        peaks.append(kib)
        if t > long_seconds:
            break
    return statistics.median(times), max(peaks), len(times)


def measure_rounds(commands, rounds, long_seconds):
    """Each of `commands` (name, argv) once per round, `rounds` rounds; a command slower than
    `long_seconds` is not run again. Returns name -> (median seconds, peak KiB, runs)."""
    times = {name: [] for name, _ in commands}
    peaks = {name: [] for name, _ in commands}
    for _ in range(rounds):
        for name, argv in commands:
            if times[name] and times[name][-1] > long_seconds:
                continue
            t, kib, code = run(argv)
            if code != 0:
                raise SystemExit(f"bench: {' '.join(argv)} exited {code}")
            times[name].append(t)
            peaks[name].append(kib)
    return {name: (statistics.median(times[name]), max(peaks[name]), len(times[name])) for name, _ in commands}


def remove(path):
    """rm -rf: several times faster than shutil.rmtree on an emitted estate's million files."""
    subprocess.run(["rm", "-rf", "--", path], check=False)


def build_floor(workdir):
    source = os.path.join(HERE, "floor", "yaml-events.c")
    out = os.path.join(workdir, "yaml-events")
    compiler = next((c for c in (os.environ.get("CC"), "cc", "gcc", "clang") if c and shutil.which(c)), None)
    if compiler is None:
        raise SystemExit("bench: no C compiler (cc, gcc or clang) to build the libyaml floor")
    subprocess.run([compiler, "-O2", "-o", out, source, "-lyaml"], check=True)
    return out


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            mem = f", {kib / 1048576:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, Linux {platform.release()}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build/release/quorate"))
    ap.add_argument("--sizes", default="S,M,L,XL")
    ap.add_argument("--runs", type=int, default=3, help="runs of emit and tar -xf")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds of the baselines and read-only commands")
    ap.add_argument("--long", type=float, default=20.0, help="run once a command slower than this")
    ap.add_argument("--timeout", type=float, default=600.0, help="give up on a command after this many seconds")
    ap.add_argument("--write", help="also write the figures as Markdown to this file")
    args = ap.parse_args()
    global TIMEOUT
    TIMEOUT = args.timeout
    sizes = [s for s in args.sizes.split(",") if s]
    binary = os.path.abspath(args.binary)
    work = tempfile.mkdtemp(prefix="quorate-bench-")
    try:
        floor = build_floor(work)
        version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
        results = {}  # size -> list of (name, seconds, peak KiB, runs, baseline name)
        files = {}
        startup = measure([binary, "--version"], max(args.runs, 5), args.long)
        for size in sizes:
            path = os.path.join(work, f"{size}.yaml")
            subprocess.run([sys.executable, os.path.join(HERE, "generate-estate.py"), size, path], check=True)
            files[size] = os.path.getsize(path)
            print(f"{size}: {files[size] / 1048576:.1f} MiB", flush=True)
            rows = []

            def row(name, t, kib, n, base):
                rows.append((name, t, kib, n, base))
                print(f"  {name:<28} {t:8.3f} s  {kib / 1024:8.1f} MiB  ({n} run{'s' if n > 1 else ''})", flush=True)

            def add(name, argv, base="floor", ok=(0,), before=None):
                t, kib, n = measure(argv, args.runs, args.long, ok=ok, before=before)
                row(name, t, kib, n, base)

            reading = [
                ("libyaml events (floor)", [floor, path], None),
                (
                    "PyYAML CSafeLoader",
                    [sys.executable, "-c", "import sys,yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)", path],
                    "floor",
                ),
                ("check", [binary, "check", path], "floor"),
                ("analyze", [binary, "analyze", path], "floor"),
                ("analyze --format json", [binary, "analyze", "--format", "json", path], "floor"),
                ("compare", [binary, "compare", path], "floor"),
                ("what-if --fail dc:dc000", [binary, "what-if", path, "--fail", "dc:dc000"], "check"),
                ("matrix", [binary, "matrix", path], "floor"),
                ("connect", [binary, "connect", path], "floor"),
                ("report", [binary, "report", path], "floor"),
            ]
            measured = measure_rounds([(name, argv) for name, argv, _ in reading], args.rounds, args.long)
            for name, _, base in reading:
                row(name, *measured[name], base)
            out = os.path.join(work, f"out-{size}")

            def fresh():
                remove(out)

            add("emit (every file)", [binary, "emit", path, "-o", out], base="tar -xf", before=fresh)
            # 1 (drift) only when emit above was stopped by --timeout.
            add("emit --check", [binary, "emit", "--check", path, "-o", out], ok=(0, 1))
            if os.path.isdir(out):
                # The same check once the stat cache vouches for every file: a plain emit that
                # changes nothing records the files once they are 2 s old (docs/outputs.md).
                time.sleep(2.1)
                subprocess.run([binary, "emit", path, "-o", out], capture_output=True)
                add("emit --check (stat cache)", [binary, "emit", "--check", path, "-o", out], ok=(0, 1))
            archive = os.path.join(work, f"{size}.tar")
            untar = os.path.join(work, f"untar-{size}")
            if os.path.isdir(out):
                with tarfile.open(archive, "w") as tar:
                    tar.add(out, arcname=".")

                def fresh_untar():
                    remove(untar)
                    os.makedirs(untar)

                t, kib, n = measure(["tar", "-xf", archive, "-C", untar], args.runs, args.long, before=fresh_untar)
                os.remove(archive)
            else:  # emit did not finish: nothing to compare with
                t, kib, n = math.inf, 0, 0
            rows.append(("tar -xf (same files)", t, kib, n, None))
            print(f"  {'tar -xf (same files)':<28} {t:8.3f} s", flush=True)
            remove(out)
            remove(untar)
            results[size] = rows
        text = report(results, files, sizes, startup, version, args.runs, args.rounds)
        print()
        print(text)
        if args.write:
            with open(args.write + ".tmp", "w") as f:
                f.write(text)
            os.replace(args.write + ".tmp", args.write)
    finally:
        remove(work)


def report(results, files, sizes, startup, version, runs, rounds):
    lines = []
    w = lines.append
    w("# Performance figures")
    w("")
    w("Written by `make bench` (Benchmarks/bench.py); do not edit by hand. How to read them and what")
    w("the profile shows: [performance-notes.md](performance-notes.md).")
    w("")
    w(f"- Machine: {machine()}")
    w(
        f"- quorate: {version}; date {datetime.date.today().isoformat()}; medians of {rounds} interleaved rounds"
        f" of the baselines and read-only commands, of up to {runs} run{'s' if runs != 1 else ''} of `emit` and `tar -xf`"
    )
    w(f"- Process start (`quorate --version`): {startup[0] * 1000:.0f} ms, {startup[1] / 1024:.1f} MiB")
    w("")
    for size in sizes:
        rows = results[size]
        by = {r[0]: r for r in rows}
        floor = by["libyaml events (floor)"][1]
        w(f"## {size}: {files[size] / 1048576:.1f} MiB")
        w("")
        w("| command | median | ratio | peak memory | memory / file |")
        w("|---|---:|---:|---:|---:|")
        for name, t, kib, n, base in rows:
            if base is None:
                ratio = "baseline"
            else:
                ref = {"floor": floor, "check": by["check"][1], "tar -xf": by["tar -xf (same files)"][1]}[base]
                ratio = f"{t / ref:.1f}x {base}" if 0 < ref < math.inf else "n/a"
            if math.isinf(t):
                w(f"| {name} | more than {TIMEOUT:.0f} s (stopped) | | | |")
                continue
            w(f"| {name} | {t:.3f} s | {ratio} | {kib / 1024:.0f} MiB | {kib * 1024 / files[size]:.1f}x |")
        w("")
    if len(sizes) >= 2:
        w("## Growth")
        w("")
        w("Time ratio divided by file-size ratio from one size to the next (1.00 = linear; the goal")
        w("is at most 1.15 from L to XL).")
        w("")
        pairs = list(zip(sizes, sizes[1:]))
        w("| command | " + " | ".join(f"{a} -> {b}" for a, b in pairs) + " |")
        w("|---|" + "---:|" * len(pairs))
        for name, *_ in results[sizes[0]]:
            cells = []
            for a, b in pairs:
                ta = dict((r[0], r[1]) for r in results[a])[name]
                tb = dict((r[0], r[1]) for r in results[b])[name]
                growth = (tb / ta) / (files[b] / files[a]) if 0 < ta < math.inf and tb < math.inf else math.nan
                cells.append("n/a" if math.isnan(growth) else f"{growth:.2f}")
            w(f"| {name} | " + " | ".join(cells) + " |")
        w("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
