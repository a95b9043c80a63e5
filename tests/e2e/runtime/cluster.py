#!/usr/bin/env python3
"""Clustering end to end, on loopback: `flow run` nodes gossip over their
HTTP servers and share 30 targets of a `prometheus.scrape` with
`clustering { enabled = true }`. Each node's config adds `?node=<name>`
to its scrapes (`params`, which is not part of a target's ring key), so
the targets, 30 ports of this script, see which node scrapes them.

Checked: three nodes scrape every target exactly once between them (and
their debug info agrees); after `kill -9` of one node the other two take
its targets within 20 s; a fourth node joins and takes its share; a node
with another `--cluster.name` cannot join (both sides keep it out, and
alone it scrapes everything); a node stopped (SIGSTOP) long enough to be
taken for dead, then resumed (SIGCONT), is a member again and scrapes its
share. Convergence times and the gossip bytes per second of each node
are printed.

Usage: cluster.py PATH/TO/flow
"""

import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import free_port, wait  # noqa: E402

TARGETS = 30
# A scrape older than this no longer counts as the node scraping it.
WINDOW = 2.5
LAST = {}  # (target port, node name) -> time of its last scrape
LOCK = threading.Lock()


class Target(http.server.BaseHTTPRequestHandler):
    """A metric naming the target's port; notes which node asked."""

    def do_GET(self):
        port = self.server.server_address[1]
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        with LOCK:
            LAST[(port, query.get("node", ["?"])[0])] = time.time()
        body = f"# TYPE e2e_target gauge\ne2e_target{{port=\"{port}\"}} 1\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_targets():
    ports = []
    for _ in range(TARGETS):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Target)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        ports.append(server.server_address[1])
    return ports


def config(node, ports):
    targets = ", ".join(f'{{"__address__" = "127.0.0.1:{p}"}}' for p in ports)
    return f"""prometheus.scrape "x" {{
\ttargets         = [{targets}]
\tforward_to      = []
\tscrape_interval = "1s"
\tscrape_timeout  = "900ms"
\tparams          = {{ "node" = ["{node}"] }}

\tclustering {{
\t\tenabled = true
\t}}
}}
"""


class Node:
    """One `flow run` in a cluster, its files under `work/<name>`."""

    def __init__(self, flow, work, name, ports, cluster_name=""):
        self.flow, self.name, self.cluster_name = flow, name, cluster_name
        self.port = free_port()
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir)
        self.config = os.path.join(self.dir, "config.river")
        with open(self.config, "w") as f:
            f.write(config(name, ports))
        self.process = self.log = None

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def start(self, join):
        self.log = open(os.path.join(self.dir, "flow.log"), "w")
        args = [self.flow, "run", "--server.http.listen-addr", self.address,
                "--storage.path", os.path.join(self.dir, "data"),
                "--cluster.enabled", "--cluster.node-name", self.name,
                "--cluster.advertise-address", self.address,
                "--cluster.join-addresses", ",".join(n.address for n in join)]
        if self.cluster_name:
            args += ["--cluster.name", self.cluster_name]
        self.process = subprocess.Popen(args + [self.config], stdout=self.log,
                                        stderr=subprocess.STDOUT)
        wait(f"{self.name} is ready", lambda: self.get("/-/ready") is not None, 60)
        return self

    def get(self, path):
        with urllib.request.urlopen(f"http://{self.address}{path}", timeout=2) as r:
            return r.read().decode()

    def peers(self):
        return {p["name"]: p for p in json.loads(self.get("/api/v0/web/peers"))}

    def owned(self):
        """The target ports this node's scrape component runs loops for."""
        info = json.loads(self.get("/api/v0/web/components/prometheus.scrape.x"))
        urls = [t["url"] for t in info["debugInfo"]["targets"]]
        return {int(urllib.parse.urlparse(u).port) for u in urls}

    def gossip_bytes(self):
        total = 0.0
        for line in self.get("/metrics").splitlines():
            if line.startswith(("cluster_transport_rx_bytes_total", "cluster_transport_tx_bytes_total")):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def stop(self):
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.log:
            self.log.close()


def owned_once(ports, nodes):
    """Each node's share (from its debug info) when the shares of `nodes`
    cover every target once and none is empty."""
    shares = {n.name: n.owned() for n in nodes}
    every = sorted(p for share in shares.values() for p in share)
    return every == sorted(ports) and all(shares.values()) and shares


def scraped_as_owned(shares):
    """True when, within the last WINDOW seconds, each target was scraped
    by its owner and by no other node."""
    now = time.time()
    with LOCK:
        recent = {(p, n) for (p, n), at in LAST.items() if now - at < WINDOW}
    return all({n for q, n in recent if q == p} == {name}
               for name, share in shares.items() for p in share)


