#!/usr/bin/env python3
"""`flow run` against Prometheus in agent mode, doing the same work.

A static exposition (100 metric names, `--series` series in all) is
served on loopback and scraped every 15 s, and every sample is
remote-written. After a warm-up each is measured for the same time, one
after the other: CPU seconds per minute, peak RSS, samples sent per
second (`prometheus_remote_storage_samples_total`) and the scrapes the
target served, each of which must finish before the 10 s timeout.

Usage: bench/runtime.py [FLOW_BINARY] [--series N] [--warmup S]
       [--measure S] [--receiver prometheus|discard] [--relabel]

By default: the dist build's flow, 100,000 series, 60 s of warm-up,
120 s measured, a real Prometheus as each one's receiver. `--receiver
discard` answers every write with 204 unread-but-drained, so the
receiver costs next to nothing (for a million series). `--relabel` puts
a `prometheus.relabel` (a `metric_relabel_configs` for the agent)
between scrape and write. Needs Debian's prometheus.
"""

import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from measure import cpu_seconds, dist_flow, free_port, metric, peak_rss_mib

OPTIONS = ("--warmup", "--measure", "--series", "--receiver")
# The binary is the one argument that is neither an option nor its value.
ARGS = [
    a for i, a in enumerate(sys.argv[1:]) if not a.startswith("--") and sys.argv[i] not in OPTIONS
]


def option(name, default):
    return type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


FLOW = os.path.abspath(ARGS[0]) if ARGS else None
WARMUP = option("--warmup", 60)
MEASURE = option("--measure", 120)
SERIES = option("--series", 100_000)
RECEIVER = option("--receiver", "prometheus")
RELABEL = "--relabel" in sys.argv
NAMES = 100


def exposition():
    per_name = SERIES // NAMES
    lines = []
    for m in range(NAMES):
        name = f"bench_metric_{m}_total"
        lines.append(f"# HELP {name} A benchmark series.\n# TYPE {name} counter\n")
        for i in range(per_name):
            lines.append(f'{name}{{instance_id="{i}",shard="{i % 10}",zone="zone-{i % 3}"}} {m * 1000 + i}\n')
    return "".join(lines).encode()


class Target:
    """Serves the exposition and records how long each scrape took to be
    read in full, and which ones the scraper gave up on."""

    def __init__(self, body):
        self.port = free_port()
        self.served, self.broken = [], 0
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                start = time.time()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain; version=0.0.4")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    target.served.append((start, time.time() - start))
                except OSError:
                    target.broken += 1

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def scrapes(self, since):
        return [d for t, d in self.served if t >= since]


def discarding_receiver():
    port = free_port()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            while length > 0:
                length -= len(self.rfile.read(min(length, 1 << 20)))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return port, None


