#!/usr/bin/env python3
"""End-to-end test of the `tracing` block: flow's own spans reach an
OTLP/gRPC backend (grpc_sink.py) through the `otelcol.exporter.otlp`
that `write_to` names.

`flow run` scrapes its own metrics and remote-writes them to a small
HTTP receiver whose URL carries a password. With `sampling_fraction = 1`
the backend must see, under the resource `service.name=grafana-agent`:
`scrape` spans (job and instance), `Remote Send Batch` spans
(Prometheus's attributes, the password hidden in `remote_url`), and,
after a reload that adds a component, a `GraphEvaluate` span with an
`EvaluateNode` child naming it. A reload to `sampling_fraction = 0`
stops the spans. Then a `jaeger_remote` sampler asks a fake Jaeger
sampling server (`?service=grafana-agent`) and follows its strategy:
every `scrape` trace, none of the others past the one credit a lower
bound gives. A sampler with a `refresh_interval` of 0 is refused at
load with its place, and on reload the running config is kept.

Usage: tracing.py FLOW_BINARY   (Python 3, grpcio, opentelemetry-proto)
"""

import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import FlowRun, free_port, wait  # noqa: E402
from grpc_sink import GrpcSink  # noqa: E402

CONFIG = """
tracing {{
  sampling_fraction = {fraction}
  write_to          = [otelcol.exporter.otlp.traces.input]
{sampler}}}

otelcol.exporter.otlp "traces" {{
  client {{
    endpoint = "127.0.0.1:{sink}"
    tls {{
      insecure = true
    }}
  }}
}}

prometheus.exporter.self "own" {{ }}

prometheus.scrape "own" {{
  targets         = prometheus.exporter.self.own.targets
  forward_to      = [prometheus.remote_write.out.receiver]
  scrape_interval = "1s"
  scrape_timeout  = "1s"
}}

prometheus.remote_write "out" {{
  endpoint {{
    url = "http://writer:hunter2@127.0.0.1:{receiver}/api/v1/write"
  }}
}}
{extra}"""

JAEGER = """  sampler {{
    jaeger_remote {{
      url              = "http://127.0.0.1:{port}/sampling"
      refresh_interval = "{every}"
    }}
  }}
"""
STRATEGY = b"""{"operationSampling": {"defaultSamplingProbability": 0, "defaultLowerBoundTracesPerSecond": 0,
  "perOperationStrategies": [{"operation": "scrape", "probabilisticSampling": {"samplingRate": 1}}]}}"""


class Sampling(http.server.BaseHTTPRequestHandler):
    asked = []

    def do_GET(self):
        Sampling.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(STRATEGY)

    def log_message(self, *_):
        pass


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_):
        pass


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def spans(sink, name):
    with sink.lock:
        return [(attrs, resource) for (n, attrs, resource) in sink.traces if n == name]


