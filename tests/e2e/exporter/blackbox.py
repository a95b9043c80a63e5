#!/usr/bin/env python3
"""End-to-end test of `prometheus.exporter.blackbox` against Debian's
prometheus-blackbox-exporter (0.23).

Both run the same module file. On loopback this script serves HTTP (a
200 path and a 404 path), accepts TCP connections, and runs dnsmasq with
a local zone; ICMP goes to 127.0.0.1. Each probe (one that succeeds and
one that fails per prober) is scraped from Debian's `/probe` and from flow
run's `/api/v0/component/<id>/metrics`, and the two must agree on
`probe_success` and on the metric families and label names (values
differ: timings, addresses' hashes). It also checks the unknown-module
400 of both, and the component's `targets` export through
`/api/v0/web/components/<id>`.

Usage: blackbox.py FLOW_BINARY   (needs root for ICMP, dnsmasq and
prometheus-blackbox-exporter)
"""

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support import FlowRun, free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])
ID = "prometheus.exporter.blackbox.probes"

MODULES = r"""
modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      valid_status_codes: [200]
      fail_if_body_not_matches_regexp: ["hello"]
  tcp_connect:
    prober: tcp
    timeout: 5s
  dns_ok:
    prober: dns
    timeout: 5s
    dns:
      query_name: ok.e2e.test
      query_type: A
      valid_rcodes: [NOERROR]
      validate_answer_rrs:
        fail_if_not_matches_regexp: ['ok\.e2e\.test\.\t\d+\tIN\tA\t127\.0\.0\.9']
  dns_nx:
    prober: dns
    timeout: 5s
    dns:
      query_name: nope.e2e.test
      query_type: A
      valid_rcodes: [NOERROR]
  icmp:
    prober: icmp
    timeout: 5s
    icmp:
      ttl: 32
  icmp_v6_only:
    prober: icmp
    timeout: 5s
    icmp:
      preferred_ip_protocol: ip6
      ip_protocol_fallback: false
"""


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/":
            body = b"hello from e2e"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


def serve_http():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def serve_tcp():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def accept():
        while True:
            conn, _ = listener.accept()
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1]


