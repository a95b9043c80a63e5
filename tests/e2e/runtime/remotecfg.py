#!/usr/bin/env python3
"""The `remotecfg` block against a fake remote-config server built from the
API's proto (agent.v1.AgentService/GetConfig over the Connect protocol,
protobuf encoded by hand): flow run runs the config it serves, under
`remotecfg/` ids; a bad config is refused while the good one keeps
running and /-/healthy says why; a new good config replaces it; with the
server gone, a restart runs the cached config. The request carries the id
(from agent_seed.json when the block sets none) and the metadata; basic
auth reaches the server and its password never shows in the API.

Usage: remotecfg.py PATH/TO/flow
"""

import base64
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import fields, free_port, passed, scratch, wait  # noqa: E402

PASSWORD = "remote-s3cret"


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


class Api(http.server.BaseHTTPRequestHandler):
    """agent.v1.AgentService: answers GetConfig with `content`."""
    content = ""
    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        expected = "Basic " + base64.b64encode(f"fleet:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self.answer(401, b'{"code":"unauthenticated","message":"who are you"}',
                               "application/json")
        if self.path != "/agent.v1.AgentService/GetConfig":
            return self.answer(404, b'{"code":"unimplemented"}', "application/json")
        request = {"id": "", "metadata": {}}
        for number, value in fields(body):
            if number == 1:
                request["id"] = value.decode()
            elif number == 2:
                entry = dict(fields(value))
                request["metadata"][entry[1].decode()] = entry[2].decode()
        Api.requests.append(request)
        content = Api.content.encode()
        self.answer(200, b"\x0a" + varint(len(content)) + content, "application/proto")

    def answer(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass




def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def local_file(path):
    return f'local.file "greeting" {{\n  filename = "{path}"\n}}\n'


def start_flow(flow, work, config, port):
    log = open(os.path.join(work, f"flow-{port}.log"), "w")
    return subprocess.Popen(
        [flow, "run", config, f"--server.http.listen-addr=127.0.0.1:{port}",
         f"--storage.path={work}/data"], stdout=subprocess.DEVNULL, stderr=log)


def content_of(port):
    status, body = get(port, "/api/v0/web/components/remotecfg/local.file.greeting")
    return status == 200 and json.loads(body)["exports"]["content"]


def main():
    flow = os.path.abspath(sys.argv[1])
    work = scratch("flow-remotecfg-")
    for name, text in [("one.txt", "one"), ("two.txt", "two")]:
        with open(os.path.join(work, name), "w") as f:
            f.write(text)
    Api.content = local_file(os.path.join(work, "one.txt"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = os.path.join(work, "config.river")
    with open(config, "w") as f:
        f.write(f"""remotecfg {{
  url            = "http://127.0.0.1:{server.server_address[1]}"
  metadata       = {{"cluster" = "e2e"}}
  poll_frequency = "300ms"

  basic_auth {{
    username = "fleet"
    password = "{PASSWORD}"
  }}
}}
""")
    port = free_port()
    process = start_flow(flow, work, config, port)
    try:
        wait("the served config to run", lambda: content_of(port) == "one")
        request = Api.requests[-1]
        with open(os.path.join(work, "data", "agent_seed.json")) as f:
            seed = json.load(f)["UID"]
        assert request == {"id": seed, "metadata": {"cluster": "e2e"}}, (request, seed)
        _, listed = get(port, "/api/v0/web/remotecfg/components")
        assert [c["id"] for c in json.loads(listed)] == ["remotecfg/local.file.greeting"], listed
        print(f"ok: the served config runs under remotecfg/ ids; the request carried id {seed} "
              "(agent_seed.json) and the metadata")

        Api.content = 'local.file "greeting" {\n  filename = \n'
        status, body = wait("/-/healthy to report the refused config",
                            lambda: (lambda r: r[0] == 500 and r)(get(port, "/-/healthy")))
        assert "remotecfg: the fetched config is refused" in body, body
        assert content_of(port) == "one", "the good config keeps running"
        print(f"ok: a bad config is refused, the good one keeps running: {body.splitlines()[1][:90]}")

        Api.content = local_file(os.path.join(work, "two.txt"))
        wait("the new config", lambda: content_of(port) == "two")
        wait("/-/healthy to recover", lambda: get(port, "/-/healthy")[0] == 200)
        for path in ["/api/v0/web/components", "/api/v0/web/remotecfg/components"]:
            assert PASSWORD not in get(port, path)[1]
        print("ok: a new good config replaced it; the password never shows in the API")
    finally:
        process.terminate()
        process.wait(30)
    server.shutdown()
    server.server_close()

    port = free_port()
    process = start_flow(flow, work, config, port)
    try:
        wait("the cached config to run with the server gone", lambda: content_of(port) == "two")
        status, body = get(port, "/-/healthy")
        assert status == 500 and "remotecfg:" in body, body
        print("ok: with the server gone, a restart runs the cached config and says why")
    finally:
        process.terminate()
        process.wait(30)
    passed("remotecfg e2e: passed")


if __name__ == "__main__":
    main()
