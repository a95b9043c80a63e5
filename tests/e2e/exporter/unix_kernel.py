#!/usr/bin/env python3
"""`prometheus.exporter.unix`'s network_route, qdisc, ethtool, wifi and
perf collectors against Debian's node_exporter 1.5, both asking the same
kernel.

The test runs in a network and mount namespace of its own (it starts
itself again under `unshare`), so that both exporters see devices,
routes and queueing disciplines made for it and nothing of the host's:
loopback, two veth pairs with addresses, a default route, a static route
with a metric, a multipath route with weights, a route with a preferred
source, one in another table, an IPv6 route; a pfifo root qdisc with
traffic through it, an mq root (its pfifo_fast children are not roots)
and an ingress qdisc. /sys is mounted again for the namespace's devices
(ethtool lists them there) and debugfs under it for perf's tracepoint.

For each collector `flow run` has a component that runs only it and
node_exporter is asked for it alone (`collect[]`): both must succeed or
fail alike, and where they succeed the families, types and label-name
sets must be equal (unix.py's comparison). Then the values: every route
with all its labels, each device's route count, the driver information
and link modes exactly; qdisc and ethtool counters must lie between two
scrapes of flow run taken before and after node_exporter's.

Usage: unix_kernel.py FLOW_BINARY
"""

import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import support  # noqa: E402
import unix  # noqa: E402
from support import free_port, wait  # noqa: E402
from unix import compare, fail, get, log, parse, successes  # noqa: E402

COLLECTORS = ["ethtool", "network_route", "perf", "qdisc", "wifi"]
TRACEPOINT = "sched:sched_switch"
# Collectors this namespace gives data to; wifi has no wireless device
# (and usually no nl80211 at all) and must only agree.
MUST_SUCCEED = {"ethtool", "network_route", "perf", "qdisc"}
INSIDE = "UNIX_KERNEL_E2E_NAMESPACE"

SETUP = [
    "ip link set lo up",
    "ip link add veth0 type veth peer name veth1",
    "ip link add veth2 type veth peer name veth3",
    *(f"ip link set {d} up" for d in ("veth0", "veth1", "veth2", "veth3")),
    "ip addr add 10.9.0.1/24 dev veth0",
    "ip addr add 10.9.1.1/24 dev veth2",
    "ip route add default via 10.9.0.2 dev veth0",
    "ip route add 10.20.0.0/16 via 10.9.0.2 dev veth0 metric 50 proto static",
    "ip route add 10.30.0.0/16 nexthop via 10.9.0.2 dev veth0 weight 1 nexthop via 10.9.1.2 dev veth2 weight 3",
    "ip route add 10.40.0.0/16 dev veth2 src 10.9.1.1 proto boot",
    "ip route add 10.50.0.0/16 via 10.9.1.2 dev veth2 table 100",
    "ip -6 route add 2001:db8::/32 dev veth2 metric 7",
    "tc qdisc replace dev veth0 root pfifo limit 100",
    "tc qdisc replace dev veth1 root mq",
    "tc qdisc add dev veth0 ingress",
    # The namespace's own /sys (its network devices), and the tracing
    # file system where perf finds tracepoints.
    "mount -t sysfs sysfs /sys",
    "mount -t debugfs debugfs /sys/kernel/debug",
]


def setup():
    for command in SETUP:
        result = subprocess.run(command.split(), capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"{command}: {result.stderr.strip()}")
    # Traffic out of veth0 (ARP for a neighbour nobody answers for), so
    # that its qdisc counts something.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _ in range(3):
            try:
                s.sendto(b"x", ("10.9.0.77", 9))
            except OSError:
                pass


def config():
    blocks = []
    for name in COLLECTORS:
        extra = f'\tperf {{\n\t\ttracepoint = ["{TRACEPOINT}"]\n\t}}\n' if name == "perf" else ""
        blocks.append(f'prometheus.exporter.unix "c_{name}" {{\n\tset_collectors = ["{name}"]\n{extra}}}\n')
    return "\n".join(blocks)


def samples(text, prefix):
    """{(name, sorted non-empty labels): value} of the families named so."""
    _, parsed = parse(text)
    return {(n, tuple(sorted((k, v) for k, v in l.items() if v))): v
            for n, l, v in parsed if n.startswith(prefix)}


def check_routes(ours, theirs):
    a, b = samples(ours, "node_network_route"), samples(theirs, "node_network_route")
    if a != b:
        fail(f"routes differ:\n  only here {sorted(set(a) - set(b))}\n  only in node_exporter {sorted(set(b) - set(a))}")
    routes = [dict(labels) for name, labels in a if name == "node_network_route_info"]
    wanted = [
        {"dest": "10.20.0.0/16", "priority": "50", "proto": "static", "gw": "10.9.0.2"},
        {"dest": "10.30.0.0/16", "device": "veth2", "gw": "10.9.1.2", "weight": "3"},
        {"dest": "10.40.0.0/16", "src": "10.9.1.1", "proto": "boot"},
        {"dest": "10.50.0.0/16", "device": "veth2"},
        {"dest": "2001:db8::/32", "priority": "7"},
        {"dest": "default", "gw": "10.9.0.2"},
    ]
    for want in wanted:
        if not any(all(r.get(k) == v for k, v in want.items()) for r in routes):
            fail(f"no route {want} in {routes}")
    log(f"network_route: the same {len(routes)} routes and per-device counts")


