#!/usr/bin/env python3
"""End-to-end test of `loki.source.file`: nothing lost while a file is
rotated by Debian's logrotate or `flow run` is killed.

Flow A tails one file into `loki.write`, which pushes to flow B's
`loki.source.api`; B's `loki.echo` writes each entry to its log, which
this script reads. While lines are written:
- logrotate renames the file away and creates it again (`create`),
  three times: every line arrives exactly once;
- logrotate copies and truncates it (`copytruncate`), twice, the writer
  pausing until what it wrote has arrived: every line exactly once;
- A is killed with SIGKILL and started again on the same storage: every
  line arrives at least once (those past the last saved position are
  read again).

Usage: files.py FLOW_BINARY   (needs logrotate)
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

# The helpers the end-to-end scripts share (tests/e2e/support.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support import free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])
# logfmt quotes a value only when it needs it.
ENTRY = re.compile(r'entry=(?:"([^"]*)"|(\S+))')






def up(url):
    try:
        urllib.request.urlopen(url, timeout=1).read()
        return True
    except OSError:
        return False


class Flow:
    """A `flow run` of `config` whose stderr lines are kept."""

    def __init__(self, tmp, name, config):
        self.api = free_port()
        self.path = os.path.join(tmp, f"{name}.river")
        self.storage = os.path.join(tmp, f"{name}-data")
        with open(self.path, "w") as f:
            f.write(config)
        self.log = []
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [FLOW, "run", "--server.http.listen-addr", f"127.0.0.1:{self.api}",
             "--storage.path", self.storage, self.path],
            stderr=subprocess.PIPE, text=True)
        threading.Thread(target=lambda p=self.process: self.log.extend(p.stderr),
                         daemon=True).start()
        wait("flow run never became ready", lambda: up(f"http://127.0.0.1:{self.api}/-/ready"))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)


class Writer:
    """Appends lines to `path`, opening it for each line as a logger that
    reopens its file would (so a renamed file is not written to again)."""

    def __init__(self, path):
        self.path = path
        self.written = []

    def write(self, prefix, count, gap=0.001):
        for i in range(count):
            line = f"{prefix}-{i:05d}"
            with open(self.path, "a") as f:
                f.write(line + "\n")
            self.written.append(line)
            time.sleep(gap)

    def in_background(self, prefix, count):
        thread = threading.Thread(target=self.write, args=(prefix, count))
        thread.start()
        return thread


def received(flow):
    return [m.group(1) or m.group(2) for l in list(flow.log) if "loki.echo.show" in l
            for m in [ENTRY.search(l)] if m]


def arrived(writer, flow, what):
    """Waits until every line written so far has arrived at `flow`."""
    start = time.time()
    while time.time() - start < 60:
        missing = set(writer.written) - set(received(flow))
        if not missing:
            return
        time.sleep(0.1)
    raise SystemExit(f"FAIL: not all of {what} arrived; missing {len(missing)}: "
                     f"{sorted(missing)[:10]}")


def logrotate(tmp, path, mode):
    conf = os.path.join(tmp, f"{mode}.conf")
    with open(conf, "w") as f:
        f.write(f"{path} {{\n    rotate 20\n    {mode}\n    missingok\n    nocompress\n}}\n")
    program = shutil.which("logrotate") or "/usr/sbin/logrotate"
    subprocess.run([program, "-f", "-s", os.path.join(tmp, "state"), conf], check=True)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "app.log")
        open(path, "w").close()
        push = free_port()
        b = Flow(tmp, "b", f"""
loki.source.api "in" {{
	http {{
		listen_address = "127.0.0.1"
		listen_port    = {push}
	}}
	forward_to = [loki.echo.show.receiver]
}}

loki.echo "show" {{ }}
""")
        a = Flow(tmp, "a", f"""
loki.source.file "app" {{
	targets    = [{{"__path__" = "{path}", "job" = "e2e"}}]
	forward_to = [loki.write.out.receiver]

	file_watch {{
		min_poll_frequency = "50ms"
		max_poll_frequency = "250ms"
	}}
}}

loki.write "out" {{
	endpoint {{
		url        = "http://127.0.0.1:{push}/loki/api/v1/push"
		batch_wait = "100ms"
	}}
}}
""")
        writer = Writer(path)
        try:
            # Renamed away and created again, three times, while written.
            thread = writer.in_background("create", 1500)
            for _ in range(3):
                time.sleep(0.4)
                logrotate(tmp, path, "create")
            thread.join()
            # Copied and truncated, twice, the writer pausing first.
            for round in range(2):
                writer.write(f"copy{round}", 200)
                arrived(writer, b, "the lines before a copytruncate")
                logrotate(tmp, path, "copytruncate")
            writer.write("copy2", 200)
            # Killed while lines are written, and started again.
            thread = writer.in_background("kill", 1500)
            time.sleep(0.7)
            a.process.send_signal(signal.SIGKILL)
            a.process.wait()
            time.sleep(0.3)
            a.start()
            thread.join()
            arrived(writer, b, "every line")
            time.sleep(1)
            got = received(b)
            counts = {}
            for line in got:
                counts[line] = counts.get(line, 0) + 1
            missing = [l for l in writer.written if l not in counts]
            assert not missing, missing[:10]
            # The file as A was killed held the copy2 and kill lines: those
            # past the last saved position (saved every 10 s, as in the
            # reference) are read again. The rest was rotated away before.
            window = ("copy2", "kill")
            twice = [l for l in writer.written if counts[l] > 1 and not l.startswith(window)]
            assert not twice, f"read twice outside the kill: {twice[:10]}"
            unknown = [l for l in counts if l not in set(writer.written)]
            assert not unknown, unknown[:10]
            again = sum(counts[l] - 1 for l in writer.written if l.startswith(window))
            print(f"ok: {len(writer.written)} lines through 3 logrotate renames, 2 copytruncates "
                  f"and a kill -9 all arrived; {again} read again after the kill")
        finally:
            for flow in (a, b):
                if flow.process.poll() is None:
                    flow.stop()


if __name__ == "__main__":
    main()
