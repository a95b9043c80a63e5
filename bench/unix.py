#!/usr/bin/env python3
"""One scrape of `prometheus.exporter.unix` against one of Debian's
node_exporter 1.5, on this machine, the same collectors on both sides.

Both serve over loopback HTTP: flow run at its component's metrics path,
node_exporter at /metrics, with exactly the collectors flow run has that
node_exporter enables by default (and no exporter metrics). After a few
warm-up scrapes each is scraped N times in turn; the median and 90th
percentile wall time of a scrape, and the CPU each process spent per
scrape, are printed.

Usage: bench/unix.py [FLOW_BINARY] [--scrapes N]
(by default the dist build's flow and 200 scrapes). Needs Debian's
prometheus-node-exporter.
"""

import atexit
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from measure import cpu_seconds, dist_flow, free_port

ARGS = [a for i, a in enumerate(sys.argv[1:]) if not a.startswith("--") and sys.argv[i] != "--scrapes"]
FLOW = os.path.abspath(ARGS[0] if ARGS else dist_flow())
SCRAPES = int(sys.argv[sys.argv.index("--scrapes") + 1]) if "--scrapes" in sys.argv else 200


def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read()


def wait(url):
    for _ in range(300):
        try:
            return get(url)
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"{url} never answered")


def collectors(text):
    prefix = 'node_scrape_collector_success{collector="'
    return sorted(l[len(prefix):].split('"')[0] for l in text.decode().splitlines() if l.startswith(prefix))


def flow(work, names):
    port = free_port()
    config = os.path.join(work, "config.river")
    listed = ", ".join(f'"{n}"' for n in names)
    with open(config, "w") as f:
        f.write(f'prometheus.exporter.unix "bench" {{\n\tset_collectors = [{listed}]\n}}\n')
    process = subprocess.Popen(
        [FLOW, "run", "--server.http.listen-addr", f"127.0.0.1:{port}", "--storage.path",
         os.path.join(work, "data"), config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/v0/component/prometheus.exporter.unix.bench/metrics"
    wait(url)
    return process, url


def node_exporter(names):
    port = free_port()
    flags = [f"--collector.{n}" for n in names]
    process = subprocess.Popen(
        ["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{port}", "--web.disable-exporter-metrics",
         "--collector.disable-defaults", *flags], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/metrics"
    wait(url)
    return process, url


def measure(process, url):
    for _ in range(10):
        get(url)
    times = []
    cpu = cpu_seconds(process.pid)
    for _ in range(SCRAPES):
        start = time.perf_counter()
        get(url)
        times.append(time.perf_counter() - start)
    cpu = cpu_seconds(process.pid) - cpu
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.9)] * 1000, cpu / SCRAPES * 1000


def main():
    work = tempfile.mkdtemp(prefix="bench-unix-")
    atexit.register(shutil.rmtree, work, True)
    # The collectors flow run runs by default (node_exporter's defaults
    # that this build has).
    ours, url = flow(work, [])
    names = collectors(get(url))
    ours.terminate()
    ours.wait(30)
    print(f"collectors ({len(names)}): {', '.join(names)}")
    results = {}
    for name, start in (("flow run", lambda: flow(work, names)), ("node_exporter", lambda: node_exporter(names))):
        process, url = start()
        try:
            results[name] = measure(process, url)
        finally:
            process.terminate()
            process.wait(30)
    print(f"{'':15} {'median ms':>10} {'p90 ms':>10} {'CPU ms/scrape':>14}")
    for name, (median, p90, cpu) in results.items():
        print(f"{name:15} {median:10.2f} {p90:10.2f} {cpu:14.2f}")


if __name__ == "__main__":
    main()