def reload(flow):
    request = urllib.request.Request(f"http://127.0.0.1:{flow.port}/-/reload", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def main(flow_binary):
    sink = GrpcSink(free_port())
    sink.start()
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    ports = dict(sink=sink.port, receiver=receiver.server_address[1])
    config = lambda **kw: CONFIG.format(**{**dict(fraction=1, sampler="", extra=""), **ports, **kw})  # noqa: E731
    with tempfile.TemporaryDirectory() as work:
        flow = FlowRun(flow_binary, work, config()).start()
        try:
            check_spans(flow, sink, config)
            check_refusals(flow, sink, config, flow_binary, work)
        finally:
            flow.stop()
    receiver.shutdown()
    sink.stop()
    print("tracing e2e: ok")


def check_spans(flow, sink, config):
    wait("scrape and remote-write spans", lambda: spans(sink, "scrape") and spans(sink, "Remote Send Batch"), 30)
    attrs, resource = spans(sink, "scrape")[0]
    if resource.get("service.name") != "grafana-agent" or attrs.get("job") != "integrations/agent":
        fail(f"scrape span {attrs} under {resource}")
    send = spans(sink, "Remote Send Batch")[0][0]
    if send.get("remote_name") is None or not send.get("samples") or send.get("try") != 0:
        fail(f"Remote Send Batch span {send}")
    if "hunter2" in repr(sink.traces) or "xxxxx" not in send.get("remote_url", ""):
        fail(f"the remote-write password shows in the spans: {send.get('remote_url')}")
    print(f"tracing e2e: scrape {attrs}, Remote Send Batch {send}")
    with open(flow.config, "w") as f:
        f.write(config(extra='\nlocal.file "added" {\n  filename = "' + flow.config + '"\n}\n'))
    status, body = reload(flow)
    if status != 200:
        fail(f"reload: {status} {body}")
    node = lambda: [a for a, _ in spans(sink, "EvaluateNode") if a.get("node_id") == "local.file.added"]  # noqa: E731
    wait("the reload's GraphEvaluate and EvaluateNode spans", lambda: node() and spans(sink, "GraphEvaluate"), 20)
    print(f"tracing e2e: after a reload, {len(spans(sink, 'GraphEvaluate'))} GraphEvaluate span(s), EvaluateNode {node()[0]}")


def check_refusals(flow, sink, config, flow_binary, work):
    with open(flow.config, "w") as f:
        f.write(config(fraction=0))
    status, body = reload(flow)
    if status != 200:
        fail(f"reload to sampling_fraction = 0: {status} {body}")
    time.sleep(6)  # one flush period for what was sampled before
    before = len(sink.traces)
    time.sleep(7)
    if len(sink.traces) != before:
        fail(f"{len(sink.traces) - before} spans arrived with sampling_fraction = 0")
    sampling = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Sampling)
    threading.Thread(target=sampling.serve_forever, daemon=True).start()
    jaeger = JAEGER.format(port=sampling.server_address[1], every="1s")
    with open(flow.config, "w") as f:
        f.write(config(fraction=0, sampler=jaeger))
    status, body = reload(flow)
    if status != 200:
        fail(f"reload to a jaeger_remote sampler: {status} {body}")
    wait("the sampling server asked for grafana-agent's strategy",
         lambda: any("service=grafana-agent" in p for p in Sampling.asked), 20)
    time.sleep(1.5)
    before = {name: len(spans(sink, name)) for name in ("scrape", "Remote Send Batch")}
    wait("scrape spans kept by the remote strategy", lambda: len(spans(sink, "scrape")) >= before["scrape"] + 3, 20)
    sent = len(spans(sink, "Remote Send Batch")) - before["Remote Send Batch"]
    if sent > 1:
        fail(f"{sent} Remote Send Batch spans kept where the strategy keeps at most one")
    sampling.shutdown()
    print(f"tracing e2e: jaeger_remote asked {Sampling.asked[0]}; scrape traces kept, Remote Send Batch {sent}")
    refused = JAEGER.format(port=sampling.server_address[1], every="0s")
    with open(flow.config, "w") as f:
        f.write(config(sampler=refused))
    status, body = reload(flow)
    if status == 200 or "refresh_interval" not in body or not flow.running():
        fail(f"a refresh_interval of 0 was not refused on reload: {status} {body}")
    alone = os.path.join(work, "jaeger.river")
    with open(alone, "w") as f:
        f.write(config(sampler=refused))
    run = subprocess.run([flow_binary, "run", "--server.http.listen-addr", f"127.0.0.1:{free_port()}",
                          "--storage.path", os.path.join(work, "data2"), alone],
                         capture_output=True, text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})
    if run.returncode != 1 or "jaeger.river:8:" not in run.stderr:
        fail(f"flow run with refresh_interval = 0: exit {run.returncode}, {run.stderr}")
    print("tracing e2e: sampling_fraction = 0 sends nothing; refresh_interval = 0 refused at",
          [line.strip() for line in run.stderr.splitlines() if "jaeger.river:" in line][0])


if __name__ == "__main__":
    main(sys.argv[1])
