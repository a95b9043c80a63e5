#!/usr/bin/env python3
"""End-to-end test of `loki.process` between `loki.source.api` and
`loki.write`, with a fake Loki that this script serves itself.

`flow run` receives log lines on `loki.source.api` (Loki's JSON push API,
sent with urllib), runs them through `loki.process` and pushes what comes
out with `loki.write` to a loopback HTTP server here, which decodes Loki's
push body (snappy-compressed protobuf, decoded by hand in
tests/e2e/support.py: no packages needed). The pipeline:

- `stage.match` with a selector and a line filter drops `app="api"` lines
  containing "heartbeat" (the same lines from `app="worker"` pass);
- `stage.json` (under a `stage.match` on `format="json"`) and
  `stage.logfmt` (on `format="logfmt"`) extract a time, level, user and
  message;
- `stage.timestamp` parses the time with a Go layout
  (`2006-01-02 15:04:05.000 -0700`);
- `stage.labels` makes labels of the level and user;
- `stage.template` builds `LEVEL user: message`, and `stage.output` makes
  that the line.

Each kept line must arrive exactly once, with exactly the expected labels,
the timestamp from its text (not the push's) and the templated line; no
dropped line may arrive, and `loki_process_dropped_lines_total` must count
them.

Usage: process.py FLOW_BINARY   (Python 3 only; loopback addresses only)
"""

import datetime
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

# The helpers the end-to-end scripts share (tests/e2e/support.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support import decode_push, free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])
LAYOUT = "2006-01-02 15:04:05.000 -0700"  # Go's; the same in Python below
PY_LAYOUT = "%Y-%m-%d %H:%M:%S.%f %z"


def config(push, loki):
    return f"""
loki.source.api "in" {{
	http {{
		listen_address = "127.0.0.1"
		listen_port    = {push}
	}}
	labels     = {{"via" = "e2e"}}
	forward_to = [loki.process.p.receiver]
}}

loki.process "p" {{
	forward_to = [loki.write.out.receiver]

	stage.match {{
		selector            = "{{app=\\"api\\"}} |= \\"heartbeat\\""
		action              = "drop"
		drop_counter_reason = "heartbeat"
	}}

	stage.match {{
		selector = "{{format=\\"json\\"}}"

		stage.json {{
			expressions = {{ ts = "time", level = "", user = "", msg = "message" }}
		}}
	}}

	stage.match {{
		selector = "{{format=\\"logfmt\\"}}"

		stage.logfmt {{
			mapping = {{ ts = "time", level = "", user = "", msg = "" }}
		}}
	}}

	stage.timestamp {{
		source = "ts"
		format = "{LAYOUT}"
	}}

	stage.labels {{
		values = {{ level = "", user = "" }}
	}}

	stage.template {{
		source   = "out"
		template = "{{{{ .level | ToUpper }}}} {{{{ .user }}}}: {{{{ .msg }}}}"
	}}

	stage.output {{
		source = "out"
	}}
}}

loki.write "out" {{
	endpoint {{
		url        = "http://127.0.0.1:{loki}/loki/api/v1/push"
		batch_wait = "100ms"
	}}
}}
"""


def fake_loki():
    """A loopback Loki push endpoint; returns its port and the list every
    entry received is appended to."""
    port = free_port()
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                assert self.path == "/loki/api/v1/push", self.path
                assert self.headers["Content-Type"] == "application/x-protobuf"
                received.extend(decode_push(body))
                status = 204
            except Exception as e:  # noqa: BLE001 (the test sees it below)
                received.append(("undecodable", repr(e), body[:64]))
                status = 400
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return port, received


# --- What is sent, and what must arrive ---

def ns(text):
    return int(datetime.datetime.strptime(text, PY_LAYOUT).timestamp()) * 10**9 + \
        int(text.split(".")[1][:3]) * 10**6


