#!/usr/bin/env python3
"""`prometheus.exporter.unix`'s drbd, mountstats, runit, supervisord and
ntp collectors against Debian's node_exporter 1.5.

- drbd and mountstats read the unit tests' fixture /proc (a /proc/drbd
  with two devices; NFSv3 over TCP and UDP and NFSv4.2 mounts in
  /proc/self/mountstats and mountinfo) on both sides, and every sample
  must be the same; on the host itself (no DRBD, no NFS mount) both
  sides must give the same families and the same success.
- runit: a real `runsvdir` (Debian's runit) supervises a scan directory
  with a service running `sleep` and one that is down; both exporters
  read it and every sample must be the same.
- supervisord: a real supervisord (PyPI's `supervisor`) on a loopback
  port runs a program in a group and one that exits 3; both exporters
  ask it over HTTP, flow run also over its Unix socket, and every sample
  must be the same.
- ntp: a small NTP server written here answers on 127.0.0.123:123 (the
  reference has no port setting) with a known stratum, leap indicator,
  reference time, root delay and dispersion; both exporters ask it, the
  families must be the same and those values what the server sent.

Usage: unix_services.py FLOW_BINARY
"""

import math
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import xmlrpc.client

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
import support  # noqa: E402
import unix  # noqa: E402  (shape comparison of one collector's families)
import unix_storage  # noqa: E402  (sample by sample comparison)
from support import free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])
FIXTURES = unix_storage.FIXTURES
NTP_SERVER = "127.0.0.123"
# What the NTP server answers.
STRATUM, LEAP, ROOT_DELAY, ROOT_DISPERSION = 3, 1, 0x0000_0200, 0x0000_0100
NTP_FROM_UNIX = 2_208_988_800


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def ntp_time(unix_seconds):
    seconds = int(unix_seconds)
    fraction = int((unix_seconds - seconds) * 2**32)
    return ((seconds + NTP_FROM_UNIX) << 32) | fraction


class NtpServer:
    """Answers every client (mode 3) query with a server (mode 4) answer
    of the known values, its reference time fixed at start."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind((NTP_SERVER, 123))
        self.reference = ntp_time(time.time() - 30)
        self.answered = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                query, peer = self.socket.recvfrom(512)
            except OSError:
                return
            received = ntp_time(time.time())
            if len(query) < 48 or query[0] & 7 != 3:
                continue
            version = (query[0] >> 3) & 7
            answer = struct.pack(
                "!BBbbIII4Q", (LEAP << 6) | (version << 3) | 4, STRATUM, 6, -20,
                ROOT_DELAY, ROOT_DISPERSION, 0x4C4F434C,  # "LOCL"
                self.reference, struct.unpack("!Q", query[40:48])[0], received, ntp_time(time.time()))
            self.socket.sendto(answer, peer)
            self.answered += 1

    def close(self):
        self.socket.close()


def fixture_tree(work):
    """The drbd and mountstats fixtures, merged into one /proc."""
    root = os.path.join(work, "host")
    for name in ("drbd", "mountstats"):
        shutil.copytree(os.path.join(FIXTURES, name), root, symlinks=True, dirs_exist_ok=True)
    return os.path.join(root, "proc")


def runit_services(work):
    """A scan directory with `sleeper` (running) and `idle` (down), and
    the runsvdir supervising it."""
    scan = os.path.join(work, "service")
    for name, down in (("sleeper", False), ("idle", True)):
        os.makedirs(os.path.join(scan, name))
        run = os.path.join(scan, name, "run")
        with open(run, "w") as f:
            f.write("#!/bin/sh\nexec sleep 1000\n")
        os.chmod(run, 0o755)
        if down:
            open(os.path.join(scan, name, "down"), "w").close()
    runsvdir = subprocess.Popen(["runsvdir", scan], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    def ready():
        with open(os.path.join(scan, "sleeper", "supervise", "stat")) as f:
            running = f.read().strip() == "run"
        return running and os.path.getsize(os.path.join(scan, "idle", "supervise", "status")) == 20

    wait("runsvdir runs sleeper and knows idle", ready, 30)
    return scan, runsvdir


def stop_runsvdir(runsvdir):
    # HUP: runsvdir stops each runsv (which stops its service) and exits.
    runsvdir.send_signal(signal.SIGHUP)
    try:
        runsvdir.wait(15)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(runsvdir.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def supervisord(work):
    port = free_port()
    sock = os.path.join(work, "supervisor.sock")
    conf = os.path.join(work, "supervisord.conf")
    with open(conf, "w") as f:
        f.write(f"""[supervisord]
