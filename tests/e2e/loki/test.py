#!/usr/bin/env python3
"""End-to-end test of the loki components of `flow run` with real clients.

python-logging-loki (a Python logging handler that pushes to Loki's JSON
push API) sends records to a `loki.source.api`; `loki.relabel` renames a
label and `loki.echo` writes each entry to flow run's log, which this
script reads: every record must arrive, once, with its labels. Then
util-linux `logger --rfc5424` sends syslog messages to
`loki.source.syslog` over TCP (octet counting and newline framing) and
UDP: each must arrive once, with the labels its header gives. Last,
winston-loki (Node.js) pushes protobuf + snappy to `loki.source.api`.

Usage: test.py FLOW_BINARY   (needs `pip install python-logging-loki==0.3.1`,
`logger` from util-linux, and `npm install` in tests/e2e/loki)
"""

import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

# The helpers the end-to-end scripts share (tests/e2e/support.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support import free_port, wait  # noqa: E402

import logging_loki

FLOW = os.path.abspath(sys.argv[1])




def config(push, tcp, udp):
    return f"""
loki.source.syslog "in" {{
	listener {{
		address               = "127.0.0.1:{tcp}"
		label_structured_data = true
		labels                = {{"via" = "tcp"}}
	}}

	listener {{
		address  = "127.0.0.1:{udp}"
		protocol = "udp"
		labels   = {{"via" = "udp"}}
	}}
	relabel_rules = loki.relabel.syslog.rules
	forward_to    = [loki.echo.show.receiver]
}}

loki.relabel "syslog" {{
	forward_to = []

	rule {{
		action = "labelmap"
		regex  = "__syslog_message_(app_name|severity|facility|sd_e2e_32473_n)"
	}}
}}

loki.source.api "in" {{
	http {{
		listen_address = "127.0.0.1"
		listen_port    = {push}
	}}
	labels     = {{"via" = "flow"}}
	forward_to = [loki.relabel.rename.receiver]
}}

loki.relabel "rename" {{
	forward_to = [loki.echo.show.receiver]

	rule {{
		source_labels = ["application"]
		target_label  = "app"
	}}

	rule {{
		action = "labeldrop"
		regex  = "application"
	}}
}}

loki.echo "show" {{ }}
"""




def syslog(tcp, udp, log):
    """Ten messages each way through `logger`; each arrives once."""
    ways = {
        "octet": ["--tcp", "--octet-count", "-P", str(tcp)],
        "newline": ["--tcp", "-P", str(tcp)],
        "udp": ["--udp", "-P", str(udp)],
    }
    for way, flags in ways.items():
        for i in range(10):
            subprocess.run(
                ["logger", "--rfc5424", "-n", "127.0.0.1", *flags, "-t", f"e2e-{way}",
                 "-p", "local3.warning", "--sd-id", "e2e@32473", "--sd-param", f'n="{i}"',
                 f"syslog {way} {i}"], check=True)

    def echoed(way, i):
        return [l for l in log if "component_id=loki.echo.show" in l
                and f'entry="syslog {way} {i}"' in l]

    wait("not every syslog message arrived",
         lambda: all(echoed(w, i) for w in ways for i in range(10)))
    for way in ways:
        for i in range(10):
            lines = echoed(way, i)
            assert len(lines) == 1, lines
            labels = [f'app_name=\\"e2e-{way}\\"', 'severity=\\"warning\\"',
                      'facility=\\"local3\\"',
                      f'via=\\"{"udp" if way == "udp" else "tcp"}\\"']
            if way != "udp":
                labels.append(f'sd_e2e_32473_n=\\"{i}\\"')
            for label in labels:
                assert label in lines[0], (label, lines[0])
    print("ok: 30 messages from logger (TCP octet counting, TCP newline, UDP) "
          "arrived with their labels")


def winston(push, log):
    """20 records from winston-loki, as protobuf with snappy (winston-loki
    adds its metadata as JSON after the message)."""
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run(["node", os.path.join(here, "winston.js"), str(push)], check=True, cwd=here)

    def echoed(i):
        return [l for l in log if "component_id=loki.echo.show" in l
                and f'entry="winston {i} ' in l]

    wait("not every winston record arrived", lambda: all(echoed(i) for i in range(20)))
    for i in range(20):
        lines = echoed(i)
        assert len(lines) == 1, lines
        for label in ('service=\\"e2e-winston\\"', 'level=\\"info\\"', f'n=\\"{i}\\"',
                      'via=\\"flow\\"'):
            assert label in lines[0], (label, lines[0])
    print("ok: 20 records from winston-loki (protobuf, snappy) arrived with their labels")


def main():
    api, push, tcp = free_port(), free_port(), free_port()
    udp = free_port(socket.SOCK_DGRAM)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "config.river")
        with open(path, "w") as f:
            f.write(config(push, tcp, udp))
        flow = subprocess.Popen(
            [FLOW, "run", "--server.http.listen-addr", f"127.0.0.1:{api}",
             "--storage.path", os.path.join(tmp, "data"), path],
            stderr=subprocess.PIPE, text=True)
        log = []
        threading.Thread(target=lambda: log.extend(flow.stderr), daemon=True).start()
        try:
            ready = f"http://127.0.0.1:{push}/ready"

            def up():
                try:
                    return urllib.request.urlopen(ready, timeout=1).read() == b"ready"
                except OSError:
                    return False

            wait("loki.source.api never became ready", up)
            handler = logging_loki.LokiHandler(
                url=f"http://127.0.0.1:{push}/loki/api/v1/push",
                tags={"application": "e2e"}, version="1")
            logger = logging.getLogger("e2e")
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            for i in range(20):
                logger.warning("record %d", i, extra={"tags": {"n": str(i)}})

            def echoed(i):
                lines = [l for l in log if "component_id=loki.echo.show" in l
                         and f'entry="record {i}"' in l]
                return lines

            wait("not every record arrived", lambda: all(echoed(i) for i in range(20)))
            for i in range(20):
                lines = echoed(i)
                assert len(lines) == 1, lines
                line = lines[0]
                for label in ('app=\\"e2e\\"', f'n=\\"{i}\\"', 'severity=\\"warning\\"',
                              'logger=\\"e2e\\"', 'via=\\"flow\\"'):
                    assert label in line, (label, line)
                assert "application" not in line, line
            print("ok: 20 records from python-logging-loki arrived with their labels")
            syslog(tcp, udp, log)
            winston(push, log)
        finally:
            flow.terminate()
            flow.wait(timeout=15)


if __name__ == "__main__":
    main()