def dnsmasq(port):
    program = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
    return subprocess.Popen([
        program, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
        "--listen-address=127.0.0.1", f"--port={port}", "--bind-interfaces", "--user=root",
        "--pid-file=", "--local=/e2e.test/", "--host-record=ok.e2e.test,127.0.0.9",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def blackbox_exporter(config, port):
    program = shutil.which("prometheus-blackbox-exporter") or "/usr/bin/prometheus-blackbox-exporter"
    return subprocess.Popen(
        [program, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def fetch(url):
    """(status, body) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def shape(text):
    """{family: set of label-name tuples}, and probe_success's value."""
    families, success = {}, None
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        series, value = line.rsplit(" ", 1)
        name, _, labels = series.partition("{")
        names = tuple(sorted(p.split("=", 1)[0] for p in split_labels(labels.rstrip("}"))))
        families.setdefault(name, set()).add(names)
        if name == "probe_success":
            success = float(value)
    return families, success


def split_labels(text):
    """Label pairs of an exposition line (values may hold commas)."""
    pairs, current, quoted, escaped = [], "", False, False
    for c in text:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == '"':
            quoted = not quoted
        elif c == "," and not quoted:
            pairs.append(current)
            current = ""
            continue
        current += c
    return pairs + [current] if current else pairs


def main():
    work = tempfile.mkdtemp(prefix="blackbox-e2e-")
    http_port, tcp_port, closed = serve_http(), serve_tcp(), free_port()
    dns_port = free_port(socket.SOCK_DGRAM)
    probes = [
        ("http_2xx", f"http://127.0.0.1:{http_port}/", 1),
        ("http_2xx", f"http://127.0.0.1:{http_port}/missing", 0),
        ("tcp_connect", f"127.0.0.1:{tcp_port}", 1),
        ("tcp_connect", f"127.0.0.1:{closed}", 0),
        ("dns_ok", f"127.0.0.1:{dns_port}", 1),
        ("dns_nx", f"127.0.0.1:{dns_port}", 0),
        ("icmp", "127.0.0.1", 1),
        ("icmp_v6_only", "127.0.0.1", 0),
    ]
    config = os.path.join(work, "blackbox.yml")
    with open(config, "w") as f:
        f.write(MODULES)
    blocks = "".join(
        f'\ttarget {{\n\t\tname = "p{i}"\n\t\taddress = "{target}"\n\t\tmodule = "{module}"\n'
        f'\t\tlabels = {{ env = "e2e", job = "overridden" }}\n\t}}\n'
        for i, (module, target, _) in enumerate(probes))
    river = f'prometheus.exporter.blackbox "probes" {{\n\tconfig_file = "{config}"\n{blocks}}}\n'
    dns = dnsmasq(dns_port)
    exporter_port = free_port()
    exporter = blackbox_exporter(config, exporter_port)
    flow = FlowRun(FLOW, work, river)
    failures = []
    try:
        flow.start()
        wait("the blackbox exporter is up", lambda: fetch(f"http://127.0.0.1:{exporter_port}/metrics")[0] == 200)
        for module, target, wanted in probes:
            query = urllib.parse.urlencode({"target": target, "module": module})
            theirs = fetch(f"http://127.0.0.1:{exporter_port}/probe?{query}")
            ours = fetch(f"http://127.0.0.1:{flow.port}/api/v0/component/{ID}/metrics?{query}")
            failures += compare(module, target, wanted, theirs, ours)
        failures += unknown_module(exporter_port, flow.port)
        failures += exported_targets(flow, probes)
    finally:
        flow.stop()
        exporter.terminate()
        dns.terminate()
    if failures:
        for failure in failures:
            print("FAIL:", failure)
        print(f"(flow's log: {os.path.join(work, 'flow.log')})")
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    print(f"blackbox e2e: {len(probes)} probes agree with Debian's blackbox_exporter")


def compare(module, target, wanted, theirs, ours):
    what = f"{module} {target}"
    if theirs[0] != 200 or ours[0] != 200:
        return [f"{what}: statuses {theirs[0]} (exporter) and {ours[0]} (flow)"]
    (their_families, their_success), (our_families, our_success) = shape(theirs[1]), shape(ours[1])
    failures = [] if "probe_duration_seconds" in their_families else [f"{what}: no metrics from the exporter"]
    if their_success != wanted or our_success != wanted:
        failures.append(f"{what}: probe_success {their_success} (exporter), {our_success} (flow), wanted {wanted}")
    for family in sorted(set(their_families) | set(our_families)):
        mine, reference = our_families.get(family), their_families.get(family)
        if mine != reference:
            failures.append(f"{what}: {family}: labels {reference} (exporter) but {mine} (flow)")
    return failures


def unknown_module(exporter_port, flow_port):
    query = urllib.parse.urlencode({"target": "127.0.0.1", "module": "nope"})
    theirs = fetch(f"http://127.0.0.1:{exporter_port}/probe?{query}")
    ours = fetch(f"http://127.0.0.1:{flow_port}/api/v0/component/{ID}/metrics?{query}")
    if theirs != ours:
        return [f"unknown module: {theirs!r} (exporter) but {ours!r} (flow)"]
    return []


def exported_targets(flow, probes):
    """One target per block, labelled as the reference labels them."""
    info = json.loads(flow.get(f"/api/v0/web/components/{ID}"))
    targets = info["exports"]["targets"]
    if len(targets) != len(probes):
        return [f"{len(targets)} targets exported for {len(probes)} blocks"]
    failures = []
    for i, ((module, target, _), labels) in enumerate(zip(probes, targets)):
        wanted = {"job": f"integrations/blackbox/p{i}", "__param_target": target,
                  "__param_module": module, "env": "e2e",
                  "__metrics_path__": f"/api/v0/component/{ID}/metrics"}
        for name, value in wanted.items():
            if labels.get(name) != value:
                failures.append(f"target {i}: {name} is {labels.get(name)!r}, wanted {value!r}")
    return failures


if __name__ == "__main__":
    main()