nodaemon=true
logfile={work}/supervisord.log
pidfile={work}/supervisord.pid
childlogdir={work}

[inet_http_server]
port=127.0.0.1:{port}

[unix_http_server]
file={sock}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:sleeper]
command=sleep 1000

[program:quick]
command=/bin/sh -c "exit 3"
startsecs=0
autorestart=false

[group:apps]
programs=sleeper
""")
    process = subprocess.Popen([sys.executable, "-m", "supervisor.supervisord", "-c", conf],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/RPC2")

    def settled():
        states = {p["name"]: p["statename"] for p in proxy.supervisor.getAllProcessInfo()}
        return states == {"sleeper": "RUNNING", "quick": "EXITED"}

    wait("supervisord runs sleeper and quick has exited", settled, 30)
    return process, f"http://127.0.0.1:{port}/RPC2", sock


def node_exporter(port, *flags):
    return subprocess.Popen(
        ["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{port}",
         "--web.disable-exporter-metrics", "--collector.disable-defaults", *flags],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def config(proc, scan, url, sock):
    component = lambda name, collectors, body="": (
        f'prometheus.exporter.unix "{name}" {{\n\tset_collectors = {collectors}\n{body}}}\n')
    return "\n".join([
        component("fixtures", '["drbd", "mountstats"]', f'\tprocfs_path = "{proc}"\n'),
        component("c_drbd", '["drbd"]'),
        component("c_mountstats", '["mountstats"]'),
        component("c_runit", '["runit"]', f'\trunit {{\n\t\tservice_dir = "{scan}"\n\t}}\n'),
        component("c_supervisord", '["supervisord"]', f'\tsupervisord {{\n\t\turl = "{url}"\n\t}}\n'),
        component("supervisord_unix", '["supervisord"]', f'\tsupervisord {{\n\t\turl = "unix://{sock}"\n\t}}\n'),
        component("c_ntp", '["ntp"]', f'\tntp {{\n\t\tserver = "{NTP_SERVER}"\n\t}}\n'),
    ])


def same_samples(what, ours_text, theirs_text):
    """Every sample (name, HELP, TYPE, labels, value) and success equal."""
    ours, ours_ok = unix_storage.parse(ours_text)
    theirs, theirs_ok = unix_storage.parse(theirs_text)
    if ours_ok != theirs_ok:
        fail(f"{what}: collector success differs: here {ours_ok}, node_exporter {theirs_ok}")
    problems = unix_storage.compare(ours, theirs)
    if problems:
        fail(f"{what} differs from node_exporter:\n  " + "\n  ".join(problems))
    return ours


def check_ntp(ours, theirs, server):
    problems = unix.compare("ntp", ours, theirs)
    if problems:
        fail("ntp families differ:\n" + "\n".join(problems))
    if unix.successes(ours) != {"ntp": 1.0} or unix.successes(theirs) != {"ntp": 1.0}:
        fail(f"ntp success: here {unix.successes(ours)}, node_exporter {unix.successes(theirs)}")
    reference = (server.reference >> 32) - NTP_FROM_UNIX + (server.reference & 0xFFFFFFFF) / 2**32
    expected = {
        "node_ntp_stratum": STRATUM, "node_ntp_leap": LEAP,
        "node_ntp_root_delay_seconds": ROOT_DELAY / 65536,
        "node_ntp_root_dispersion_seconds": ROOT_DISPERSION / 65536,
        "node_ntp_reference_timestamp_seconds": reference,
        "node_ntp_sanity": 1,
    }
    for name, want in expected.items():
        for side, text in (("flow run", ours), ("node_exporter", theirs)):
            got = unix.value(text, name)
            if not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6):
                fail(f"{name}: {got} in {side}, the server sent {want}")
    for name in ("node_ntp_rtt_seconds", "node_ntp_offset_seconds"):
        if abs(unix.value(ours, name)) > 0.5:
            fail(f"{name} is {unix.value(ours, name)} on loopback")


def main():
    work = support.scratch("unix-services-e2e-")
    proc = fixture_tree(work)
    ntp = NtpServer()
    scan, runsvdir = runit_services(work)
    supervisor = flow = None
    exporters = []
    try:
        supervisor, url, sock = supervisord(work)
        log("runsvdir, supervisord and the NTP server are up")
        fixture_port, host_port = free_port(), free_port()
        exporters.append(node_exporter(fixture_port, f"--path.procfs={proc}",
                                       "--collector.drbd", "--collector.mountstats"))
        exporters.append(node_exporter(
            host_port, "--collector.drbd", "--collector.mountstats", "--collector.runit",
            f"--collector.runit.servicedir={scan}", "--collector.supervisord",
            f"--collector.supervisord.url={url}", "--collector.ntp",
            f"--collector.ntp.server={NTP_SERVER}"))
        theirs = lambda port, query="": unix.get(f"http://127.0.0.1:{port}/metrics{query}")
        wait("node_exporter serves", lambda: theirs(fixture_port) and theirs(host_port))
        flow = support.FlowRun(FLOW, work, config(proc, scan, url, sock)).start()
        ours = lambda name: flow.get(f"/api/v0/component/prometheus.exporter.unix.{name}/metrics")

        fixtures = same_samples("drbd and mountstats on the fixtures", ours("fixtures"), theirs(fixture_port))
        for prefix in ("node_drbd_", "node_mountstats_nfs_"):
            if not any(f.startswith(prefix) for f in fixtures):
                fail(f"no {prefix}* family: the fixtures do not exercise the collector")
        count = sum(len(f["samples"]) for f in fixtures.values())
        log(f"drbd and mountstats on the fixtures: {len(fixtures)} families, {count} samples, the same")

        for name in ("drbd", "mountstats"):
            a, b = ours(f"c_{name}"), theirs(host_port, f"?collect[]={name}")
            problems = unix.compare(name, a, b)
            if problems or unix.successes(a) != unix.successes(b):
                fail(f"{name} on the host: here {unix.successes(a)}, node_exporter {unix.successes(b)}\n"
                     + "\n".join(problems))
            own = [f for f in unix.shape(a) if f.startswith(f"node_{name}_")]
            log(f"{name} on the host: success {unix.successes(a)[name]:g} and {len(own)} "
                f"node_{name}_* families on both sides")

        runit = same_samples("runit", ours("c_runit"), theirs(host_port, "?collect[]=runit"))
        states = sorted(runit["node_service_state"]["samples"])
        if [v for _, v in states] != [0.0, 1.0]:  # idle, then sleeper
            fail(f"runit states {states}: expected sleeper running and idle down")
        log(f"runit: {sum(len(f['samples']) for f in runit.values())} samples, the same (sleeper up, idle down)")

        sup = same_samples("supervisord", ours("c_supervisord"), theirs(host_port, "?collect[]=supervisord"))
        via_socket = same_samples("supervisord over its Unix socket", ours("supervisord_unix"),
                                  theirs(host_port, "?collect[]=supervisord"))
        if (('group="apps"', 'name="sleeper"'), 1.0) not in sup["node_supervisord_up"]["samples"]:
            fail(f"no sleeper in group apps: {sup['node_supervisord_up']}")
        log(f"supervisord: {sum(len(f['samples']) for f in via_socket.values())} samples, "
            "the same over HTTP and the Unix socket")

        check_ntp(ours("c_ntp"), theirs(host_port, "?collect[]=ntp"), ntp)
        log(f"ntp: the same families; stratum {STRATUM}, leap {LEAP}, reference time, root delay and "
            f"dispersion as sent ({ntp.answered} queries answered)")
    finally:
        if flow:
            flow.stop()
        for exporter in exporters:
            exporter.terminate()
            exporter.wait(30)
        if supervisor:
            supervisor.terminate()
            supervisor.wait(30)
        stop_runsvdir(runsvdir)
        ntp.close()
    support.passed("PASS")


if __name__ == "__main__":
    main()