def lines():
    """(stream labels, line, expected (labels, ns, line) or None if dropped)."""
    out = []
    for i in range(10):
        t = f"2026-11-0{i % 9 + 1} 10:00:{i:02d}.{i}25 +0200"
        line = json.dumps({"time": t, "level": "warn", "user": f"j{i}",
                           "message": f"json line {i}"})
        out.append(({"app": "api", "format": "json"}, line,
                    ({"app": "api", "format": "json", "via": "e2e", "level": "warn",
                      "user": f"j{i}"}, ns(t), f"WARN j{i}: json line {i}")))
        t = f"2026-10-1{i} 23:30:{i:02d}.{i}50 -0500"
        line = f'time="{t}" level=info user=l{i} msg="logfmt line {i}"'
        out.append(({"app": "api", "format": "logfmt"}, line,
                    ({"app": "api", "format": "logfmt", "via": "e2e", "level": "info",
                      "user": f"l{i}"}, ns(t), f"INFO l{i}: logfmt line {i}")))
        # Heartbeats: dropped from app="api", kept from app="worker".
        t = f"2026-09-01 00:00:{i:02d}.000 +0000"
        beat = json.dumps({"time": t, "level": "debug", "user": "hb",
                           "message": f"heartbeat {i}"})
        out.append(({"app": "api", "format": "json"}, beat, None))
        out.append(({"app": "api", "format": "logfmt"},
                    f'time="{t}" level=debug user=hb msg="heartbeat {i}"', None))
        out.append(({"app": "worker", "format": "logfmt"},
                    f'time="{t}" level=debug user=w{i} msg="heartbeat {i}"',
                    ({"app": "worker", "format": "logfmt", "via": "e2e", "level": "debug",
                      "user": f"w{i}"}, ns(t), f"DEBUG w{i}: heartbeat {i}")))
    return out


def push(port, batch):
    """One JSON push request to loki.source.api, pushed as of now."""
    now = str(time.time_ns())
    streams = [{"stream": labels, "values": [[now, line]]} for labels, line, _ in batch]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/loki/api/v1/push",
        data=json.dumps({"streams": streams}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 204, answer.status


def dropped_metric(api):
    text = urllib.request.urlopen(f"http://127.0.0.1:{api}/metrics", timeout=5).read().decode()
    return {line.split("{", 1)[1].split("}")[0]: float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("loki_process_dropped_lines_total{")}


def main():
    loki, received = fake_loki()
    api, source = free_port(), free_port()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "config.river")
        with open(path, "w") as f:
            f.write(config(source, loki))
        flow = subprocess.Popen(
            [FLOW, "run", "--server.http.listen-addr", f"127.0.0.1:{api}",
             "--storage.path", os.path.join(tmp, "data"), path],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        log = []
        threading.Thread(target=lambda: log.extend(flow.stderr), daemon=True).start()
        try:
            def up():
                if flow.poll() is not None:
                    time.sleep(0.2)
                    raise SystemExit(f"FAIL: flow run ended:\n{''.join(log)}")
                try:
                    url = f"http://127.0.0.1:{source}/ready"
                    return urllib.request.urlopen(url, timeout=1).read() == b"ready"
                except OSError:
                    return False

            wait("loki.source.api never became ready", up)
            sent = lines()
            for start in range(0, len(sent), 7):  # a few entries per request
                push(source, sent[start:start + 7])
            # A last line after every other: once it is in, all that was
            # pushed before has gone through the pipeline.
            t = "2026-12-31 23:59:59.999 +0000"
            last = ({"app": "worker", "format": "logfmt"},
                    f'time="{t}" level=info user=end msg="last"',
                    ({"app": "worker", "format": "logfmt", "via": "e2e", "level": "info",
                      "user": "end"}, ns(t), "INFO end: last"))
            push(source, [last])
            sent.append(last)
            expected = [want for _, _, want in sent if want]

            def arrived():
                return any(e[2] == "INFO end: last" for e in received if len(e) == 3)

            try:
                wait("the last line never reached the fake Loki", arrived, limit=30)
            except SystemExit:
                raise SystemExit(f"FAIL: received {received}\nflow run's log:\n{''.join(log)}")
            time.sleep(1)  # anything late (a duplicate) would come now
            bad = [e for e in received if len(e) != 3]
            assert not bad, f"FAIL: undecodable pushes: {bad}"
            for labels, ts, line in expected:
                got = [e for e in received if e[2] == line]
                assert len(got) == 1, f"FAIL: {line!r} arrived {len(got)} times: {got}"
                assert got[0][0] == labels, f"FAIL: {line!r}: labels {got[0][0]}, not {labels}"
                assert got[0][1] == ts, f"FAIL: {line!r}: timestamp {got[0][1]}, not {ts}"
            assert len(received) == len(expected), \
                f"FAIL: {len(received)} entries arrived, {len(expected)} expected: " \
                f"{sorted(e[2] for e in received)}"
            drops = dropped_metric(api)
            assert drops == {'component_id="loki.process.p",reason="heartbeat"': 20.0}, \
                f"FAIL: loki_process_dropped_lines_total: {drops}"
            print(f"ok: {len(expected)} lines through stage.match/json/logfmt/timestamp/labels/"
                  f"template/output reached the fake Loki once each, with their labels, "
                  f"timestamps and lines; the 20 heartbeats stage.match drops did not")
        finally:
            flow.terminate()
            flow.wait(timeout=15)


if __name__ == "__main__":
    main()
