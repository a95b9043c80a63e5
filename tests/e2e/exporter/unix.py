#!/usr/bin/env python3
"""`prometheus.exporter.unix` against Debian's node_exporter 1.5 on the
same machine.

node_exporter runs with the reference's defaults where Debian's differ
(no systemd collector, /proc/net/dev rather than netlink, no netdev
device excluded, cpu info on, the reference's filesystem exclusions), and
both read the same textfile directory. `flow run` runs one
`prometheus.exporter.unix` with its defaults and, for each collector,
one that runs only it (`set_collectors`); node_exporter is asked for one
collector at a time with `collect[]`. For every collector that succeeds
on both sides the metric families (name and TYPE) and each family's sets
of label names must be equal; a family only one side has fails the test
unless KNOWN gives the reason (docs/run.md says the same). Some values
must agree (memory, boot time, CPU seconds, textfile samples), and the
default component's target, scraped by `prometheus.scrape` into a real
Prometheus, must arrive with the reference's `job` and `instance`.

Usage: unix.py FLOW_BINARY
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import support  # noqa: E402
from support import free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])

# Families one side has and the other not, as {(collector, family): why}.
# None today: every collector both run has node_exporter's families.
KNOWN = {}

TEXTFILE = """# HELP e2e_jobs_total Jobs done.
# TYPE e2e_jobs_total counter
e2e_jobs_total{kind="a"} 3
e2e_jobs_total{kind="b"} 4
# TYPE e2e_temperature gauge
e2e_temperature 21.5
# TYPE e2e_latency_seconds histogram
e2e_latency_seconds_bucket{le="0.1"} 1
e2e_latency_seconds_bucket{le="1"} 4
e2e_latency_seconds_bucket{le="+Inf"} 5
e2e_latency_seconds_sum 3.5
e2e_latency_seconds_count 5
# TYPE e2e_rpc_seconds summary
e2e_rpc_seconds{quantile="0.5"} 0.2
e2e_rpc_seconds{quantile="0.9"} 0.7
e2e_rpc_seconds_sum 12
e2e_rpc_seconds_count 30
e2e_untyped 7
"""

MOUNT_POINTS_EXCLUDE = "^/(dev|proc|sys|var/lib/docker/.+)($|/)"
FS_TYPES_EXCLUDE = (
    "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|"
    "mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$"
)


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode()


LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$')
PAIR = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """(families: name -> type, samples: [(name, labels dict, value)])."""
    types, samples = {}, []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
        elif line and not line.startswith("#"):
            m = LINE.match(line)
            if not m:
                fail(f"unparsable line {line!r}")
            labels = dict(PAIR.findall(m.group(3) or ""))
            samples.append((m.group(1), labels, float(m.group(4))))
    return types, samples


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[: -len(suffix)] if name.endswith(suffix) else None
        if base and types.get(base) in ("histogram", "summary"):
            return base
    return name


def shape(text):
    """name -> (type, set of frozensets of label names) of one scrape."""
    types, samples = parse(text)
    out = {name: (kind, set()) for name, kind in types.items()}
    for name, labels, _ in samples:
        family = family_of(name, types)
        # An empty label is no label to Prometheus (client_golang writes
        # it, flow run leaves it out).
        names = frozenset(k for k, v in labels.items() if v and k not in ("le", "quantile"))
        out.setdefault(family, ("untyped", set()))[1].add(names)
    return {k: v for k, v in out.items() if v[1]}


def successes(text):
    _, samples = parse(text)
    return {l["collector"]: v for n, l, v in samples if n == "node_scrape_collector_success"}


def value(text, name, **labels):
    _, samples = parse(text)
    for n, l, v in samples:
        if n == name and all(l.get(k) == w for k, w in labels.items()):
            return v
    fail(f"no sample {name}{labels}")


def node_exporter(port, textfile):
    return subprocess.Popen(
        ["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{port}",
         "--web.disable-exporter-metrics", "--no-collector.systemd", "--collector.cpu.info",
         "--no-collector.netdev.netlink", "--collector.netdev.device-exclude=",
         f"--collector.filesystem.mount-points-exclude={MOUNT_POINTS_EXCLUDE}",
         f"--collector.filesystem.fs-types-exclude={FS_TYPES_EXCLUDE}",
         f"--collector.textfile.directory={textfile}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def config(collectors, textfile, write_url):
    blocks = [f'prometheus.exporter.unix "default" {{\n\ttextfile {{\n\t\tdirectory = "{textfile}"\n\t}}\n}}\n']
    for name in collectors:
        blocks.append(
            f'prometheus.exporter.unix "c_{name}" {{\n\tset_collectors = ["{name}"]\n'
            f'\ttextfile {{\n\t\tdirectory = "{textfile}"\n\t}}\n}}\n')
    blocks.append(
        'prometheus.scrape "unix" {\n\ttargets = prometheus.exporter.unix.default.targets\n'
        '\tforward_to = [prometheus.remote_write.out.receiver]\n\tscrape_interval = "2s"\n\tscrape_timeout = "1s"\n}\n'
        f'prometheus.remote_write "out" {{\n\tendpoint {{\n\t\turl = "{write_url}"\n\t}}\n}}\n')
    return "\n".join(blocks)


def compare(name, ours, theirs):
    """Differences of one collector's families and label sets, as lines."""
    a, b = shape(ours), shape(theirs)
    problems = []
    for family in sorted(set(a) | set(b)):
        if family.startswith("node_scrape_collector_"):
            continue
        if family not in b or family not in a:
            side = "flow run" if family in a else "node_exporter"
            reason = KNOWN.get((name, family))
            (print if reason else problems.append)(f"  {name}: {family} only in {side}" + (f" ({reason})" if reason else ""))
            continue
        if a[family][0] != b[family][0]:
            problems.append(f"  {name}: {family} is {a[family][0]} here, {b[family][0]} in node_exporter")
        if a[family][1] != b[family][1]:
            problems.append(f"  {name}: {family} labels {sorted(map(sorted, a[family][1]))} here, "
                            f"{sorted(map(sorted, b[family][1]))} in node_exporter")
    return problems


