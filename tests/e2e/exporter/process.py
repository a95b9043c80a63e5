#!/usr/bin/env python3
"""End-to-end test of `prometheus.exporter.process` against Debian's
`prometheus-process-exporter` (0.7.10, the version the reference embeds).

The script starts a known set of processes: two runner scripts
(`sh runner.sh --job alpha|beta`), each with children of its own (a copy
of `sleep` named `e2e-nap`, which a matcher of its own names, and plain
`sleep`s, which no matcher names), and one `e2e-nap` started on its own.
Then it starts two Debian exporters on loopback (one with the defaults,
one with `-children=false -threads=false -gather-smaps=false`) with the
same matchers in YAML, and `flow run` with two `prometheus.exporter.process`
components set the same way, and compares each pair's scrapes:

- the same group names (`job-alpha`, `job-beta` from a cmdline capture,
  `e2e-nap-root` from `{{.Comm}}-{{.Username}}`, and `threaded`, a
  Python process with four threads), and nothing else;
- the same `namedprocess_*` families, each with the same label names
  (the per-thread families with `track_threads` only);
- for the known groups, equal `num_procs`, `num_threads`,
  `open_filedesc`, `oldest_start_time_seconds`, `states`, virtual
  memory and `thread_count`: with children tracked, a runner's group holds the runner and its
  `sleep`s, while its `e2e-nap` child joins the `e2e-nap` group (a child
  that a matcher names is its own);
- counters that never go down across scrapes after a child exits.

Usage: process.py FLOW_BINARY   (Python 3 only; loopback addresses only)
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

# The helpers the end-to-end scripts share (tests/e2e/support.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support import FlowRun, free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])
EXPORTER = shutil.which("prometheus-process-exporter") or "/usr/bin/prometheus-process-exporter"

RUNNER = """#!/bin/sh
# $1 $2: --job NAME; $3: the e2e-nap binary; $4: how many plain sleeps.
"$3" 600 &
i=0
while [ "$i" -lt "$4" ]; do
    sleep 600 &
    i=$((i + 1))
done
wait
"""

YAML = """process_names:
  - name: "job-{{.Matches.job}}"
    cmdline:
      - 'runner\\.sh --job (?P<job>\\w+)'
  - name: "{{.Comm}}-{{.Username}}"
    comm:
      - e2e-nap
  - name: threaded
    cmdline:
      - e2e-threads
"""

THREADED = """
import threading, time
for _ in range(3):
    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
time.sleep(600)
"""

MATCHERS = r"""
	matcher {
		name    = "job-{{.Matches.job}}"
		cmdline = ["runner\\.sh --job (?P<job>\\w+)"]
	}

	matcher {
		name = "{{.Comm}}-{{.Username}}"
		comm = ["e2e-nap"]
	}

	matcher {
		name    = "threaded"
		cmdline = ["e2e-threads"]
	}
"""

CONFIG = f"""
prometheus.exporter.process "on" {{{MATCHERS}}}

prometheus.exporter.process "off" {{
	track_children = false
	track_threads  = false
	gather_smaps   = false
{MATCHERS}}}
"""

# Gauges that must be equal for the known groups (stable sleeping processes).
EQUAL = ["num_procs", "num_threads", "open_filedesc", "oldest_start_time_seconds", "states",
         "worst_fd_ratio"]


def parse(text):
    """{family: {labels tuple: value}} of the namedprocess_* samples."""
    out = {}
    for line in text.splitlines():
        if not line.startswith("namedprocess_"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$', line)
        assert m, line
        labels = tuple(sorted(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"',
                                         m.group(2) or "")))
        out.setdefault(m.group(1), {})[labels] = float(m.group(3))
    return out


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


def groups(families):
    return sorted(dict(k)["groupname"] for k in families.get("namedprocess_namegroup_num_procs", {}))


def label_names(families):
    return {name: sorted({tuple(k for k, _ in labels) for labels in samples})
            for name, samples in families.items()}


def of_group(families, family, group):
    samples = families.get(f"namedprocess_namegroup_{family}", {})
    return {labels: v for labels, v in samples.items() if dict(labels)["groupname"] == group}


def compare(what, debian, flow, expected):
    problems = []
    if groups(debian) != groups(flow):
        problems.append(f"groups: Debian {groups(debian)}, flow run {groups(flow)}")
    if groups(flow) != sorted(expected):
        problems.append(f"groups: flow run {groups(flow)}, expected {sorted(expected)}")
    if sorted(debian) != sorted(flow):
        problems.append(f"families: Debian {sorted(debian)}, flow run {sorted(flow)}")
    d_labels, f_labels = label_names(debian), label_names(flow)
    for family in sorted(set(d_labels) & set(f_labels)):
        if d_labels[family] != f_labels[family]:
            problems.append(f"{family} labels: Debian {d_labels[family]}, flow run {f_labels[family]}")
    for group, procs in expected.items():
        got = of_group(flow, "num_procs", group)
        if list(got.values()) != [procs]:
            problems.append(f"{group}: num_procs {got}, expected {procs}")
        for family in EQUAL + ["memory_bytes", "thread_count"]:
            d, f = of_group(debian, family, group), of_group(flow, family, group)
            if family == "memory_bytes":
                d = {k: v for k, v in d.items() if dict(k)["memtype"] == "virtual"}
                f = {k: v for k, v in f.items() if dict(k)["memtype"] == "virtual"}
            if d != f:
                problems.append(f"{group} {family}: Debian {d}, flow run {f}")
    for p in problems:
        print(f"FAIL ({what}): {p}")
    if problems:
        raise SystemExit(1)
    print(f"ok ({what}): groups {groups(flow)}, {len(flow)} families, num_procs {expected}")


def children(pid):
    """The pids whose parent is `pid`."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                out.append(int(entry))
    return out


