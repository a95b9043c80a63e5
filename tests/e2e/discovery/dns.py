#!/usr/bin/env python3
"""End-to-end test of `discovery.dns` against Debian's dnsmasq.

Prometheus's DNS discovery reads the resolver from /etc/resolv.conf and
always asks port 53, so this test runs dnsmasq on a loopback address's
port 53 and `flow run` in a mount namespace of its own whose
/etc/resolv.conf names that address (and a search domain). It checks the
targets and `__meta_dns_*` labels of SRV, A (a relative name, through the
search list), AAAA and MX records, that a name that does not exist has no
targets and no error, and that when the server stops answering the last
targets are kept and the component is unhealthy.

Usage: dns.py FLOW_BINARY   (needs root, dnsmasq and util-linux unshare)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

# The helpers the end-to-end scripts share (tests/e2e/support.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support import free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])
SERVER = "127.0.8.53"


def dnsmasq():
    program = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
    return subprocess.Popen([
        program, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
        f"--listen-address={SERVER}", "--port=53", "--bind-interfaces", "--user=root",
        "--pid-file=", "--local=/e2e.test/",
        "--srv-host=_metrics._tcp.e2e.test,node1.e2e.test,9100,0,0",
        "--srv-host=_metrics._tcp.e2e.test,node2.e2e.test,9200,10,0",
        "--host-record=node1.e2e.test,127.0.8.1",
        "--host-record=node2.e2e.test,127.0.8.2",
        "--host-record=six.e2e.test,::1",
        "--mx-host=e2e.test,mail.e2e.test,10",
        "--host-record=mail.e2e.test,127.0.8.25",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


CONFIG = """
discovery.dns "srv" {
	names            = ["_metrics._tcp.e2e.test"]
	refresh_interval = "1s"
}

discovery.dns "a" {
	names            = ["node1", "nope.e2e.test"]
	type             = "A"
	port             = 9100
	refresh_interval = "1s"
}

discovery.dns "aaaa" {
	names = ["six.e2e.test"]
	type  = "AAAA"
	port  = 9100
}

discovery.dns "mx" {
	names = ["e2e.test"]
	type  = "MX"
	port  = 25
}
"""


def component(api, name):
    url = f"http://127.0.0.1:{api}/api/v0/web/components/discovery.dns.{name}"
    try:
        return json.load(urllib.request.urlopen(url, timeout=2))
    except OSError:
        return None


def targets(info):
    """The exported targets, as sorted lists of (label, value)."""
    return sorted(sorted(t.items()) for t in info["exports"].get("targets", []))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        resolv = os.path.join(tmp, "resolv.conf")
        with open(resolv, "w") as f:
            f.write(f"nameserver {SERVER}\nsearch e2e.test\n")
        config = os.path.join(tmp, "config.river")
        with open(config, "w") as f:
            f.write(CONFIG)
        server = dnsmasq()
        api = free_port()
        flow = subprocess.Popen(
            ["unshare", "--mount", "--", "sh", "-c",
             'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolv,
             FLOW, "run", "--server.http.listen-addr", f"127.0.0.1:{api}",
             "--storage.path", os.path.join(tmp, "data"), config],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            expected = {
                "srv": [
                    [("__address__", "node1.e2e.test:9100"),
                     ("__meta_dns_name", "_metrics._tcp.e2e.test"),
                     ("__meta_dns_srv_record_port", "9100"),
                     ("__meta_dns_srv_record_target", "node1.e2e.test.")],
                    [("__address__", "node2.e2e.test:9200"),
                     ("__meta_dns_name", "_metrics._tcp.e2e.test"),
                     ("__meta_dns_srv_record_port", "9200"),
                     ("__meta_dns_srv_record_target", "node2.e2e.test.")],
                ],
                "a": [[("__address__", "127.0.8.1:9100"), ("__meta_dns_name", "node1")]],
                "aaaa": [[("__address__", "[::1]:9100"), ("__meta_dns_name", "six.e2e.test")]],
                "mx": [[("__address__", "mail.e2e.test:25"),
                        ("__meta_dns_mx_record_target", "mail.e2e.test."),
                        ("__meta_dns_name", "e2e.test")]],
            }
            for name, want in expected.items():
                try:
                    wait(f"discovery.dns.{name}'s targets",
                         lambda: (info := component(api, name)) and targets(info) == want)
                except SystemExit:
                    raise SystemExit(f"FAIL: discovery.dns.{name}: {component(api, name)}")
                info = component(api, name)
                assert info["health"]["state"] == "healthy", info["health"]
            # The server stops answering: the last targets stay, unhealthy.
            server.terminate()
            server.wait(10)
            wait("unhealthy once the server is gone",
                 lambda: component(api, "a")["health"]["state"] == "unhealthy")
            info = component(api, "a")
            assert targets(info) == expected["a"], targets(info)
            print(f"ok: SRV, A, AAAA and MX targets from dnsmasq; kept while it is gone "
                  f"({info['health']['message'][:80]})")
        finally:
            if server.poll() is None:
                server.terminate()
            flow.terminate()
            flow.wait(15)


if __name__ == "__main__":
    main()
