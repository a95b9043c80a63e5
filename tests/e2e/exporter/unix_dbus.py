#!/usr/bin/env python3
"""`prometheus.exporter.unix`'s systemd and logind collectors against
Debian's node_exporter 1.5, both talking D-Bus to the same fake systemd
and logind.

A private dbus-daemon listens on a unix socket in a temporary folder;
on it this script (run again with --serve) owns org.freedesktop.systemd1
and org.freedesktop.login1 and answers exactly what node_exporter asks:
the manager's ListUnits, Version and SystemState, the unit objects'
Service, Mount, Timer, Socket and Unit properties (on the paths systemd
escapes unit names into), and logind's ListSeats, ListSessions and the
sessions' Remote, Type and Class. Both exporters find the bus through
DBUS_SYSTEM_BUS_ADDRESS. Every sample must be the same (name, HELP, TYPE,
labels, value), with some values checked against the fake's units and
sessions; then with the services gone, and then with no bus at all, both
must report node_scrape_collector_success 0 for both collectors, quickly.

Usage: unix_dbus.py FLOW_BINARY
"""

import asyncio
import os
import shutil
import subprocess
import sys
import time

SYSTEMD = "org.freedesktop.systemd1"
LOGIN = "org.freedesktop.login1"
MAX64 = 2**64 - 1

# name, load state, active state, and properties by interface (short name).
UNITS = [
    ("ssh.service", "loaded", "active", {
        "Service": {"Type": ("s", "notify"), "NRestarts": ("u", 2),
                    "TasksCurrent": ("t", 3), "TasksMax": ("t", 4915)},
        "Unit": {"ActiveEnterTimestamp": ("t", 1700000000123456)}}),
    ("cron.service", "loaded", "inactive", {
        "Service": {"Type": ("s", "simple"), "NRestarts": ("u", 0),
                    "TasksCurrent": ("t", MAX64), "TasksMax": ("t", MAX64)},
        "Unit": {"ActiveEnterTimestamp": ("t", 0)}}),
    ("systemd-fsck@dev-sda1.service", "loaded", "failed", {
        "Service": {"Type": ("s", "oneshot"), "NRestarts": ("u", 5),
                    "TasksCurrent": ("t", 0), "TasksMax": ("t", 100)},
        "Unit": {"ActiveEnterTimestamp": ("t", 0)}}),
    # A leading digit is escaped in the object path.
    ("1password.service", "loaded", "activating", {
        "Service": {"Type": ("s", "forking")},
        "Unit": {"ActiveEnterTimestamp": ("t", 0)}}),
    ("apt-daily.timer", "loaded", "active", {
        "Timer": {"LastTriggerUSec": ("t", 1700000100000000)},
        "Unit": {"ActiveEnterTimestamp": ("t", 1699999000000000)}}),
    ("dbus.socket", "loaded", "active", {
        "Socket": {"NAccepted": ("u", 10), "NConnections": ("u", 2), "NRefused": ("u", 1)},
        "Unit": {"ActiveEnterTimestamp": ("t", 1699990000000000)}}),
    # Before systemd 239 a socket has no NRefused: left out.
    ("old.socket", "loaded", "active", {
        "Socket": {"NAccepted": ("u", 5), "NConnections": ("u", 1)},
        "Unit": {"ActiveEnterTimestamp": ("t", 1699990000500000)}}),
    ("home.mount", "loaded", "active", {
        "Mount": {"Type": ("s", "ext4")},
        "Unit": {"ActiveEnterTimestamp": ("t", 1699980000000000)}}),
    ("nfs.service", "not-found", "inactive", {}),
    ("dev-sda.device", "loaded", "active", {}),
    ("user.slice", "loaded", "active", {}),
    ("daemon.service", "loaded", "reloading", {
        "Service": {"Type": ("s", "notify")}, "Unit": {"ActiveEnterTimestamp": ("t", 0)}}),
]
# id, uid, user, seat, and Remote, Type, Class.
SESSIONS = [
    ("1", 1000, "alice", "seat0", False, "x11", "user"),
    ("2", 1000, "alice", "", True, "tty", "user"),
    ("3", 1000, "alice", "", True, "tty", "user"),
    ("4", 0, "root", "", False, "unspecified", "background"),
    ("5", 1001, "bob", "seat0", False, "holographic", "manager"),
]
# What the collectors must report: unit_exclude keeps mounts, not devices or slices.
UNIT_EXCLUDE = r".+\.(automount|device|scope|slice)"