def comm(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def start_processes(work):
    nap = os.path.join(work, "e2e-nap")
    shutil.copy(shutil.which("sleep"), nap)
    runner = os.path.join(work, "runner.sh")
    with open(runner, "w") as f:
        f.write(RUNNER)
    # Each in a session of its own, so that its children end with it.
    procs = [subprocess.Popen(["sh", runner, "--job", job, nap, str(n)], start_new_session=True)
             for job, n in (("alpha", 2), ("beta", 1))]
    procs.append(subprocess.Popen([nap, "600"], start_new_session=True))
    # A process with four threads, for the per-thread families.
    procs.append(subprocess.Popen([sys.executable, "-c", THREADED, "e2e-threads"],
                                  start_new_session=True))
    # Wait until every child has run its program (a forked shell not yet
    # replaced by sleep would be named as the runner, by both exporters).
    wait("the threads", lambda: len(os.listdir(f"/proc/{procs[3].pid}/task")) == 4, 20)
    for p, n in zip(procs[:2], (2, 1)):
        wait(f"runner {p.pid}'s children", lambda p=p, n=n: sorted(
            comm(c) for c in children(p.pid)) == sorted(["e2e-nap"] + ["sleep"] * n), 20)
    return procs


def main():
    work = tempfile.mkdtemp(prefix="e2e-exporter-process-")
    started = []
    try:
        procs = start_processes(work)
        started += procs
        config = os.path.join(work, "process-exporter.yml")
        with open(config, "w") as f:
            f.write(YAML)
        ports = {"on": free_port(), "off": free_port()}
        flags = {"on": [], "off": ["-children=false", "-threads=false", "-gather-smaps=false"]}
        for name, port in ports.items():
            started.append(subprocess.Popen(
                [EXPORTER, "-config.path", config, "-web.listen-address", f"127.0.0.1:{port}"]
                + flags[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        flow = FlowRun(FLOW, work, CONFIG).start()
        try:
            debian = {n: f"http://127.0.0.1:{p}/metrics" for n, p in ports.items()}
            ours = {n: f"http://127.0.0.1:{flow.port}/api/v0/component/prometheus.exporter.process.{n}/metrics"
                    for n in ports}
            for n in ports:
                wait(f"Debian's exporter ({n})", lambda n=n: get(debian[n]), 30)
                wait(f"flow run's exporter ({n})", lambda n=n: get(ours[n]), 30)
            expected = {
                "on": {"job-alpha": 3, "job-beta": 2, "e2e-nap-root": 3, "threaded": 1},
                "off": {"job-alpha": 1, "job-beta": 1, "e2e-nap-root": 3, "threaded": 1},
            }
            for n in ports:
                compare(n, parse(get(debian[n])), parse(get(ours[n])), expected[n])
            monotonic(ours["on"], procs[0].pid)
        finally:
            flow.stop()
    finally:
        for p in started:
            stop(p)
        shutil.rmtree(work, ignore_errors=True)


def stop(p):
    """Ends `p` and, for the processes started in a session of their own,
    everything in its process group."""
    try:
        if os.getpgid(p.pid) == p.pid:
            os.killpg(p.pid, signal.SIGTERM)
        else:
            p.terminate()
    except ProcessLookupError:
        pass
    p.wait(10)


def monotonic(url, runner):
    """A tracked child that exits leaves its group's counters as they were."""
    before = parse(get(url))
    sleeps = [c for c in children(runner) if comm(c) == "sleep"]
    os.kill(sleeps[0], 15)
    wait("a sleep to exit", lambda: sleeps[0] not in children(runner), 10)
    time.sleep(0.2)
    after = parse(get(url))
    procs = of_group(after, "num_procs", "job-alpha")
    if list(procs.values()) != [2.0]:
        raise SystemExit(f"FAIL: job-alpha after a child exited: num_procs {procs}")
    for family, samples in before.items():
        if not family.endswith("_total"):
            continue
        for labels, value in samples.items():
            if after.get(family, {}).get(labels, 0.0) < value:
                raise SystemExit(f"FAIL: {family}{dict(labels)} went down: {value} -> "
                                 f"{after[family].get(labels)}")
    print("ok: counters kept after a tracked child exited")


if __name__ == "__main__":
    main()
