"""What the end-to-end scripts share: a free loopback port, waiting for
a condition, `flow run` of a config, a real Prometheus taking remote
write, and decoding Loki's push body (used by bench/ too)."""

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request


_SCRATCH = []


def scratch(prefix="flow-e2e-"):
    """A work directory for the script (configs, flow's data and log).
    `passed` removes it; a failing script leaves it for its logs."""
    path = tempfile.mkdtemp(prefix=prefix)
    _SCRATCH.append(path)
    return path


def passed(line):
    """Prints the script's success line and removes its work directories."""
    print(line)
    for path in _SCRATCH:
        shutil.rmtree(path, ignore_errors=True)


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(what, check, limit=60):
    """Waits until `check()` gives something true and returns it (an
    exception counts as not yet: a server still starting); fails the test
    after `limit` seconds."""
    start = time.time()
    while time.time() - start < limit:
        try:
            result = check()
            if result:
                return result
        except Exception:
            pass
        time.sleep(0.1)
    raise SystemExit(f"FAIL: {what}")


class Prometheus:
    """Debian's `prometheus` on a free loopback port, taking remote write
    (and native histograms, and samples up to an hour out of order, as
    replays after an outage send), with its files under `work`/prometheus."""

    def __init__(self, work):
        self.port = free_port()
        home = os.path.join(work, "prometheus")
        os.makedirs(home, exist_ok=True)
        self.data = os.path.join(home, "data")
        self.config = os.path.join(home, "prometheus.yml")
        with open(self.config, "w") as f:
            f.write("storage:\n  tsdb:\n    out_of_order_time_window: 1h\n")
        self.process = None

    @property
    def write_url(self):
        return f"http://127.0.0.1:{self.port}/api/v1/write"

    def start(self):
        self.process = subprocess.Popen(
            ["prometheus", f"--config.file={self.config}", f"--storage.tsdb.path={self.data}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--web.enable-remote-write-receiver",
             "--enable-feature=native-histograms"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait("Prometheus to be ready", lambda: self.get("/-/ready") is not None)
        return self

    def stop(self):
        self.process.terminate()
        self.process.wait(30)

    def get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
            return r.read().decode()

    def query(self, expr):
        body = self.get("/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
        return json.loads(body)["data"]["result"]


class FlowRun:
    """`flow run` of `config` (River text) with its API on a free loopback
    port, its data and log (flow.log) under `work`; `start` waits until
    it is ready, `stop` ends it with SIGTERM."""

    def __init__(self, flow, work, config, name="config.river", env=None):
        self.flow, self.work, self.env = flow, work, env
        self.port = free_port()
        self.config = os.path.join(work, name)
        with open(self.config, "w") as f:
            f.write(config)
        self.process = self.log = None

    def start(self):
        self.log = open(os.path.join(self.work, "flow.log"), "w")
        self.process = subprocess.Popen(
            [self.flow, "run", "--server.http.listen-addr", f"127.0.0.1:{self.port}",
             "--storage.path", os.path.join(self.work, "data"), self.config],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        wait("flow run is ready", lambda: self.get("/-/ready") is not None, 60)
        return self

    def get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
            return r.read().decode()

    def running(self):
        return self.process.poll() is None

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


# Loki's push body: raw snappy around protobuf (grafana/loki pkg/push/push.proto),
# decoded by hand so that no package is needed.

def varint(data, i):
    """The unsigned varint at `data[i:]` and the index after it."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def unsnappy(data):
    """Decodes snappy's raw (block) format."""
    length, i = varint(data, 0)
    out = bytearray()
    while i < len(data):
        tag = data[i]
        i += 1
        kind = tag & 3
        if kind == 0:  # a literal
            n = tag >> 2
            if n >= 60:
                extra = n - 59
                n = int.from_bytes(data[i:i + extra], "little")
                i += extra
            n += 1
            out += data[i:i + n]
            i += n
            continue
        if kind == 1:
            n = 4 + ((tag >> 2) & 7)
            offset = ((tag >> 5) << 8) | data[i]
            i += 1
        elif kind == 2:
            n = (tag >> 2) + 1
            offset = int.from_bytes(data[i:i + 2], "little")
            i += 2
        else:
            n = (tag >> 2) + 1
            offset = int.from_bytes(data[i:i + 4], "little")
            i += 4
        for _ in range(n):  # copies may overlap what they write
            out.append(out[-offset])
    assert len(out) == length, (len(out), length)
    return bytes(out)


def fields(data):
    """The (field number, value) pairs of a protobuf message: ints for
    varints, bytes for length-delimited fields."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(data, i)
        elif wire == 2:
            n, i = varint(data, i)
            value, i = data[i:i + n], i + n
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, value


def labels_of(text):
    """`{a="b", c="d"}` as a dict (values here have no escapes)."""
    return dict(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)="([^"]*)"', text))


def decode_push(body):
    """The entries of a push request: (labels, timestamp in ns, line)."""
    entries = []
    for number, stream in fields(unsnappy(body)):
        if number != 1:
            continue
        labels, lines = {}, []
        for n, value in fields(stream):
            if n == 1:
                labels = labels_of(value.decode())
            elif n == 2:
                ts, line = 0, ""
                for m, v in fields(value):
                    if m == 1:
                        parts = dict(fields(v))
                        ts = parts.get(1, 0) * 10**9 + parts.get(2, 0)
                    elif m == 2:
                        line = v.decode()
                lines.append((ts, line))
        entries += [(labels, ts, line) for ts, line in lines]
    return entries