def escape(name):
    """A unit name as systemd escapes it in an object path."""
    return "".join(c if c.isascii() and (c.isalpha() or (c.isdigit() and i)) else f"_{ord(c):02x}"
                   for i, c in enumerate(name)) or "_"


async def serve(address):
    # A property a unit lacks is an error reply, as systemd's; not a log line.
    import logging
    logging.disable(logging.ERROR)
    from dbus_next.aio import MessageBus
    from dbus_next.service import PropertyAccess, ServiceInterface, dbus_property, method

    def interface(name, props):
        """A ServiceInterface `name` with read-only properties {name: (signature, value)}."""
        def getter(prop, signature, value):
            def get(self):
                return value
            # dbus-next finds the getter by its name, its type by its annotation.
            get.__name__ = prop
            get.__annotations__ = {"return": signature}
            return get
        attrs = {p: dbus_property(access=PropertyAccess.READ, name=p)(getter(p, sig, value))
                 for p, (sig, value) in props.items()}
        attrs["__init__"] = lambda self: ServiceInterface.__init__(self, name)
        return type("Fake_" + name.replace(".", "_"), (ServiceInterface,), attrs)()

    class Manager(ServiceInterface):
        def __init__(self):
            super().__init__(f"{SYSTEMD}.Manager")

        @method()
        def ListUnits(self) -> "a(ssssssouso)":
            return [[name, "", load, active, "running" if active == "active" else "dead", "",
                     f"/org/freedesktop/systemd1/unit/{escape(name)}", 0, "", "/"]
                    for name, load, active, _ in UNITS]

        @dbus_property(access=PropertyAccess.READ)
        def Version(self) -> "s":
            return "252.22-1~deb12u1"

        @dbus_property(access=PropertyAccess.READ)
        def SystemState(self) -> "s":
            return "degraded"

    class Login(ServiceInterface):
        def __init__(self):
            super().__init__(f"{LOGIN}.Manager")

        @method()
        def ListSeats(self) -> "a(so)":
            return [["seat0", "/org/freedesktop/login1/seat/seat0"]]

        @method()
        def ListSessions(self) -> "a(susso)":
            return [[sid, uid, user, seat, f"/org/freedesktop/login1/session/{escape(sid)}"]
                    for sid, uid, user, seat, *_ in SESSIONS]

    bus = await MessageBus(bus_address=address).connect()
    bus.export("/org/freedesktop/systemd1", Manager())
    for name, _, _, interfaces in UNITS:
        for short, props in interfaces.items():
            bus.export(f"/org/freedesktop/systemd1/unit/{escape(name)}",
                       interface(f"{SYSTEMD}.{short}", props))
    bus.export("/org/freedesktop/login1", Login())
    for sid, _, _, _, remote, kind, klass in SESSIONS:
        props = {"Remote": ("b", remote), "Type": ("s", kind), "Class": ("s", klass)}
        bus.export(f"/org/freedesktop/login1/session/{escape(sid)}", interface(f"{LOGIN}.Session", props))
    await bus.request_name(SYSTEMD)
    await bus.request_name(LOGIN)
    print("ready", flush=True)
    await bus.wait_for_disconnect()


if len(sys.argv) == 3 and sys.argv[1] == "--serve":
    asyncio.run(serve(sys.argv[2]))
    sys.exit(0)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import support  # noqa: E402
from support import free_port, wait  # noqa: E402
from unix_storage import compare, get, parse  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])
HERE = os.path.abspath(__file__)

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>custom</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Bus:
    """A private dbus-daemon on a unix socket under `work`."""

    def __init__(self, work):
        self.socket = os.path.join(work, "bus")
        self.address = f"unix:path={self.socket}"
        config = os.path.join(work, "bus.conf")
        with open(config, "w") as f:
            f.write(BUS_CONFIG.format(socket=self.socket))
        self.process = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("unix:path="):
            fail(f"dbus-daemon did not start: {line!r}")

    def stop(self):
        self.process.terminate()
        self.process.wait(30)


