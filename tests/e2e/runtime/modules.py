#!/usr/bin/env python3
"""Modules under `flow run`, end to end: a custom component declared in a
file of its own and brought in with `import.file` scrapes a target, and its
series reach a real Prometheus (Debian's) with the label its argument sets;
editing the imported file changes the running pipeline without a restart;
a broken edit keeps the last good version running and the API says why;
the nested components show under the module's id.

Usage: modules.py PATH/TO/flow
"""

import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import free_port  # noqa: E402

LIBRARY = """declare "scrape_to" {
  argument "address" { }
  argument "team" { }
  argument "forward_to" { }

  prometheus.scrape "job" {
    targets         = [{"__address__" = argument.address.value, "team" = argument.team.value}]
    forward_to      = argument.forward_to.value
    scrape_interval = "1s"
    scrape_timeout  = "1s"
    job_name        = "modules"
  }
}
"""


class Target(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"# TYPE e2e_module_value gauge\ne2e_module_value 7\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def wait(what, check, limit=60):
    """Waits until `check()` gives something true (errors count as not
    yet) and returns it; fails the test after `limit` seconds."""
    start = time.time()
    while time.time() - start < limit:
        try:
            result = check()
            if result:
                return result
        except Exception:
            pass
        time.sleep(0.2)
    raise SystemExit(f"FAIL: {what}")


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return r.read().decode()


def query(port, expr):
    body = get(port, "/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    return json.loads(body)["data"]["result"]


def main():
    flow = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="flow-modules-")
    target = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Target)
    threading.Thread(target=target.serve_forever, daemon=True).start()
    target_address = f"127.0.0.1:{target.server_address[1]}"

    prom_port = free_port()
    with open(os.path.join(work, "prometheus.yml"), "w") as f:
        f.write("global: {}\n")
    prometheus = subprocess.Popen(
        ["prometheus", f"--config.file={work}/prometheus.yml",
         f"--storage.tsdb.path={work}/prometheus-data",
         f"--web.listen-address=127.0.0.1:{prom_port}", "--web.enable-remote-write-receiver"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    library = os.path.join(work, "lib", "scrape.river")
    os.makedirs(os.path.dirname(library))
    with open(library, "w") as f:
        f.write(LIBRARY)
    config = os.path.join(work, "config.river")
    with open(config, "w") as f:
        f.write(f"""import.file "lib" {{
  filename       = "{os.path.dirname(library)}"
  detector       = "poll"
  poll_frequency = "200ms"
}}

prometheus.remote_write "prom" {{
  endpoint {{
    url = "http://127.0.0.1:{prom_port}/api/v1/write"
  }}
}}

lib.scrape_to "blue" {{
  address    = "{target_address}"
  team       = "blue"
  forward_to = [prometheus.remote_write.prom.receiver]
}}
""")
    api_port = free_port()
    process = subprocess.Popen(
        [flow, "run", config, f"--server.http.listen-addr=127.0.0.1:{api_port}",
         f"--storage.path={work}/data"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "flow.log"), "w"))
    try:
        wait("Prometheus to be ready", lambda: get(prom_port, "/-/ready"))
        wait("the module's series in Prometheus with its argument's label",
             lambda: query(prom_port, 'e2e_module_value{team="blue", job="modules"}'))
        print("ok: a custom component from import.file scraped, its series reached Prometheus "
              "with team=\"blue\"")

        inner = json.loads(get(api_port, "/api/v0/web/modules/lib.scrape_to.blue/components"))
        ids = [c["id"] for c in inner]
        assert "lib.scrape_to.blue/prometheus.scrape.job" in ids, ids
        print(f"ok: the API lists the module's components under nested ids: {ids}")

        with open(library, "w") as f:
            f.write(LIBRARY.replace('"team" = argument.team.value',
                                    '"team" = argument.team.value + "-v2"'))
        wait("the edited module's label in Prometheus",
             lambda: query(prom_port, 'e2e_module_value{team="blue-v2"}'))
        print("ok: editing the imported file changed the running pipeline without a restart")

        with open(library, "w") as f:
            f.write('declare "scrape_to" {\n  argument "address" {\n')

        def import_unhealthy():
            info = json.loads(get(api_port, "/api/v0/web/components/import.file.lib"))
            return info["health"]["state"] == "unhealthy" and info["health"]["message"]
        message = wait("the import to report the broken version", import_unhealthy)
        before = len(query(prom_port, 'e2e_module_value{team="blue-v2"}[1h]')[0]["values"])
        wait("more samples from the last good version",
             lambda: len(query(prom_port, 'e2e_module_value{team="blue-v2"}[1h]')[0]["values"])
             > before + 2)
        print(f"ok: a broken edit kept the last good version running; health: {message[:90]}")
    finally:
        process.terminate()
        process.wait(30)
        prometheus.terminate()
        prometheus.wait(30)
        target.shutdown()
    print("modules e2e: passed")


if __name__ == "__main__":
    main()
