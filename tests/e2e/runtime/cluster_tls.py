#!/usr/bin/env python3
"""End-to-end test of clustering over TLS: the nodes' HTTP servers serve
TLS and require client certificates (the `http` block), and the nodes
reach each other with `--cluster.enable-tls` and the `--cluster.tls-*`
files, certificates made here with openssl.

Two nodes with the CA, a client certificate and (one of them)
`--cluster.tls-server-name` form a cluster; a node without a client
certificate cannot join; a TLS server without `--cluster.enable-tls` is
refused at start on its `tls` block (exit 1), and `--cluster.enable-tls`
with a plain server is refused (exit 2).

Usage: cluster_tls.py FLOW_BINARY   (needs openssl)
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import free_port, wait  # noqa: E402
from tls import context, make_ca, make_cert  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])

CONFIG = """http {{
  tls {{
    cert_file        = "{dir}/server.pem"
    key_file         = "{dir}/server.key"
    client_ca_file   = "{dir}/ca.pem"
    client_auth_type = "RequireAndVerifyClientCert"
  }}
}}
"""


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


class Node:
    def __init__(self, dir, name, config):
        self.dir, self.name, self.port = dir, name, free_port()
        self.config = os.path.join(dir, f"{name}.river")
        with open(self.config, "w") as f:
            f.write(config)
        self.process = None

    def args(self, join, tls_flags):
        return [FLOW, "run", "--server.http.listen-addr", f"127.0.0.1:{self.port}",
                "--storage.path", os.path.join(self.dir, f"{self.name}-data"),
                "--cluster.enabled", "--cluster.node-name", self.name,
                "--cluster.advertise-address", f"127.0.0.1:{self.port}",
                "--cluster.join-addresses", ",".join(f"127.0.0.1:{n.port}" for n in join),
                *tls_flags, self.config]

    def start(self, join, tls_flags):
        log = open(os.path.join(self.dir, f"{self.name}.log"), "w")
        self.process = subprocess.Popen(self.args(join, tls_flags), stdout=log, stderr=subprocess.STDOUT)
        return self

    def peers(self):
        url = f"https://127.0.0.1:{self.port}/api/v0/web/peers"
        with urllib.request.urlopen(url, timeout=2, context=context(self.dir, "node")) as r:
            return sorted(p["name"] for p in json.loads(r.read()) if p["state"] == "participant")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def refused(dir, name, config, tls_flags):
    node = Node(dir, name, config)
    run = subprocess.run(node.args([], tls_flags), capture_output=True, text=True, timeout=60,
                         env={**os.environ, "NO_COLOR": "1"})
    return run.returncode, run.stderr


def main():
    with tempfile.TemporaryDirectory() as dir:
        make_ca(dir, "ca")
        make_cert(dir, "server", "ca", server=True)
        make_cert(dir, "node", "ca", server=False)
        tls = ["--cluster.enable-tls", "--cluster.tls-ca-path", f"{dir}/ca.pem",
               "--cluster.tls-cert-path", f"{dir}/node.pem", "--cluster.tls-key-path", f"{dir}/node.key"]
        config = CONFIG.format(dir=dir)
        n1 = Node(dir, "node-1", config).start([], tls)
        n2 = Node(dir, "node-2", config)
        nodes = [n1, n2]
        try:
            wait("node-1 serves TLS", lambda: n1.peers(), 60)
            started = time.time()
            n2.start([n1], tls + ["--cluster.tls-server-name", "127.0.0.1"])
            wait("two nodes over TLS", lambda: n1.peers() == ["node-1", "node-2"] == n2.peers(), 30)
            print(f"cluster tls e2e: node-1 and node-2 see each other over TLS in {time.time() - started:.1f} s")
            n3 = Node(dir, "node-3", config).start([n1], tls[:3])
            nodes.append(n3)
            time.sleep(8)
            if "node-3" in n1.peers():
                fail("node-3, without a client certificate, joined a cluster that requires one")
            print("cluster tls e2e: node-3 without a client certificate cannot join")
        finally:
            for node in nodes:
                node.stop()
        code, err = refused(dir, "node-4", config, [])
        if code != 1 or "node-4.river:2:3" not in err or "--cluster.enable-tls" not in err:
            fail(f"a TLS server without --cluster.enable-tls: exit {code}, {err}")
        code, err = refused(dir, "node-5", "", tls)
        if code != 2 or "serves plain HTTP" not in err:
            fail(f"--cluster.enable-tls with a plain server: exit {code}, {err}")
        print("cluster tls e2e: a TLS server without --cluster.enable-tls is refused at its tls block; "
              "--cluster.enable-tls with a plain server exits 2")
    print("cluster tls e2e: ok")


if __name__ == "__main__":
    main()
