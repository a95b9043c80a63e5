#!/usr/bin/env python3
"""`flow run` against Prometheus in agent mode, doing the same work.

A static exposition of 100,000 series (100 metric names x 1,000 label
sets) is served on loopback and scraped every 15 s, and every sample is
remote-written to a real Prometheus (one receiver each). After a warm-up,
each is measured for the same time, one after the other: CPU seconds per
minute, peak RSS, and samples per second delivered.

Usage: bench/runtime.py [FLOW_BINARY] [--warmup S] [--measure S]
(by default the dist build's flow, 60 s of warm-up, 120 s measured). Needs
Debian's prometheus.
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

OPTIONS = ("--warmup", "--measure")
# The binary is the one argument that is neither an option nor its value.
ARGS = [
    a for i, a in enumerate(sys.argv[1:]) if not a.startswith("--") and sys.argv[i] not in OPTIONS
]


FLOW = os.path.abspath(ARGS[0] if ARGS else dist_flow())


def option(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


WARMUP = option("--warmup", 60)
MEASURE = option("--measure", 120)


def exposition():
    lines = []
    for m in range(100):
        name = f"bench_metric_{m}_total"
        lines.append(f"# HELP {name} A benchmark series.\n# TYPE {name} counter\n")
        for i in range(1000):
            lines.append(f'{name}{{instance_id="{i}",shard="{i % 10}",zone="zone-{i % 3}"}} {m * 1000 + i}\n')
    return "".join(lines).encode()


def serve(body):
    port = free_port()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return port


def receiver(work, name):
    port = free_port()
    data = os.path.join(work, name)
    config = os.path.join(work, f"{name}.yml")
    with open(config, "w") as f:
        f.write("global: {}\n")
    process = subprocess.Popen(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={data}",
         f"--web.listen-address=127.0.0.1:{port}", "--web.enable-remote-write-receiver"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(port, "/-/ready")
    return port, process


def wait_http(port, path):
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers on port {port}")


def samples_sent(port):
    return metric(port, "prometheus_remote_storage_samples_total")


def measure(name, process, metrics_port):
    print(f"{name}: warming up for {WARMUP}s", flush=True)
    time.sleep(WARMUP)
    cpu0, sent0, t0 = cpu_seconds(process.pid), samples_sent(metrics_port), time.time()
    time.sleep(MEASURE)
    cpu1, sent1, t1 = cpu_seconds(process.pid), samples_sent(metrics_port), time.time()
    minutes = (t1 - t0) / 60
    result = {
        "cpu": (cpu1 - cpu0) / minutes,
        "rss": peak_rss_mib(process.pid),
        "rate": (sent1 - sent0) / (t1 - t0),
    }
    process.terminate()
    process.wait(60)
    return result


def main():
    if shutil.which("prometheus") is None:
        raise SystemExit("bench/runtime.py needs Debian's prometheus (apt-get install prometheus)")
    work = tempfile.mkdtemp(prefix="flow-bench-")
    target = serve(exposition())
    results = {}
    receivers = []
    try:
        port, rx = receiver(work, "receiver-flow")
        receivers.append(rx)
        flow_port = free_port()
        config = os.path.join(work, "bench.river")
        with open(config, "w") as f:
            f.write(f'''prometheus.scrape "bench" {{
	targets         = [{{"__address__" = "127.0.0.1:{target}"}}]
	forward_to      = [prometheus.remote_write.out.receiver]
	scrape_interval = "15s"
}}

prometheus.remote_write "out" {{
	endpoint {{
		url = "http://127.0.0.1:{port}/api/v1/write"
	}}
}}
''')
        flow = subprocess.Popen([FLOW, "run", f"--server.http.listen-addr=127.0.0.1:{flow_port}",
                                 f"--storage.path={work}/flow-data", config],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_http(flow_port, "/-/ready")
        results["flow run"] = measure("flow run", flow, flow_port)

        port, rx = receiver(work, "receiver-agent")
        receivers.append(rx)
        agent_port = free_port()
        agent_config = os.path.join(work, "agent.yml")
        with open(agent_config, "w") as f:
            f.write(f"""global:
  scrape_interval: 15s
scrape_configs:
  - job_name: bench
    static_configs:
      - targets: ["127.0.0.1:{target}"]
remote_write:
  - url: http://127.0.0.1:{port}/api/v1/write
""")
        agent = subprocess.Popen(["prometheus", "--enable-feature=agent", f"--config.file={agent_config}",
                                  f"--storage.agent.path={work}/agent-data", f"--web.listen-address=127.0.0.1:{agent_port}"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_http(agent_port, "/-/ready")
        results["prometheus --enable-feature=agent"] = measure("prometheus agent", agent, agent_port)
    finally:
        for rx in receivers:
            rx.terminate()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n100,000 series scraped every 15s and remote-written ({MEASURE}s measured after {WARMUP}s)")
    print(f"{'':36} {'CPU s/min':>10} {'peak RSS MiB':>13} {'samples/s':>10}")
    for name, r in results.items():
        print(f"{name:36} {r['cpu']:10.2f} {r['rss']:13.1f} {r['rate']:10.0f}")


if __name__ == "__main__":
    main()
