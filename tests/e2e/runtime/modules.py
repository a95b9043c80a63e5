#!/usr/bin/env python3
"""Modules under `flow run`, end to end: a custom component declared in a
file of its own scrapes a target, and its series reach a real Prometheus
(Debian's) with the label its argument sets, brought in with
`import.file`, with `import.git` from `git daemon` on loopback, and with
`import.git` over HTTP with basic auth (git's dumb protocol from a local
server that checks the password); `module.http` runs a module from a local
HTTP server. Editing the imported file and committing to the repository
change the running pipeline without a restart; a broken edit or commit
keeps the last good version running and the API says why; the nested
components show under the module's id; the password never shows.

Usage: modules.py PATH/TO/flow
"""

import base64
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import Prometheus, free_port, passed, scratch, wait  # noqa: E402

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


MODULE = """argument "address" { }
argument "forward_to" { }

prometheus.scrape "job" {
  targets         = [{"__address__" = argument.address.value, "team" = "purple"}]
  forward_to      = argument.forward_to.value
  scrape_interval = "1s"
  scrape_timeout  = "1s"
  job_name        = "modules"
}
"""

PASSWORD = "s3cret-module-pass"


class Target(http.server.BaseHTTPRequestHandler):
    """The scrape target, the module of `module.http`, and a Git
    repository over git's dumb HTTP protocol behind basic auth."""
    repository = None

    def do_GET(self):
        if self.path == "/metrics":
            return self.answer(b"# TYPE e2e_module_value gauge\ne2e_module_value 7\n")
        if self.path == "/module.river":
            return self.answer(MODULE.encode())
        expected = "Basic " + base64.b64encode(f"flow:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        file = os.path.join(self.repository, self.path.split("?")[0].lstrip("/"))
        if not os.path.isfile(file):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(file, "rb") as f:
            self.answer(f.read())

    def answer(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass




def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return r.read().decode()


def query(port, expr):
    body = get(port, "/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    return json.loads(body)["data"]["result"]


def git(repo, *args):
    subprocess.run(["git", "-c", "user.name=e2e", "-c", "user.email=e2e@example.com", *args],
                   cwd=repo, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def commit(repo, text):
    with open(os.path.join(repo, "scrape.river"), "w") as f:
        f.write(text)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "change")
    # The dumb protocol reads the refs from files this writes.
    git(repo, "update-server-info")


def config_text(work, lib_dir, git_port, http_port, prom_port, target):
    def instance(namespace, team):
        return f"""{namespace}.scrape_to "{team}" {{
  address    = "{target}"
  team       = "{team}"
  forward_to = [prometheus.remote_write.prom.receiver]
}}
"""
    return f"""import.file "lib" {{
  filename       = "{lib_dir}"
  detector       = "poll"
  poll_frequency = "200ms"
}}

import.git "daemon" {{
  repository     = "git://127.0.0.1:{git_port}/repo"
  path           = "scrape.river"
  pull_frequency = "300ms"
}}

import.git "authed" {{
  repository     = "http://127.0.0.1:{http_port}/.git"
  path           = "scrape.river"
  pull_frequency = "300ms"

  basic_auth {{
    username = "flow"
    password = "{PASSWORD}"
  }}
}}

module.http "remote" {{
  url = "http://127.0.0.1:{http_port}/module.river"

  arguments {{
    address    = "{target}"
    forward_to = [prometheus.remote_write.prom.receiver]
  }}
}}

prometheus.remote_write "prom" {{
  endpoint {{
    url = "http://127.0.0.1:{prom_port}/api/v1/write"
  }}
}}

{instance("lib", "blue")}
{instance("daemon", "green")}
{instance("authed", "orange")}"""


def series(prom_port, team):
    return query(prom_port, f'e2e_module_value{{team="{team}", job="modules"}}')


def main():
    flow = os.path.abspath(sys.argv[1])
    work = scratch("flow-modules-")
    repo = os.path.join(work, "repo")
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    commit(repo, LIBRARY)
    Target.repository = repo
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Target)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    http_port = server.server_address[1]

    git_port = free_port()
    daemon = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={work}",
         "--listen=127.0.0.1", f"--port={git_port}", work],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    prometheus = Prometheus(work).start()
    prom_port = prometheus.port
    lib_dir = os.path.join(work, "lib")
    os.makedirs(lib_dir)
    library = os.path.join(lib_dir, "scrape.river")
    with open(library, "w") as f:
        f.write(LIBRARY)
    config = os.path.join(work, "config.river")
    with open(config, "w") as f:
        f.write(config_text(work, lib_dir, git_port, http_port, prom_port,
                            f"127.0.0.1:{http_port}"))
    wait("git daemon to listen", lambda: socket.create_connection(("127.0.0.1", git_port)).close() or True)
    api_port = free_port()
    process = subprocess.Popen(
        [flow, "run", config, f"--server.http.listen-addr=127.0.0.1:{api_port}",
         f"--storage.path={work}/data"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "flow.log"), "w"))
    try:
        run_checks(api_port, prom_port, library, repo)
    finally:
        process.terminate()
        process.wait(30)
        prometheus.stop()
        daemon.terminate()
        server.shutdown()
    passed("modules e2e: passed")