def prometheus_receiver(work, name):
    port = free_port()
    config = os.path.join(work, f"{name}.yml")
    with open(config, "w") as f:
        f.write("global: {}\n")
    process = subprocess.Popen(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={work}/{name}",
         f"--web.listen-address=127.0.0.1:{port}", "--web.enable-remote-write-receiver"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(port, "/-/ready")
    return port, process


def receiver(work, name):
    return discarding_receiver() if RECEIVER == "discard" else prometheus_receiver(work, name)


def wait_http(port, path, interval=0.2):
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            return
        except Exception:
            time.sleep(interval)
    raise SystemExit(f"nothing answers on port {port}")


def measure(name, process, metrics_port, target, stop=True):
    print(f"{name}: warming up for {WARMUP}s", flush=True)
    time.sleep(WARMUP)
    sent = lambda: metric(metrics_port, "prometheus_remote_storage_samples_total")  # noqa: E731
    cpu0, sent0, t0 = cpu_seconds(process.pid), sent(), time.time()
    time.sleep(MEASURE)
    cpu1, sent1, t1 = cpu_seconds(process.pid), sent(), time.time()
    scrapes = target.scrapes(t0)
    result = {
        "cpu": (cpu1 - cpu0) / ((t1 - t0) / 60),
        "rss": peak_rss_mib(process.pid),
        "rate": (sent1 - sent0) / (t1 - t0),
        "scrapes": len(scrapes),
        "slowest": max(scrapes, default=0.0),
    }
    if stop:
        process.terminate()
        process.wait(120)
    return result


def flow_config(target, port):
    forward = "prometheus.relabel.keep.receiver" if RELABEL else "prometheus.remote_write.out.receiver"
    relabel = '''
prometheus.relabel "keep" {
	forward_to = [prometheus.remote_write.out.receiver]
	rule {
		source_labels = ["__name__"]
		regex         = "bench_metric_.*"
		action        = "keep"
	}
}
''' if RELABEL else ""
    return f'''prometheus.scrape "bench" {{
	targets         = [{{"__address__" = "127.0.0.1:{target}"}}]
	forward_to      = [{forward}]
	scrape_interval = "15s"
}}
{relabel}
prometheus.remote_write "out" {{
	endpoint {{
		url = "http://127.0.0.1:{port}/api/v1/write"
	}}
}}
'''


def agent_config(target, port):
    relabel = """    metric_relabel_configs:
      - source_labels: [__name__]
        regex: bench_metric_.*
        action: keep
""" if RELABEL else ""
    return f"""global:
  scrape_interval: 15s
scrape_configs:
  - job_name: bench
    static_configs:
      - targets: ["127.0.0.1:{target}"]
{relabel}remote_write:
  - url: http://127.0.0.1:{port}/api/v1/write
"""


def run_flow(work, target):
    port, rx = receiver(work, "receiver-flow")
    flow_port = free_port()
    config = os.path.join(work, "bench.river")
    with open(config, "w") as f:
        f.write(flow_config(target.port, port))
    flow = subprocess.Popen([FLOW, "run", f"--server.http.listen-addr=127.0.0.1:{flow_port}",
                             f"--storage.path={work}/flow-data", config],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(flow_port, "/-/ready")
    result = measure("flow run", flow, flow_port, target, stop=False)
    # kill -9, then the time a new process takes to read the log back (its
    # series definitions) and be ready, and to send again.
    flow.kill()
    flow.wait()
    started = time.time()
    flow = subprocess.Popen(flow.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(flow_port, "/-/ready", interval=0.02)
    result["replay"] = time.time() - started
    flow.terminate()
    flow.wait(120)
    return result, rx


def run_agent(work, target):
    port, rx = receiver(work, "receiver-agent")
    agent_port = free_port()
    config = os.path.join(work, "agent.yml")
    with open(config, "w") as f:
        f.write(agent_config(target.port, port))
    agent = subprocess.Popen(["prometheus", "--enable-feature=agent", f"--config.file={config}",
                              f"--storage.agent.path={work}/agent-data",
                              f"--web.listen-address=127.0.0.1:{agent_port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(agent_port, "/-/ready")
    return measure("prometheus agent", agent, agent_port, target), rx


def report(results, body):
    print(f"\n{SERIES:,} series ({len(body) / 1e6:.0f} MB exposition) scraped every 15s and remote-written"
          f" to {'a discarding endpoint' if RECEIVER == 'discard' else 'Prometheus'}"
          f"{' through a relabel' if RELABEL else ''} ({MEASURE}s measured after {WARMUP}s)")
    print(f"{'':34} {'CPU s/min':>10} {'peak RSS MiB':>13} {'samples/s':>10} {'scrapes':>8} {'slowest s':>10}")
    for name, r in results.items():
        print(f"{name:34} {r['cpu']:10.2f} {r['rss']:13.1f} {r['rate']:10.0f} {r['scrapes']:8} {r['slowest']:10.2f}")
    print(f"expected samples/s: {SERIES / 15:.0f}")
    if "replay" in results.get("flow run", {}):
        print(f"flow run after kill -9: ready in {results['flow run']['replay']:.2f}s (the WAL's series read back)")
    flow, agent = results.get("flow run"), results.get("prometheus --enable-feature=agent")
    if flow and agent:
        print(f"flow / agent: CPU {flow['cpu'] / agent['cpu']:.2f}, peak RSS {flow['rss'] / agent['rss']:.2f}")


def main():
    global FLOW
    if shutil.which("prometheus") is None:
        raise SystemExit("bench/runtime.py needs Debian's prometheus (apt-get install prometheus)")
    FLOW = FLOW or os.path.abspath(dist_flow())
    work = tempfile.mkdtemp(prefix="flow-bench-")
    body = exposition()
    target = Target(body)
    results, receivers = {}, []
    try:
        if "--agent-only" not in sys.argv:
            results["flow run"], rx = run_flow(work, target)
            receivers.append(rx)
        if "--flow-only" not in sys.argv:
            results["prometheus --enable-feature=agent"], rx = run_agent(work, target)
            receivers.append(rx)
    finally:
        for rx in receivers:
            if rx:
                rx.terminate()
        shutil.rmtree(work, ignore_errors=True)
    if target.broken:
        print(f"scrapes the scraper gave up on: {target.broken}")
    report(results, body)


if __name__ == "__main__":
    main()