def check_between(name, texts, prefixes, exact_prefixes):
    """The collector's samples (families named with `prefixes`) must match
    in labels; exact families must be equal, the rest between flow run's
    scrapes before and after node_exporter's."""
    a, b, c = (samples(t, prefixes) for t in texts)
    if set(a) != set(b):
        fail(f"{name} series differ:\n  only here {sorted(set(a) - set(b))[:5]}\n"
             f"  only in node_exporter {sorted(set(b) - set(a))[:5]}")
    for key, value in b.items():
        if key[0].startswith(exact_prefixes):
            if a[key] != value:
                fail(f"{name}: {key} is {a[key]} here, {value} in node_exporter")
        elif not min(a[key], c.get(key, a[key])) <= value <= max(a[key], c.get(key, a[key])):
            fail(f"{name}: {key} is {value} in node_exporter, not between {a[key]} and {c.get(key)} here")
    return b


def main():
    if os.environ.get(INSIDE) != "1":
        # Again, in a network and mount namespace of the test's own.
        command = ["unshare", "--net", "--mount", "--propagation", "private",
                   sys.executable, os.path.abspath(__file__), *sys.argv[1:]]
        sys.exit(subprocess.run(command, env={**os.environ, INSIDE: "1"}).returncode)
    setup()
    work = support.scratch("unix-kernel-e2e-")
    port = free_port()
    ne = subprocess.Popen(
        ["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{port}",
         "--web.disable-exporter-metrics", "--collector.disable-defaults",
         f"--collector.perf.tracepoint={TRACEPOINT}"] + [f"--collector.{n}" for n in COLLECTORS],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    flow = None
    try:
        wait("node_exporter serves", lambda: get(f"http://127.0.0.1:{port}/metrics"))
        flow = support.FlowRun(unix.FLOW, work, config()).start()
        problems, texts = [], {}
        for name in COLLECTORS:
            path = f"/api/v0/component/prometheus.exporter.unix.c_{name}/metrics"
            before = flow.get(path)
            theirs = get(f"http://127.0.0.1:{port}/metrics?collect[]={name}")
            after = flow.get(path)
            texts[name] = (before, theirs, after)
            ours_ok, theirs_ok = successes(before).get(name), successes(theirs).get(name)
            if ours_ok != theirs_ok:
                problems.append(f"  {name}: success {ours_ok} here, {theirs_ok} in node_exporter")
            elif name in MUST_SUCCEED and ours_ok != 1:
                problems.append(f"  {name}: fails on both sides, so nothing is compared")
            elif ours_ok == 1:
                problems += compare(name, before, theirs)
        if problems:
            fail("collectors differ:\n" + "\n".join(problems))
        log(f"{', '.join(COLLECTORS)}: the same success, families, types and label names "
            f"(wifi {successes(texts['wifi'][0])['wifi']:g} on both sides)")
        check_routes(texts["network_route"][0], texts["network_route"][1])
        qdisc = check_between("qdisc", texts["qdisc"], "node_qdisc_", ())
        roots = sorted(dict(k[1])["device"] + ":" + dict(k[1])["kind"] for k in qdisc if k[0] == "node_qdisc_bytes_total")
        if roots != ["lo:noqueue", "veth0:pfifo", "veth1:mq", "veth2:noqueue", "veth3:noqueue"]:
            fail(f"qdisc roots {roots}")
        sent = qdisc[("node_qdisc_packets_total", (("device", "veth0"), ("kind", "pfifo")))]
        log(f"qdisc: the same root qdiscs {roots}, counters agree (veth0 sent {sent:g} packets)")
        ethtool = check_between("ethtool", texts["ethtool"], ("node_ethtool_", "node_network_"),
                                ("node_ethtool_info", "node_network_"))
        drivers = sorted(dict(k[1])["device"] for k in ethtool if k[0] == "node_ethtool_info")
        if not {"veth0", "veth1", "veth2", "veth3"} <= set(drivers):
            fail(f"node_ethtool_info for {drivers}: the veth devices are missing")
        log(f"ethtool: {len(ethtool)} series agree (driver information for {', '.join(drivers)})")
        perf = {k[0] for k in samples(texts["perf"][0], "node_perf_")}
        if "node_perf_sched_sched_switch" not in perf or "node_perf_context_switches_total" not in perf:
            fail(f"perf families {sorted(perf)}")
        log(f"perf: {len(perf)} families per CPU, the tracepoint {TRACEPOINT} among them")
    finally:
        if flow:
            flow.stop()
        ne.terminate()
        ne.wait(30)
    support.passed("PASS")


if __name__ == "__main__":
    main()