def fake(address):
    """This script's --serve mode: the fake systemd and logind, once their names are owned."""
    process = subprocess.Popen([sys.executable, HERE, "--serve", address],
                               stdout=subprocess.PIPE, text=True)
    if process.stdout.readline().strip() != "ready":
        fail("the fake systemd and logind did not start")
    return process


def node_exporter(port, address):
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=address)
    return subprocess.Popen(
        ["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{port}",
         "--web.disable-exporter-metrics", "--collector.disable-defaults",
         "--collector.systemd", "--collector.logind",
         "--collector.systemd.enable-task-metrics", "--collector.systemd.enable-restarts-metrics",
         "--collector.systemd.enable-start-time-metrics",
         f"--collector.systemd.unit-exclude={UNIT_EXCLUDE}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


CONFIG = """prometheus.exporter.unix "dbus" {
\tset_collectors = ["systemd", "logind"]
\tsystemd {
\t\tenable_restarts = true
\t\tstart_time = true
\t\ttask_metrics = true
\t\tunit_exclude = "%s"
\t}
}
""" % UNIT_EXCLUDE.replace("\\", "\\\\")


def sample(families, family, labels):
    """The value of the one sample of `family` with these labels (empty ones left out)."""
    want = tuple(sorted(f'{k}="{v}"' for k, v in labels.items() if v))
    for pairs, value in families.get(family, {}).get("samples", ()):
        if pairs == want:
            return value
    fail(f"no sample {family}{labels}")


def check_values(ours):
    """The fake's units and sessions, as the collectors must count them."""
    expect = [
        (("node_systemd_unit_state", {"name": "ssh.service", "state": "active", "type": "notify"}), 1),
        (("node_systemd_unit_state", {"name": "ssh.service", "state": "inactive", "type": "notify"}), 0),
        (("node_systemd_unit_state", {"name": "systemd-fsck@dev-sda1.service", "state": "failed", "type": "oneshot"}), 1),
        (("node_systemd_unit_state", {"name": "1password.service", "state": "activating", "type": "forking"}), 1),
        (("node_systemd_unit_state", {"name": "home.mount", "state": "active", "type": "ext4"}), 1),
        (("node_systemd_unit_state", {"name": "apt-daily.timer", "state": "active", "type": ""}), 1),
        (("node_systemd_units", {"state": "active"}), 7),
        (("node_systemd_units", {"state": "inactive"}), 2),
        (("node_systemd_units", {"state": "reloading"}), 1),
        (("node_systemd_units", {"state": "deactivating"}), 0),
        (("node_systemd_system_running", {}), 0),
        (("node_systemd_version", {"version": "252.22-1~deb12u1"}), 252.22),
        (("node_systemd_service_restart_total", {"name": "systemd-fsck@dev-sda1.service"}), 5),
        (("node_systemd_unit_tasks_current", {"name": "ssh.service"}), 3),
        (("node_systemd_unit_start_time_seconds", {"name": "ssh.service"}), 1700000000.123456),
        (("node_systemd_unit_start_time_seconds", {"name": "cron.service"}), 0),
        (("node_systemd_timer_last_trigger_seconds", {"name": "apt-daily.timer"}), 1700000100),
        (("node_systemd_socket_accepted_connections_total", {"name": "dbus.socket"}), 10),
        (("node_systemd_socket_refused_connections_total", {"name": "dbus.socket"}), 1),
        (("node_logind_sessions", {"seat": "seat0", "remote": "false", "type": "x11", "class": "user"}), 1),
        (("node_logind_sessions", {"seat": "", "remote": "true", "type": "tty", "class": "user"}), 2),
        (("node_logind_sessions", {"seat": "seat0", "remote": "false", "type": "other", "class": "other"}), 1),
        (("node_logind_sessions", {"seat": "", "remote": "false", "type": "unspecified", "class": "background"}), 1),
    ]
    for (name, labels), value in expect:
        got = sample(ours, name, labels)
        if abs(got - value) > 1e-9 * max(1, abs(value)):
            fail(f"{name}{labels} is {got}, the fake says {value}")
    units = [p for p, _ in ours["node_systemd_unit_state"]["samples"]]
    names = sorted({dict(x.split("=", 1) for x in p)["name"].strip('"') for p in units})
    kept = sorted(n for n, load, _, _ in UNITS if load == "loaded" and not n.endswith((".device", ".slice")))
    if names != kept:
        fail(f"units reported {names}, expected {kept}")
    if "node_systemd_unit_tasks_max" in ours and any('name="cron.service"' in p for p, _ in ours["node_systemd_unit_tasks_max"]["samples"]):
        fail("cron.service's unlimited TasksMax is reported")
    if any('name="old.socket"' in p for p, _ in ours["node_systemd_socket_refused_connections_total"]["samples"]):
        fail("old.socket has no NRefused, yet it is reported")
    if len(ours["node_logind_sessions"]["samples"]) != 2 * 7 * 5 * 2:
        fail(f"{len(ours['node_logind_sessions']['samples'])} logind samples, not 2 remotes x 7 types x 5 classes x 2 seats")


def scrape_both(flow, ne_port):
    """Both scrapes, each timed."""
    start = time.time()
    ours = flow.get("/api/v0/component/prometheus.exporter.unix.dbus/metrics")
    middle = time.time()
    theirs = get(f"http://127.0.0.1:{ne_port}/metrics")
    return ours, theirs, middle - start, time.time() - middle


def failing_alike(flow, ne_port, what):
    """Both report failure for both collectors, quickly, with the same families."""
    ours_text, theirs_text, ours_s, theirs_s = scrape_both(flow, ne_port)
    ours, ours_ok = parse(ours_text)
    theirs, theirs_ok = parse(theirs_text)
    want = {"systemd": 0.0, "logind": 0.0}
    if ours_ok != want or theirs_ok != want:
        fail(f"{what}: success here {ours_ok}, node_exporter {theirs_ok}; both should be {want}")
    if ours_s > 5:
        fail(f"{what}: flow run's scrape took {ours_s:.1f} s")
    problems = compare(ours, theirs)
    if problems:
        fail(f"{what}: families differ:\n  " + "\n  ".join(problems))
    log(f"{what}: both collectors fail on both sides ({ours_s:.2f} s here, {theirs_s:.2f} s node_exporter), "
        f"families alike: {sorted(ours) or 'none'}")


def main():
    if shutil.which("dbus-daemon") is None:
        fail("no dbus-daemon (Debian's dbus-daemon package)")
    work = support.scratch("unix-dbus-e2e-")
    bus = Bus(work)
    service = fake(bus.address)
    ne_port = free_port()
    ne = node_exporter(ne_port, bus.address)
    flow = None
    try:
        wait("node_exporter serves", lambda: get(f"http://127.0.0.1:{ne_port}/metrics"))
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=bus.address)
        flow = support.FlowRun(FLOW, work, CONFIG, env=env).start()
        ours_text, theirs_text, ours_s, _ = scrape_both(flow, ne_port)
        ours, ours_ok = parse(ours_text)
        theirs, theirs_ok = parse(theirs_text)
        if ours_ok != {"systemd": 1.0, "logind": 1.0} or theirs_ok != ours_ok:
            fail(f"collector success: here {ours_ok}, node_exporter {theirs_ok}\n{ours_text}")
        problems = compare(ours, theirs)
        if problems:
            fail("systemd and logind differ from node_exporter:\n  " + "\n  ".join(problems))
        count = sum(len(f["samples"]) for f in ours.values())
        log(f"{len(ours)} families, {count} samples in {ours_s:.2f} s: the same as node_exporter's")
        check_values(ours)
        log("unit states, unit counts, restarts, tasks, timers, sockets and sessions are the fake's")
        service.terminate()
        service.wait(30)
        failing_alike(flow, ne_port, "services gone from the bus")
        bus.stop()
        failing_alike(flow, ne_port, "no bus")
    finally:
        if flow:
            flow.stop()
        ne.terminate()
        ne.wait(30)
        if service.poll() is None:
            service.terminate()
        if bus.process.poll() is None:
            bus.stop()
    support.passed("PASS")


if __name__ == "__main__":
    main()
