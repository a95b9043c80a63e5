#!/usr/bin/env python3
"""`flow run` tailing one file of 1 KiB lines through `loki.process` into
`loki.write`: what the processing stages cost.

As bench/logs.py: a file of --lines lines of 1 KiB is written first, `flow
run` reads it with `loki.source.file` from the start and pushes it to a
local Loki endpoint (this script, answering 204 to every push and keeping
nothing). Between the two, `loki.process` runs one of these pipelines:

- regex:    stage.regex (time, level, path, user) + stage.labels (level)
            + stage.timestamp (RFC3339Nano), on access-log-like lines;
- json:     stage.json (time, level, path, user) + stage.labels (level),
            on the same fields written as JSON objects;
- none:     no loki.process at all (the regex pipeline's lines), the
            baseline of reading, batching and pushing.

Measured for each, from the process's start until
`loki_write_sent_entries_total` reaches the line count: MiB/s (wall
clock), CPU milliseconds per MiB and MiB per CPU-second (the throughput of one
core: the machine may be busy), peak RSS, and entries dropped (which must
be none). That the stages did their work is checked on the first push
(decoded with tests/e2e/support.py): with regex and json, every entry has
the `level` label its line gives; with regex, the timestamp its line
gives too.

With --one-core, flow run is pinned to CPU 0 (`taskset -c 0`), and the
wall-clock MiB/s is that of one core too.

Usage: bench/logs_process.py [FLOW_BINARY] [--lines N] [--pipeline regex|json|none]
                             [--one-core]
(by default the dist build's flow, 500,000 lines, all three pipelines, and
every core).
"""

import datetime
import http.server
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time

from measure import cpu_seconds, dist_flow, free_port, metric, peak_rss_mib

# Decoding Loki's push body, shared with the end-to-end tests.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from support import decode_push  # noqa: E402

OPTIONS = ("--lines", "--pipeline")
ARGS = [
    a for i, a in enumerate(sys.argv[1:]) if not a.startswith("--") and sys.argv[i] not in OPTIONS
]
LINES = int(sys.argv[sys.argv.index("--lines") + 1]) if "--lines" in sys.argv else 500_000
PIPELINES = ([sys.argv[sys.argv.index("--pipeline") + 1]] if "--pipeline" in sys.argv
             else ["regex", "json", "none"])
ONE_CORE = ["taskset", "-c", "0"] if "--one-core" in sys.argv else []
LINE_BYTES = 1024

STAGES = {
    "regex": r'''
	stage.regex {
		expression = "^(?P<time>\\S+) level=(?P<level>\\w+) path=(?P<path>\\S+) user=(?P<user>\\d+) "
	}

	stage.labels {
		values = { level = "" }
	}

	stage.timestamp {
		source = "time"
		format = "RFC3339Nano"
	}
''',
    "json": '''
	stage.json {
		expressions = { time = "", level = "", path = "", user = "" }
	}

	stage.labels {
		values = { level = "" }
	}
''',
}


def write_lines(path, as_json):
    """Lines like bench/logs.py's (a time, a level, a path, ids, a latency
    and words), of LINE_BYTES bytes each; as JSON objects when `as_json`."""
    words = ("request served cache miss upstream retry timeout user session token "
             "payload accepted rejected shard replica leader follower").split()
    paths = [f"/api/v1/{w}/{n}" for w in words for n in range(20)]
    rng = random.Random(42)
    with open(path, "w") as f:
        for i in range(LINES):
            fields = {
                "time": f"2026-12-06T12:{i // 60000 % 60:02d}:{i // 1000 % 60:02d}.{i % 1000:03d}Z",
                "level": rng.choice(("info", "warn", "error", "debug")),
                "path": rng.choice(paths),
                "user": str(rng.randrange(10**6)),
                "latency_ms": rng.randrange(5000),
                "trace": f"{rng.getrandbits(64):016x}",
            }
            if as_json:
                head = json.dumps(fields)[:-1] + ', "msg": "'
                tail = '"}'
            else:
                head = (f"{fields['time']} level={fields['level']} path={fields['path']} "
                        f"user={fields['user']} latency_ms={fields['latency_ms']} "
                        f"trace={fields['trace']} msg=\"")
                tail = '"'
            body, length = [], len(head) + len(tail)
            while length < LINE_BYTES:
                word = rng.choice(words)
                body.append(word)
                length += len(word) + 1
            line = (head + " ".join(body))[:LINE_BYTES - 1 - len(tail)] + tail
            f.write(line + "\n")