def check_values(ours, theirs):
    for name in ("node_memory_MemTotal_bytes", "node_boot_time_seconds", "node_filefd_maximum",
                 "node_entropy_pool_size_bits", "node_os_version"):
        if value(ours, name) != value(theirs, name):
            fail(f"{name}: {value(ours, name)} here, {value(theirs, name)} in node_exporter")
    for name, labels, tolerance in (
        ("node_cpu_seconds_total", {"cpu": "0", "mode": "idle"}, 10.0),
        ("node_time_seconds", {}, 10.0),
        ("node_nf_conntrack_entries_limit", {}, 0.0),
    ):
        a, b = value(ours, name, **labels), value(theirs, name, **labels)
        if abs(a - b) > tolerance:
            fail(f"{name}{labels}: {a} here, {b} in node_exporter")
    textfile = lambda text: sorted((n, sorted(l.items()), v) for n, l, v in parse(text)[1] if n.startswith(("e2e_", "node_textfile_")))
    if textfile(ours) != textfile(theirs):
        fail(f"textfile samples differ:\n{textfile(ours)}\n{textfile(theirs)}")


def main():
    work = support.scratch("unix-e2e-")
    textfile = os.path.join(work, "textfile")
    os.makedirs(textfile)
    with open(os.path.join(textfile, "e2e.prom"), "w") as f:
        f.write(TEXTFILE)
    ne_port = free_port()
    ne = node_exporter(ne_port, textfile)
    prometheus = flow = None
    try:
        prometheus = support.Prometheus(work)
        prometheus.start()
        wait("node_exporter serves", lambda: get(f"http://127.0.0.1:{ne_port}/metrics"))
        # First the defaults alone, to learn which collectors flow run has;
        # then one component more per collector.
        flow = support.FlowRun(FLOW, work, config([], textfile, prometheus.write_url)).start()
        api = f"http://127.0.0.1:{flow.port}/api/v0/component/prometheus.exporter.unix"
        names = sorted(successes(get(f"{api}.default/metrics")))
        flow.stop()
        flow = support.FlowRun(FLOW, work, config(names, textfile, prometheus.write_url)).start()
        api = f"http://127.0.0.1:{flow.port}/api/v0/component/prometheus.exporter.unix"
        ours_all = get(f"{api}.default/metrics")
        theirs_all = get(f"http://127.0.0.1:{ne_port}/metrics")
        ours_ok, theirs_ok = successes(ours_all), successes(theirs_all)
        both = sorted(n for n in ours_ok if ours_ok[n] == 1 and theirs_ok.get(n) == 1)
        log(f"collectors succeeding on both sides: {', '.join(both)}")
        for n in sorted(set(ours_ok) ^ set(theirs_ok)):
            print(f"  collector {n} runs only in {'flow run' if n in ours_ok else 'node_exporter'}")
        for n in sorted(n for n in set(ours_ok) & set(theirs_ok) if ours_ok[n] != theirs_ok[n]):
            print(f"  collector {n}: success {ours_ok[n]:g} here, {theirs_ok[n]:g} in node_exporter")
        problems = []
        for name in both:
            ours = get(f"{api}.c_{name}/metrics")
            theirs = get(f"http://127.0.0.1:{ne_port}/metrics?collect[]={name}")
            problems += compare(name, ours, theirs)
        if problems:
            fail("families differ:\n" + "\n".join(problems))
        log(f"{len(both)} collectors: the same families, types and label names")
        check_values(ours_all, theirs_all)
        log("values agree (memory, boot time, CPU, time, textfile)")
        host = socket.gethostname()
        found = wait("node_load1 in Prometheus", lambda: prometheus.query('node_load1{job="integrations/unix"}'), 60)
        if found[0]["metric"].get("instance") != os.environ.get("HOSTNAME", host):
            fail(f"instance {found[0]['metric']} is not the host name")
        log("prometheus.scrape delivered the target's series to Prometheus")
    finally:
        if flow:
            flow.stop()
        if prometheus and prometheus.process:
            prometheus.stop()
        ne.terminate()
        ne.wait(30)
    support.passed("PASS")


if __name__ == "__main__":
    main()
