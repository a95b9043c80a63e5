#!/usr/bin/env python3
"""End-to-end test of the `http` block's `tls`: `flow run`'s own server
behind TLS with client certificates, on loopback, with certificates the
test makes with openssl.

With client certificates required and TLS 1.3 as the minimum, a client
with a certificate from the configured CA gets answers; one without a
certificate, one from another CA, plain HTTP and TLS 1.2 get nothing.
Certificate files replaced while `flow run` runs are served to new
connections without a restart. A reload with a bad `tls` block is
refused and TLS goes on; a config whose key does not go with its
certificate is refused at start with the setting's place.

Usage: tls.py FLOW_BINARY   (needs openssl)
"""

import hashlib
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support import free_port, wait  # noqa: E402

FLOW = os.path.abspath(sys.argv[1])

CONFIG = """http {{
	tls {{
		cert_file        = "{dir}/server.pem"
		key_file         = "{key}"
		client_ca_file   = "{dir}/ca.pem"
		client_auth_type = "{auth}"
		min_version      = "TLS13"
	}}
}}
"""


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(dir, name):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
            "-subj", f"/CN={name}", cwd=dir)


def make_cert(dir, name, ca, server):
    """A certificate for `name` signed by `ca` (for 127.0.0.1 when `server`)."""
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=dir)
    ext = os.path.join(dir, f"{name}.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n" if server else "extendedKeyUsage=clientAuth\n")
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", ext, cwd=dir)


def context(dir, client=None, max_version=None):
    ctx = ssl.create_default_context(cafile=os.path.join(dir, "ca.pem"))
    if client:
        ctx.load_cert_chain(os.path.join(dir, f"{client}.pem"), os.path.join(dir, f"{client}.key"))
    if max_version:
        ctx.maximum_version = max_version
    return ctx


def ready(port, ctx):
    """The answer to GET /-/ready over TLS, or the error's text."""
    try:
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/-/ready", context=ctx, timeout=5) as r:
            return r.status
    except Exception as e:  # noqa: BLE001: any failure is an answer here
        return f"refused: {e}"


def served_cert(port, dir):
    ctx = context(dir, client="client")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def plain_http(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=5) as r:
            return r.status
    except Exception as e:  # noqa: BLE001
        return f"refused: {e}"


def start(dir, config):
    path = os.path.join(dir, "config.river")
    with open(path, "w") as f:
        f.write(config)
    port = free_port()
    flow = subprocess.Popen(
        [FLOW, "run", "--server.http.listen-addr", f"127.0.0.1:{port}", "--storage.path",
         os.path.join(dir, "data"), path],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return flow, port, path


def check_access(dir, port):
    wait("flow run answers over TLS", lambda: ready(port, context(dir, "client")) == 200, 30)
    outcomes = {
        "no certificate": ready(port, context(dir)),
        "a certificate from another CA": ready(port, context(dir, "stranger")),
        "TLS 1.2": ready(port, context(dir, "client", ssl.TLSVersion.TLSv1_2)),
        "plain HTTP": plain_http(port),
    }
    for what, outcome in outcomes.items():
        if outcome == 200:
            raise SystemExit(f"FAIL: {what} got an answer")
    print("ok: a client certificate from the CA gets answers; no certificate, another CA's, "
          "TLS 1.2 and plain HTTP get nothing")


def check_rotation(dir, port):
    before = served_cert(port, dir)
    time.sleep(1.1)  # a new modification time, whatever the file system's resolution
    make_cert(dir, "server", "ca", server=True)
    wait("the new certificate is served", lambda: served_cert(port, dir) != before, 15)
    if ready(port, context(dir, "client")) != 200:
        raise SystemExit("FAIL: no answer after the certificate changed")
    print("ok: a replaced certificate is served to new connections without a restart")


def check_reload(dir, port, path):
    with open(path, "w") as f:
        f.write(CONFIG.format(dir=dir, key=f"{dir}/server.key", auth="RequireAndVerifyClientCrt"))
    request = urllib.request.Request(f"https://127.0.0.1:{port}/-/reload", method="POST")
    try:
        urllib.request.urlopen(request, context=context(dir, "client"), timeout=10)
        raise SystemExit("FAIL: a reload with a bad client_auth_type was accepted")
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        if "client_auth_type" not in body:
            raise SystemExit(f"FAIL: the refused reload does not say why: {body}")
    if ready(port, context(dir, "client")) != 200 or ready(port, context(dir)) == 200:
        raise SystemExit("FAIL: TLS changed after a refused reload")
    print("ok: a reload with a bad tls block is refused and TLS goes on as it was")


def check_refused_at_start(dir):
    flow, _, _ = start(dir, CONFIG.format(dir=dir, key=f"{dir}/client.key",
                                          auth="RequireAndVerifyClientCert"))
    out, _ = flow.communicate(timeout=30)
    if flow.returncode != 1 or "config.river:4:" not in out or "does not go" not in out:
        raise SystemExit(f"FAIL: a key that does not go with the certificate: {flow.returncode}\n{out}")
    print("ok: a key that does not go with its certificate is refused at start, with its place")


def main():
    with tempfile.TemporaryDirectory() as dir:
        make_ca(dir, "ca")
        make_ca(dir, "other")
        make_cert(dir, "server", "ca", server=True)
        make_cert(dir, "client", "ca", server=False)
        make_cert(dir, "stranger", "other", server=False)
        config = CONFIG.format(dir=dir, key=f"{dir}/server.key", auth="RequireAndVerifyClientCert")
        flow, port, path = start(dir, config)
        try:
            check_access(dir, port)
            check_rotation(dir, port)
            check_reload(dir, port, path)
        finally:
            flow.kill()
            flow.wait()
        check_refused_at_start(dir)


if __name__ == "__main__":
    main()