def receiver():
    """A local Loki push endpoint that answers 204 and keeps nothing."""
    port = free_port()
    received = {"bytes": 0, "first": None}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received["bytes"] += len(body)
            if received["first"] is None:
                received["first"] = body
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return port, received


def config(pipeline, log_file, port):
    process = ""
    first = "loki.write.out.receiver"
    if pipeline in STAGES:
        first = "loki.process.p.receiver"
        process = f'''
loki.process "p" {{
	forward_to = [loki.write.out.receiver]
{STAGES[pipeline]}}}
'''
    return f'''loki.source.file "app" {{
	targets    = [{{"__path__" = "{log_file}", "job" = "bench"}}]
	forward_to = [{first}]
}}
{process}
loki.write "out" {{
	endpoint {{
		url = "http://127.0.0.1:{port}/loki/api/v1/push"
	}}
}}
'''


def run(flow_binary, pipeline, log_file, work):
    size = os.path.getsize(log_file)
    port, received = receiver()
    api = free_port()
    path = os.path.join(work, f"{pipeline}.river")
    with open(path, "w") as f:
        f.write(config(pipeline, log_file, port))
    started = time.time()
    flow = subprocess.Popen(
        [*ONE_CORE, flow_binary, "run", f"--server.http.listen-addr=127.0.0.1:{api}",
         f"--storage.path={work}/data-{pipeline}", path],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while True:
            time.sleep(0.05)
            if flow.poll() is not None:
                raise SystemExit(f"flow run ended with {flow.returncode}:\n{flow.stderr.read()}")
            try:
                sent = metric(api, "loki_write_sent_entries_total")
                dropped = metric(api, "loki_write_dropped_entries_total")
                process_dropped = metric(api, "loki_process_dropped_lines_total")
            except OSError:
                continue
            if sent + dropped + process_dropped >= LINES:
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
    print(f"{pipeline}: {LINES} lines, {mib:.0f} MiB, in {elapsed:.2f} s: "
          f"{mib / elapsed:.1f} MiB/s; CPU {cpu:.2f} s, {cpu / mib * 1000:.1f} CPU-ms per MiB "
          f"({mib / cpu:.1f} MiB per CPU-second); peak RSS {rss:.1f} MiB; "
          f"pushed {received['bytes'] / (1 << 20):.1f} MiB (snappy)", flush=True)
    if dropped or process_dropped:
        raise SystemExit(f"FAIL: {dropped:.0f} entries dropped by loki.write, "
                         f"{process_dropped:.0f} by loki.process")
    check(pipeline, received["first"])
    return mib / cpu


def check(pipeline, body):
    """The first push's entries carry what the pipeline makes of them."""
    entries = decode_push(body)
    assert entries, "FAIL: an empty push"
    for labels, ts, line in entries:
        if pipeline == "none":
            assert "level" not in labels, labels
            continue
        fields = json.loads(line) if pipeline == "json" else {
            "time": line.split(" ", 1)[0], "level": line.split("level=", 1)[1].split(" ", 1)[0]}
        assert labels.get("level") == fields["level"], f"FAIL: {labels} for {line[:100]}"
        if pipeline == "regex":
            when = datetime.datetime.fromisoformat(fields["time"].replace("Z", "+00:00"))
            want = int(when.timestamp()) * 10**9 + when.microsecond * 1000
            assert ts == want, f"FAIL: timestamp {ts}, not {want}, for {line[:100]}"


def main():
    flow_binary = os.path.abspath(ARGS[0] if ARGS else dist_flow())
    with tempfile.TemporaryDirectory(prefix="flow-bench-logs-process-") as work:
        files = {}
        for pipeline in PIPELINES:
            as_json = pipeline == "json"
            if as_json not in files:
                files[as_json] = os.path.join(work, "app.json.log" if as_json else "app.log")
                print(f"writing {LINES} {'JSON ' if as_json else ''}lines of {LINE_BYTES} bytes",
                      flush=True)
                write_lines(files[as_json], as_json)
            run(flow_binary, pipeline, files[as_json], work)


if __name__ == "__main__":
    main()
