"""What the bench/ scripts share: the dist build of flow, a free loopback
port, a metric's total as a process serves it, and a process's CPU time
and peak memory from /proc (Linux)."""

import os
import socket
import re
import subprocess
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")


def dist_flow():
    """The binary as it ships (`cargo xtask dist`, xtask/src/dist.rs)."""
    out = subprocess.run(["cargo", "xtask", "dist"], check=True, stdout=subprocess.PIPE, text=True)
    return os.path.join(out.stdout.strip(), "flow")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """User and system CPU seconds of process `pid` so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_rss_mib(pid):
    """The peak resident memory of process `pid`, in MiB."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def metric(port, name):
    """The sum of every series of metric `name` on `/metrics` at `port`."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    total = 0.0
    for line in text.splitlines():
        if re.match(rf"{name}\b", line):
            total += float(line.rsplit(" ", 1)[1])
    return total
