#!/usr/bin/env python3
"""End-to-end test of `flow run` against real programs on loopback.

Debian's Prometheus receives remote writes; Debian's node_exporter and a
counter target (this script: each scrape serves the next number) are
scraped, and so is a target that answers in the protobuf format with a
native histogram. The test checks that series, labels and the histogram
arrive, then stops
Prometheus for an outage and checks that every counter sample produced
meanwhile arrives, then kills `flow run` with SIGKILL during a second
outage and checks that WAL replay delivers what had been written to it.

Usage: test.py FLOW_BINARY [--outage SECONDS]
"""

import http.server
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import support  # noqa: E402
from support import free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])
OUTAGE = int(sys.argv[sys.argv.index("--outage") + 1]) if "--outage" in sys.argv else 60


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Target:
    """A target that serves `body(n)` for its n-th scrape, as `content_type`."""

    def __init__(self, content_type, body):
        self.served = 0
        self.lock = threading.Lock()
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with target.lock:
                    target.served += 1
                    n = target.served
                payload = body(n)
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def counter_target():
    """A target whose one series is the number of the scrape."""
    return Target("text/plain; version=0.0.4",
                  lambda n: f"# TYPE e2e_scrape_number gauge\ne2e_scrape_number {n}\n".encode())


def varint(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(tag, wire, value):
    """A protobuf field: its key, then the value (length first for wire type 2)."""
    return varint(tag << 3 | wire) + (varint(len(value)) + value if wire == 2 else value)


def native_histogram_target():
    """A target answering in the protobuf exposition format with one native
    histogram, e2e_latency_seconds: each scrape adds one observation to its
    bucket 0 (schema 0), so its count is the number of the scrape."""
    def exposition(n):
        span = field(1, 0, varint(0)) + field(2, 0, varint(1))
        histogram = (field(1, 0, varint(n)) + field(2, 1, struct.pack("<d", n * 0.5))
                     + field(5, 0, varint(0)) + field(6, 1, struct.pack("<d", 1e-128))
                     + field(12, 2, span) + field(13, 2, varint(2 * n)))
        family = (field(1, 2, b"e2e_latency_seconds") + field(2, 2, b"Latency.")
                  + field(3, 0, varint(4)) + field(4, 2, field(7, 2, histogram)))
        return varint(len(family)) + family
    return Target("application/vnd.google.protobuf; "
                  "proto=io.prometheus.client.MetricFamily; encoding=delimited", exposition)


class Prometheus(support.Prometheus):
    def counter_values(self):
        """Every value of e2e_scrape_number it holds."""
        result = self.query("e2e_scrape_number[2h]")
        return {int(float(v)) for series in result for _, v in series["values"]}


class Flow:
    def __init__(self, work, prometheus_port, node_port, counter_port, histogram_port):
        self.port = free_port()
        self.storage = os.path.join(work, "flow-data")
        self.config = os.path.join(work, "config.river")
        self.log = open(os.path.join(work, "flow.log"), "a")
        with open(self.config, "w") as f:
            f.write(f'''prometheus.exporter.self "agent" {{ }}

prometheus.scrape "all" {{
	targets = concat(
		prometheus.exporter.self.agent.targets,
		[{{"__address__" = "127.0.0.1:{node_port}", "job" = "node"}}],
		[{{"__address__" = "127.0.0.1:{counter_port}", "job" = "counter"}}],
	)
	forward_to      = [prometheus.relabel.tag.receiver]
	scrape_interval = "1s"
	scrape_timeout  = "1s"
}}

// Native histograms have a remote write of their own: Prometheus refuses
// a histogram sample it already has (a replay after a kill -9 resends
// some) with a 400, which drops the whole batch it came in.
prometheus.scrape "native" {{
	targets                     = [{{"__address__" = "127.0.0.1:{histogram_port}", "job" = "native"}}]
	forward_to                  = [prometheus.remote_write.histograms.receiver]
	scrape_interval             = "1s"
	scrape_timeout              = "1s"
	enable_protobuf_negotiation = true
}}

prometheus.remote_write "histograms" {{
	endpoint {{
		url                    = "http://127.0.0.1:{prometheus_port}/api/v1/write"
		send_native_histograms = true
	}}
}}

prometheus.relabel "tag" {{
	forward_to = [prometheus.remote_write.prom.receiver]

	rule {{
		target_label = "pipeline"
		replacement  = "e2e"
	}}
}}

prometheus.remote_write "prom" {{
	external_labels = {{ cluster = "loopback" }}

	endpoint {{
		url = "http://127.0.0.1:{prometheus_port}/api/v1/write"

		queue_config {{
			batch_send_deadline = "500ms"
			min_backoff         = "100ms"
			max_backoff         = "1s"
		}}
	}}
}}
''')
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [FLOW, "run", f"--server.http.listen-addr=127.0.0.1:{self.port}",
             f"--storage.path={self.storage}", self.config],
            stdout=self.log, stderr=self.log)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self):
        self.process.terminate()
        try:
            return self.process.wait(40)
        except subprocess.TimeoutExpired:
            fail("flow run did not stop within 40s of SIGTERM")