def run_checks(api_port, prom_port, library, repo):
    wait("Prometheus to be ready", lambda: get(prom_port, "/-/ready"))
    for team, how in [("blue", "import.file"), ("green", "import.git from git daemon"),
                      ("orange", "import.git over HTTP with basic auth"),
                      ("purple", "module.http")]:
        wait(f"the series of {how} in Prometheus", lambda: series(prom_port, team))
        print(f"ok: a module from {how} scraped; its series reached Prometheus with team={team!r}")

    inner = json.loads(get(api_port, "/api/v0/web/modules/lib.scrape_to.blue/components"))
    ids = [c["id"] for c in inner]
    assert "lib.scrape_to.blue/prometheus.scrape.job" in ids, ids
    print(f"ok: the API lists a module's components under nested ids: {ids[-1]}")
    answers = [get(api_port, "/api/v0/web/components"),
               get(api_port, "/api/v0/web/components/import.git.authed")]
    assert all(PASSWORD not in a for a in answers), "the password shows in the API"
    print("ok: the basic auth password never shows in the API")

    changed = LIBRARY.replace('"team" = argument.team.value', '"team" = argument.team.value + "-v2"')
    with open(library, "w") as f:
        f.write(changed)
    commit(repo, changed)
    for team in ["blue-v2", "green-v2", "orange-v2"]:
        wait(f"{team} in Prometheus", lambda: series(prom_port, team))
    print("ok: an edited file and a new commit changed the running pipeline without a restart")

    broken = 'declare "scrape_to" {\n  argument "address" {\n'
    with open(library, "w") as f:
        f.write(broken)
    commit(repo, broken)
    for component in ["import.file.lib", "import.git.daemon", "import.git.authed"]:
        def unhealthy():
            info = json.loads(get(api_port, f"/api/v0/web/components/{component}"))
            return info["health"]["state"] == "unhealthy" and info["health"]["message"]
        message = wait(f"{component} to report the broken version", unhealthy)
        print(f"ok: {component} reports it: {message[:80]}")
    counts = {t: len(query(prom_port, f'e2e_module_value{{team="{t}"}}[1h]')[0]["values"])
              for t in ["blue-v2", "green-v2"]}
    for team, before in counts.items():
        wait(f"more samples of {team} from the last good version",
             lambda: len(query(prom_port, f'e2e_module_value{{team="{team}"}}[1h]')[0]["values"])
             > before + 2)
    print("ok: the broken edit and the bad commit kept the last good versions running")


if __name__ == "__main__":
    main()
