#!/usr/bin/env python3
"""`prometheus.exporter.unix`'s bcache, btrfs, hwmon, infiniband, ipvs,
nfs, nfsd, xfs and zfs collectors against Debian's node_exporter 1.5,
both reading the same made-up /proc and /sys.

Few machines have bcache sets, InfiniBand cards, IPVS services, NFS
traffic or ZFS pools, so unix.py (which compares the host's own files)
sees these collectors report nothing. Here both exporters read the unit
tests' fixture trees (runtime/components/exporter/tests/data/unix/<name>,
merged into one tree) through `procfs_path` and `sysfs_path`, and every
sample must be the same: name, HELP, TYPE, labels and value, and each
collector's success.

Usage: unix_storage.py FLOW_BINARY
"""

import math
import os
import shutil
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import support  # noqa: E402
from support import free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIXTURES = os.path.join(ROOT, "runtime/components/exporter/tests/data/unix")
COLLECTORS = ["bcache", "btrfs", "hwmon", "infiniband", "ipvs", "nfs", "nfsd", "xfs", "zfs"]
# Families of the handler and the build, not of a collector.
OWN = ("node_scrape_collector_", "node_exporter_build_info", "promhttp_", "go_", "process_")


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode()


def tree(work):
    """The fixtures of the nine collectors, merged into one proc and sys."""
    root = os.path.join(work, "host")
    for name in COLLECTORS:
        source = os.path.join(FIXTURES, name)
        if not os.path.isdir(source):
            fail(f"no fixture {source}")
        shutil.copytree(source, root, symlinks=True, dirs_exist_ok=True)
    for part in ("proc", "sys"):
        os.makedirs(os.path.join(root, part), exist_ok=True)
    return root


def parse(text):
    """(help, type and samples per family; success per collector)."""
    families, success = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name, _, help_text = line[7:].partition(" ")
            families.setdefault(name, {"samples": set()})["help"] = help_text
        elif line.startswith("# TYPE "):
            name, _, kind = line[7:].partition(" ")
            families.setdefault(name, {"samples": set()})["type"] = kind
        elif line and not line.startswith("#"):
            series, _, value = line.rpartition(" ")
            name, _, labels = series.partition("{")
            # An empty label is no label (flow run leaves it out).
            pairs = tuple(sorted(p for p in split_labels(labels.rstrip("}")) if not p.endswith('=""')))
            if name == "node_scrape_collector_success":
                success[dict(p.split("=", 1) for p in pairs)["collector"].strip('"')] = float(value)
            families.setdefault(name, {"samples": set()})["samples"].add((pairs, float(value)))
    return {k: v for k, v in families.items() if not k.startswith(OWN)}, success


def split_labels(text):
    """`a="x",b="y"` into ['a="x"', 'b="y"'], commas inside values kept."""
    out, current, quoted, escaped = [], "", False, False
    for c in text:
        if c == "," and not quoted:
            out.append(current)
            current = ""
            continue
        current += c
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == '"':
            quoted = not quoted
    if current:
        out.append(current)
    return out


def same_samples(a, b):
    if len(a) != len(b):
        return False
    left, right = sorted(a), sorted(b)
    return all(x[0] == y[0] and math.isclose(x[1], y[1], rel_tol=1e-12, abs_tol=1e-15)
               for x, y in zip(left, right))


def compare(ours, theirs):
    problems = []
    for name in sorted(set(ours) | set(theirs)):
        if name not in ours or name not in theirs:
            problems.append(f"{name} only in {'flow run' if name in ours else 'node_exporter'}")
            continue
        a, b = ours[name], theirs[name]
        for key in ("help", "type"):
            if a.get(key) != b.get(key):
                problems.append(f"{name}: {key} {a.get(key)!r} here, {b.get(key)!r} in node_exporter")
        if not same_samples(a["samples"], b["samples"]):
            only_a = sorted(a["samples"] - b["samples"])[:3]
            only_b = sorted(b["samples"] - a["samples"])[:3]
            problems.append(f"{name}: samples differ: here {only_a}, node_exporter {only_b}")
    return problems


def main():
    work = support.scratch("unix-storage-e2e-")
    host = tree(work)
    proc, sysfs = os.path.join(host, "proc"), os.path.join(host, "sys")
    port = free_port()
    ne = subprocess.Popen(
        ["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{port}",
         "--web.disable-exporter-metrics", "--collector.disable-defaults",
         f"--path.procfs={proc}", f"--path.sysfs={sysfs}", "--collector.bcache.priorityStats"]
        + [f"--collector.{name}" for name in COLLECTORS],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    flow = None
    try:
        theirs_text = wait("node_exporter serves", lambda: get(f"http://127.0.0.1:{port}/metrics"))
        names = ", ".join(f'"{n}"' for n in COLLECTORS)
        config = (f'prometheus.exporter.unix "fixtures" {{\n\tset_collectors = [{names}]\n'
                  f'\tprocfs_path = "{proc}"\n\tsysfs_path = "{sysfs}"\n'
                  '\tbcache {\n\t\tpriority_stats = true\n\t}\n}\n')
        flow = support.FlowRun(FLOW, work, config).start()
        ours_text = flow.get("/api/v0/component/prometheus.exporter.unix.fixtures/metrics")
        ours, ours_ok = parse(ours_text)
        theirs, theirs_ok = parse(theirs_text)
        if ours_ok != theirs_ok:
            fail(f"collector success differs:\n  here {ours_ok}\n  node_exporter {theirs_ok}")
        empty = [n for n in COLLECTORS if not any(f.startswith(f"node_{n}_") for f in theirs)]
        if empty:
            fail(f"node_exporter reports nothing for {empty}: the fixtures do not exercise them")
        problems = compare(ours, theirs)
        if problems:
            fail("the nine collectors differ from node_exporter:\n  " + "\n  ".join(problems))
        count = sum(len(f["samples"]) for f in ours.values())
        print(f"{len(ours)} families, {count} samples: the same as node_exporter's", flush=True)
    finally:
        if flow:
            flow.stop()
        ne.terminate()
        ne.wait(30)
    support.passed("PASS")


if __name__ == "__main__":
    main()