def converge(what, ports, nodes, since, limit):
    """Waits until `nodes` share the targets (their debug info), then
    until the targets see exactly those scrapes; prints how long the
    first took."""
    shares = wait(what, lambda: owned_once(ports, nodes), limit)
    took = time.time() - since
    wait(f"{what}: the targets see one scrape each, by the owner",
         lambda: scraped_as_owned(shares), WINDOW + 5)
    split = ", ".join(f"{name} {len(share)}" for name, share in sorted(shares.items()))
    print(f"ok: {what} in {took:.1f} s (targets: {split})")
    return took


def members(node):
    return {name for name, p in node.peers().items() if p["state"] == "participant"}


def three_nodes(ports, n1, n2, n3):
    """Three nodes that join each other share the targets; prints the
    gossip traffic of the steady cluster."""
    started = time.time()
    n1.start([n2, n3])
    n2.start([n1, n3])
    n3.start([n1, n2])
    took = converge("three nodes share the 30 targets, each scraped once",
                    ports, [n1, n2, n3], started, 30)
    wait("every node lists three participants, itself marked",
         lambda: all(members(n) == {"node-1", "node-2", "node-3"}
                     and n.peers()[n.name]["isSelf"] for n in (n1, n2, n3)), 10)
    before, since = [n.gossip_bytes() for n in (n1, n2, n3)], time.time()
    time.sleep(5)
    rates = {n.name: (n.gossip_bytes() - b) / (time.time() - since)
             for n, b in zip((n1, n2, n3), before)}
    print("gossip traffic of a steady cluster of three (bytes sent + received): "
          + ", ".join(f"{k} {v:.0f} B/s" for k, v in rates.items()))
    return took


def other_cluster(ports, lone, cluster):
    """A node of another cluster name, joining a member, is refused: it
    scrapes everything alone and no member lists it."""
    lone.start(cluster[:1])
    wait("node-other (another cluster name) scrapes all 30 targets alone",
         lambda: lone.owned() == set(ports), 20)
    time.sleep(3)
    assert set(lone.peers()) == {"node-other"}, f"node-other joined: {lone.peers()}"
    for n in cluster:
        assert "node-other" not in n.peers(), f"{n.name} lists node-other: {n.peers()}"
    lone.stop()
    with open(os.path.join(lone.dir, "flow.log")) as f:
        assert "--cluster.name" in f.read(), "node-other's log does not say why it was refused"
    print("ok: a node with another --cluster.name cannot join: it runs alone, "
          "and the cluster does not list it")


def stop_and_resume(ports, n1, n2, n4, times):
    """SIGSTOP: the others take node-2 for dead; SIGCONT: it is back."""
    os.kill(n2.process.pid, signal.SIGSTOP)
    stopped = time.time()
    times["SIGSTOP"] = converge("node-2 stopped (SIGSTOP): node-1 and node-4 take its targets",
                                ports, [n1, n4], stopped, 30)
    os.kill(n2.process.pid, signal.SIGCONT)
    resumed = time.time()
    times["SIGCONT"] = converge("node-2 resumed (SIGCONT): the three converge again",
                                ports, [n1, n2, n4], resumed, 45)
    wait("node-2 is a participant again on every node",
         lambda: all(members(n) == {"node-1", "node-2", "node-4"} for n in (n1, n2, n4)), 15)


def scenario(ports, n1, n2, n3, n4, lone):
    times = {"three nodes": three_nodes(ports, n1, n2, n3)}
    n3.process.kill()
    times["kill -9"] = converge("after kill -9 of node-3, node-1 and node-2 take its targets",
                                ports, [n1, n2], time.time(), 20)
    joined = time.time()
    n4.start([n1])
    times["join"] = converge("node-4 joins and takes its share", ports, [n1, n2, n4], joined, 30)
    other_cluster(ports, lone, [n1, n2, n4])
    stop_and_resume(ports, n1, n2, n4, times)
    print("convergence times: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))


def main():
    flow = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="flow-cluster-")
    ports = serve_targets()
    nodes = [Node(flow, work, f"node-{i}", ports) for i in range(1, 5)]
    nodes.append(Node(flow, work, "node-other", ports, cluster_name="other-cluster"))
    try:
        scenario(ports, *nodes)
    except (AssertionError, SystemExit) as e:
        for n in nodes:
            if n.log:
                print(f"--- {n.name} log (tail) ---")
                with open(os.path.join(n.dir, "flow.log")) as f:
                    print("".join(f.readlines()[-15:]))
        message = str(e)
        raise SystemExit(message if message.startswith("FAIL") else f"FAIL: {message}")
    finally:
        for n in nodes:
            n.stop()
    shutil.rmtree(work, ignore_errors=True)
    print("cluster e2e: passed")


if __name__ == "__main__":
    main()
