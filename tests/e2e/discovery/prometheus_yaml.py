#!/usr/bin/env python3
"""End-to-end test: a Prometheus YAML config with `http_sd_configs` and
`file_sd_configs`, run as it is by `flow run --config.format=prometheus`,
delivers its targets' series to a real Prometheus (Debian's), with the
labels its relabelling makes of the discovery labels; and the reference's
converter examples whose components this build runs start as they are.

Two exposition servers stand in for targets: one is announced by an HTTP
discovery endpoint (this script), the other by a target file. The
relabelling keeps `__meta_url` and a file group label as labels; the
series must reach Prometheus with them.

Usage: prometheus_yaml.py FLOW_BINARY   (needs Debian's prometheus; root and
util-linux unshare for the converter examples)
"""

import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request

# The helpers the end-to-end scripts share (tests/e2e/support.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support import Prometheus, free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])


def serve(handler_for):
    """A loopback HTTP server whose GET answers are `handler_for(path)`:
    (content type, body)."""
    port = free_port()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            kind, body = handler_for(self.path)
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return port


def exposition(name):
    return lambda _: ("text/plain; version=0.0.4",
                      f"# TYPE e2e_sd_up gauge\ne2e_sd_up{{source=\"{name}\"}} 1\n")


def main():
    if not any(os.access(os.path.join(d, "prometheus"), os.X_OK)
               for d in os.environ.get("PATH", "").split(os.pathsep)):
        raise SystemExit("FAIL: needs Debian's prometheus (apt-get install prometheus)")
    from_http, from_file = serve(exposition("http")), serve(exposition("file"))
    groups = [{"targets": [f"127.0.0.1:{from_http}"], "labels": {"team": "web"}}]
    sd = serve(lambda _: ("application/json", json.dumps(groups)))
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "targets.json"), "w") as f:
            json.dump([{"targets": [f"127.0.0.1:{from_file}"], "labels": {"team": "files"}}], f)
        prometheus = Prometheus(tmp).start()
        receiver = prometheus.port
        config = os.path.join(tmp, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
scrape_configs:
  - job_name: discovered
    http_sd_configs:
      - url: http://127.0.0.1:{sd}/targets
        refresh_interval: 1s
    file_sd_configs:
      - files: [{os.path.join(tmp, 'targets.json')}]
    relabel_configs:
      - source_labels: [__meta_url]
        target_label: sd_url
remote_write:
  - url: http://127.0.0.1:{receiver}/api/v1/write
""")
        flow = subprocess.Popen(
            [FLOW, "run", "--config.format=prometheus",
             "--server.http.listen-addr", f"127.0.0.1:{free_port()}",
             "--storage.path", os.path.join(tmp, "data"), config],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            def series():
                if flow.poll() is not None:
                    raise SystemExit(f"FAIL: flow run ended:\n{flow.stderr.read()}")
                url = (f"http://127.0.0.1:{receiver}/api/v1/query?"
                       + urllib.parse.urlencode({"query": "e2e_sd_up"}))
                try:
                    result = json.load(urllib.request.urlopen(url, timeout=2))["data"]["result"]
                except OSError:
                    return []
                return [r["metric"] for r in result]

            wait("both targets' series in Prometheus", lambda: len(series()) == 2, limit=60)
            found = {m["source"]: m for m in series()}
            http_series, file_series = found["http"], found["file"]
            assert http_series["job"] == "discovered", http_series
            assert http_series["team"] == "web", http_series
            assert http_series["sd_url"] == f"http://127.0.0.1:{sd}/targets", http_series
            assert http_series["instance"] == f"127.0.0.1:{from_http}", http_series
            assert file_series["team"] == "files" and "sd_url" not in file_series, file_series
            print("ok: targets from http_sd_configs and file_sd_configs delivered their series "
                  "to Prometheus with their discovery labels")
        finally:
            flow.terminate()
            flow.wait(15)
            prometheus.stop()


# The reference's converter examples that run as they are (docs/run.md
# lists the others, and why).
RUNNABLE_EXAMPLES = ["consul", "dns", "docker", "dockerswarm", "empty", "file", "kuma",
                     "kubernetes", "marathon", "metric_relabel", "serverset"]


def examples():
    """Each runnable converter example starts and keeps running. Their
    servers have made-up names: `flow run` runs in a mount namespace whose
    resolv.conf names a loopback address where nothing answers, so that no
    lookup leaves the machine."""
    here = os.path.dirname(os.path.abspath(__file__))
    goldens = os.path.join(here, "..", "..", "data", "convert", "prometheus")
    for name in RUNNABLE_EXAMPLES:
        with tempfile.TemporaryDirectory() as tmp:
            resolv = os.path.join(tmp, "resolv.conf")
            with open(resolv, "w") as f:
                f.write("nameserver 127.0.8.54\n")
            flow = subprocess.Popen(
                ["unshare", "--mount", "--", "sh", "-c",
                 'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolv,
                 FLOW, "run", "--config.format=prometheus",
                 "--server.http.listen-addr", f"127.0.0.1:{free_port()}",
                 "--storage.path", tmp, os.path.join(goldens, f"{name}.yaml")],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                flow.wait(3)
                raise SystemExit(f"FAIL: the {name} example did not run:\n{flow.stderr.read()}")
            except subprocess.TimeoutExpired:
                flow.terminate()
                flow.wait(15)
    print(f"ok: the converter examples {', '.join(RUNNABLE_EXAMPLES)} run as they are")


if __name__ == "__main__":
    main()
    examples()
