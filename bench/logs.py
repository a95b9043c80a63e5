#!/usr/bin/env python3
"""`flow run` tailing one file of 1 KiB lines into `loki.write`.

A file of --lines lines (1 KiB each, made like an access log: a time, a
level, a path, ids, a latency and some words, so that snappy compresses
them about as much as real logs) is written first; `flow run` then reads
it with `loki.source.file` from the start and pushes it to a local Loki
endpoint (this script, answering 204 to every push). Measured from the
process's start until `loki_write_sent_entries_total` reaches the line
count: MiB/s, CPU seconds per million lines, peak RSS, and the entries
dropped (which must be none).

Usage: bench/logs.py [FLOW_BINARY] [--lines N]
(by default the dist build's flow and 500,000 lines).
"""

import http.server
import atexit
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from measure import cpu_seconds, dist_flow, free_port, metric, peak_rss_mib

OPTIONS = ("--lines",)
ARGS = [
    a for i, a in enumerate(sys.argv[1:]) if not a.startswith("--") and sys.argv[i] not in OPTIONS
]
LINES = int(sys.argv[sys.argv.index("--lines") + 1]) if "--lines" in sys.argv else 500_000
LINE_BYTES = 1024


FLOW = os.path.abspath(ARGS[0] if ARGS else dist_flow())


def write_lines(path):
    words = ("request served cache miss upstream retry timeout user session token "
             "payload accepted rejected shard replica leader follower").split()
    paths = [f"/api/v1/{w}/{n}" for w in words for n in range(20)]
    rng = random.Random(42)
    with open(path, "w") as f:
        for i in range(LINES):
            head = (f"2026-12-06T12:{i // 60000 % 60:02d}:{i // 1000 % 60:02d}.{i % 1000:03d}Z "
                    f"level={rng.choice(('info', 'warn', 'error', 'debug'))} "
                    f"path={rng.choice(paths)} user={rng.randrange(10**6)} "
                    f"latency_ms={rng.randrange(5000)} trace={rng.getrandbits(64):016x} msg=\"")
            body = []
            length = len(head) + 2
            while length < LINE_BYTES:
                word = rng.choice(words)
                body.append(word)
                length += len(word) + 1
            line = (head + " ".join(body))[:LINE_BYTES - 2] + "\""
            f.write(line + "\n")


def receiver():
    port = free_port()
    received = {"bytes": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received["bytes"] += len(body)
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return port, received


def main():
    work = tempfile.mkdtemp(prefix="flow-bench-logs-")
    atexit.register(shutil.rmtree, work, True)
    log_file = os.path.join(work, "app.log")
    print(f"writing {LINES} lines of {LINE_BYTES} bytes", flush=True)
    write_lines(log_file)
    size = os.path.getsize(log_file)
    port, received = receiver()
    api = free_port()
    config = os.path.join(work, "bench.river")
    with open(config, "w") as f:
        f.write(f'''loki.source.file "app" {{
	targets    = [{{"__path__" = "{log_file}", "job" = "bench"}}]
	forward_to = [loki.write.out.receiver]
}}

loki.write "out" {{
	endpoint {{
		url = "http://127.0.0.1:{port}/loki/api/v1/push"
	}}
}}
''')
    started = time.time()
    flow = subprocess.Popen([FLOW, "run", f"--server.http.listen-addr=127.0.0.1:{api}",
                             f"--storage.path={work}/data", config],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while True:
            time.sleep(0.05)
            if flow.poll() is not None:
                raise SystemExit(f"flow run ended with {flow.returncode}:\n{flow.stderr.read()}")
            try:
                sent = metric(api, "loki_write_sent_entries_total")
                dropped = metric(api, "loki_write_dropped_entries_total")
            except OSError:
                continue
            if sent + dropped >= LINES:
                break
            if time.time() - started > 600:
                raise SystemExit(f"only {sent:.0f} of {LINES} lines sent after 10 minutes")
        elapsed = time.time() - started
        cpu = cpu_seconds(flow.pid)
        rss = peak_rss_mib(flow.pid)
    finally:
        flow.terminate()
        flow.wait(60)
    mib = size / (1 << 20)
    print(f"{LINES} lines, {mib:.0f} MiB, in {elapsed:.2f} s: {mib / elapsed:.1f} MiB/s")
    print(f"CPU: {cpu:.2f} s, {cpu / (LINES / 1e6):.2f} CPU-s per million lines "
          f"({mib / cpu:.1f} MiB per CPU-second)")
    print(f"peak RSS: {rss:.1f} MiB; pushed {received['bytes'] / (1 << 20):.1f} MiB "
          f"(snappy); sent {sent:.0f}, dropped {dropped:.0f}")
    if dropped:
        raise SystemExit("FAIL: entries were dropped")


if __name__ == "__main__":
    main()