def main():
    for program in ["prometheus", "prometheus-node-exporter"]:
        if shutil.which(program) is None:
            fail(f"{program} is not installed (tests/run installs it with apt-get)")
    work = tempfile.mkdtemp(prefix="flow-e2e-")
    node_port = free_port()
    node = subprocess.Popen(["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{node_port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counter = counter_target()
    histogram = native_histogram_target()
    prometheus = Prometheus(work)
    flow = Flow(work, prometheus.port, node_port, counter.port, histogram.port)
    try:
        prometheus.start()
        flow.start()
        log("pipeline: scrape node_exporter, a counter and flow itself; relabel; remote write to Prometheus")

        # Series and labels arrive.
        node_series = wait("node_exporter series in Prometheus",
                                 lambda: prometheus.query('node_cpu_seconds_total{job="node"}'))
        labels = node_series[0]["metric"]
        for name, value in [("pipeline", "e2e"), ("cluster", "loopback"), ("instance", f"127.0.0.1:{node_port}")]:
            if labels.get(name) != value:
                fail(f"node_exporter series has {name}={labels.get(name)!r}, want {value!r}: {labels}")
        wait("flow's own metrics in Prometheus",
                   lambda: prometheus.query('prometheus_remote_storage_samples_total{job="integrations/agent"}'))
        up = wait("up series", lambda: prometheus.query('up{job="counter"} == 1'))
        log(f"series arrived: node_cpu_seconds_total with {sorted(labels)}, flow's own metrics, {len(up)} up series")
        # A native histogram, scraped as protobuf: Prometheus computes its
        # count, which is the scrape's number.
        counts = wait("the native histogram in Prometheus", lambda: [
            float(s["value"][1]) for s in prometheus.query('histogram_count(e2e_latency_seconds{job="native"})')
            if float(s["value"][1]) >= 3])
        log(f"native histogram arrived: histogram_count = {counts[0]:g} after {histogram.served} scrapes")

        # Outage: everything produced while Prometheus is down arrives.
        wait("the first counter samples", lambda: len(prometheus.counter_values()) >= 3)
        prometheus.stop()
        before = counter.served
        log(f"Prometheus stopped for {OUTAGE}s (counter at {before})")
        time.sleep(OUTAGE)
        during = counter.served - before
        prometheus.start()
        target = counter.served
        values = wait("every counter sample of the outage",
                            lambda: (lambda v: v if set(range(1, target + 1)) <= v else None)(prometheus.counter_values()),
                            limit=90)
        log(f"outage: {during} samples scraped while Prometheus was down; all {target} counter values arrived")

        # Restart: kill -9 during a second outage; the WAL replays.
        prometheus.stop()
        time.sleep(10)
        killed_at = counter.served
        flow.kill()
        log(f"flow run killed with SIGKILL during the outage (counter at {killed_at})")
        time.sleep(2)
        flow.start()
        time.sleep(5)
        prometheus.start()
        final = counter.served
        def complete():
            values = prometheus.counter_values()
            missing = set(range(1, final + 1)) - values
            # Only a scrape cut by the kill itself may be lost: it was not in the WAL.
            return (values, missing) if missing <= {killed_at} else None
        values, missing = wait("the samples of the WAL after the restart", complete, limit=120)
        log(f"restart: all {final} counter values arrived" + (f" but {sorted(missing)} (cut by the kill)" if missing else ""))

        # Graceful shutdown.
        code = flow.terminate()
        if code != 0:
            fail(f"flow run exited with {code} after SIGTERM")
        log("SIGTERM: flow run stopped cleanly")
        print("runtime e2e: passed", flush=True)
    finally:
        for process in [flow.process, prometheus.process, node]:
            if process and process.poll() is None:
                process.kill()
        counter.server.shutdown()
        histogram.server.shutdown()
        if os.environ.get("KEEP_E2E_WORK") is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work dir kept: {work}")


if __name__ == "__main__":
    main()
