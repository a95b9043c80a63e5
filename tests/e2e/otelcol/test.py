#!/usr/bin/env python3
"""End-to-end test of the otelcol components with the OpenTelemetry
Python SDK (PyPI opentelemetry-sdk and its OTLP gRPC and HTTP exporters).

`flow run` runs `otelcol.receiver.otlp` (gRPC and HTTP) ->
`otelcol.processor.memory_limiter` -> `otelcol.processor.resourcedetection`
(env and system detectors: every resource gets deployment.environment
from OTEL_RESOURCE_ATTRIBUTES, host.name and os.type) -> (traces through
`otelcol.processor.attributes`, which updates the JSON span's `via`) ->
`otelcol.processor.batch` -> `otelcol.exporter.otlphttp` (and
`otelcol.exporter.debug`). The SDK sends traces, metrics and logs over
gRPC and over HTTP (protobuf, one of them gzip-compressed); a JSON span
is posted by hand. A loopback HTTP server here takes what flow exports
and decodes it with the opentelemetry-proto package: every span, metric
and log record must arrive with its attributes and resource. Then the
receiver's refusals: malformed protobuf and JSON bodies (400), a body
over max_request_body_size (413), an unknown content type (415), a
malformed and an oversized gRPC message (Internal, as Go's gRPC, and
OutOfRange, tonic's word for it); flow must still be running and healthy after them.

The bridges: `prometheus.scrape` (of this script's /metrics) ->
`otelcol.receiver.prometheus` -> `otelcol.exporter.prometheus` ->
`prometheus.remote_write` -> a real Prometheus (Debian's), where the
counter must arrive with `_total`, `job`, `instance` and the scope
labels, beside `target_info`; the SDK's counter (`e2e.requests.grpc`,
unit ms) goes the same way from the batch and must arrive as
`e2e_requests_grpc_milliseconds_total` with its resource's `job` and a
`target_info` with the detected attributes. The logs ->
`otelcol.exporter.loki` -> `loki.write` -> a `loki.source.api` ->
`loki.write` (to this script's fake Loki, support.decode_push), where
the records must arrive with the `exporter`, `job`, `level` labels and
the hinted ones, as JSON lines;
then `loki.source.api` -> `otelcol.receiver.loki` back into the OTLP
pipeline, to the sink above, with its labels as attributes. The
exporter authenticates with `otelcol.auth.basic`: every export must carry
its `Authorization` header.

Usage: test.py FLOW_BINARY   (Python 3, prometheus; loopback addresses only)
"""

import gzip
import http.server
import json
import os
import sys
import threading
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import FlowRun, Prometheus, decode_push, free_port, passed, scratch, wait  # noqa: E402
from grpc_sink import attrs  # noqa: E402
from sdk import send_with_sdk  # noqa: E402

import grpc  # noqa: E402
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2  # noqa: E402
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2  # noqa: E402
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2  # noqa: E402

RECEIVED = {"traces": [], "metrics": [], "logs": [], "loki": []}

METRICS = b"""# TYPE e2e_jobs_total counter
e2e_jobs_total{queue="a"} 5
# TYPE e2e_temperature gauge
e2e_temperature 21.5
"""


LOCK = threading.Lock()
AUTHORIZATION = set()


class Sink(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(METRICS)))
        self.end_headers()
        self.wfile.write(METRICS)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/loki/api/v1/push":
            with LOCK:
                RECEIVED["loki"] += decode_push(body)
            self.send_response(204)
            self.end_headers()
            return
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        assert self.headers["Content-Type"] == "application/x-protobuf", self.headers["Content-Type"]
        with LOCK:
            AUTHORIZATION.add(self.headers.get("Authorization"))
        signal = self.path.rsplit("/", 1)[-1]
        with LOCK:
            if signal == "traces":
                req = trace_service_pb2.ExportTraceServiceRequest.FromString(body)
                for rs in req.resource_spans:
                    for ss in rs.scope_spans:
                        for span in ss.spans:
                            RECEIVED["traces"].append((span.name, attrs(span.attributes), attrs(rs.resource.attributes)))
            elif signal == "metrics":
                req = metrics_service_pb2.ExportMetricsServiceRequest.FromString(body)
                for rm in req.resource_metrics:
                    for sm in rm.scope_metrics:
                        for m in sm.metrics:
                            for dp in m.sum.data_points:
                                RECEIVED["metrics"].append((m.name, dp.as_int, attrs(dp.attributes), attrs(rm.resource.attributes)))
            elif signal == "logs":
                req = logs_service_pb2.ExportLogsServiceRequest.FromString(body)
                for rl in req.resource_logs:
                    for sl in rl.scope_logs:
                        for rec in sl.log_records:
                            RECEIVED["logs"].append((rec.body.string_value, attrs(rec.attributes), attrs(rl.resource.attributes)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def post(url, body, content_type, encoding=None):
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    if encoding:
        request.add_header("Content-Encoding", encoding)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def grpc_code(port, payload):
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    call = channel.unary_unary(
        "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        request_serializer=lambda b: b,
        response_deserializer=lambda b: b,
    )
    try:
        call(payload, timeout=10)
        return grpc.StatusCode.OK
    except grpc.RpcError as e:
        return e.code()
    finally:
        channel.close()


def check_bridges(http_port, push_port, sink_port, prometheus):
    """Metrics from a scrape and from the SDK through the OTLP bridges to
    a real Prometheus by remote write, logs from OTLP to Loki (through a
    loki.source.api) and from Loki's push API back into OTLP."""
    counter = wait("the scraped counter arrived in Prometheus", lambda: prometheus.query("e2e_jobs_total"), 40)[0]
    labels, value = counter["metric"], float(counter["value"][1])
    assert value == 5, value
    assert labels["queue"] == "a" and labels["job"] == "prometheus.scrape.s", labels
    assert labels["instance"] == f"127.0.0.1:{sink_port}", labels
    assert labels["otel_scope_name"] == "otelcol/prometheusreceiver", labels
    # The SDK's counter `e2e.requests.grpc` (unit ms): the reference's name.
    sdk = wait("the SDK's counter arrived in Prometheus", lambda: prometheus.query('e2e_requests_grpc_milliseconds_total{route="/x"}'), 40)[0]
    assert sdk["metric"]["job"] == "e2e-grpc" and float(sdk["value"][1]) == 3, sdk
    info = wait("target_info of the SDK's resource", lambda: prometheus.query('target_info{job="e2e-grpc"}'), 20)[0]
    assert info["metric"].get("deployment_environment") == "e2e" and info["metric"].get("os_type") == "linux", info
    names = set(json.loads(prometheus.get("/api/v1/label/__name__/values"))["data"])
    assert {"target_info", "e2e_temperature", "e2e_jobs_total", "e2e_requests_grpc_milliseconds_total"} <= names, names
    print(f"otelcol e2e: scrape and SDK metrics -> otelcol.exporter.prometheus -> remote write -> Prometheus: {sorted(names)}")

    record = {"resourceLogs": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "e2e-hints"}},
        {"key": "loki.resource.labels", "value": {"stringValue": "service.name"}}]},
        "scopeLogs": [{"logRecords": [{"timeUnixNano": "1700000000000000000", "severityNumber": 13, "severityText": "Warn",
                                       "body": {"stringValue": "hinted <line>"},
                                       "attributes": [{"key": "event.name", "value": {"stringValue": "click"}},
                                                      {"key": "loki.attribute.labels", "value": {"stringValue": "event.name"}}]}]}]}]}
    assert post(f"http://127.0.0.1:{http_port}/v1/logs", json.dumps(record).encode(), "application/json") == 200

    def hinted():
        with LOCK:
            return [e for e in RECEIVED["loki"] if e[0].get("job") == "e2e-hints"]
    labels, ts, line = wait(f"the hinted log arrived at Loki (got {RECEIVED['loki'][:5]})", hinted, 30)[0]
    assert labels == {"exporter": "OTLP", "job": "e2e-hints", "service_name": "e2e-hints", "event_name": "click", "level": "WARN"}, labels
    assert ts == 1700000000000000000, ts
    # The resource has what otelcol.processor.resourcedetection added on the way.
    with open("/proc/sys/kernel/hostname") as f:
        hostname = f.read().strip()
    assert json.loads(line) == {"body": "hinted <line>", "severity": "Warn", "attributes": {"event.name": "click"},
                                "resources": {"service.name": "e2e-hints", "deployment.environment": "e2e",
                                              "host.name": hostname, "os.type": "linux"}}, line
    assert "\\u003c" in line, line
    with LOCK:
        sdk = [e for e in RECEIVED["loki"] if e[0].get("job") == "e2e-grpc"]
    assert sdk and sdk[0][0]["exporter"] == "OTLP", RECEIVED["loki"][:5]
    print(f"otelcol e2e: otelcol.exporter.loki -> loki.write: {len(RECEIVED['loki'])} entries, labels {sorted(labels)}")

    push = {"streams": [{"stream": {"app": "pushed"}, "values": [["1700000000000000000", "pushed line"]]}]}
    request = urllib.request.Request(f"http://127.0.0.1:{push_port}/loki/api/v1/push", json.dumps(push).encode(),
                                     {"Content-Type": "application/json"})
    assert urllib.request.urlopen(request, timeout=5).status == 204

    def back():
        with LOCK:
            return [r for r in RECEIVED["logs"] if r[0] == "pushed line"]
    body, attributes, _ = wait("the pushed entry came back as an OTLP log record", back, 30)[0]
    assert attributes.get("app") == "pushed" and attributes.get("loki.attribute.labels") == "app", attributes
    print("otelcol e2e: loki.source.api -> otelcol.receiver.loki -> OTLP: labels as attributes")


def main():
    flow = os.path.abspath(sys.argv[1])
    sink_port, grpc_port, http_port = free_port(), free_port(), free_port()
    push_port, landing_port = free_port(), free_port()
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", sink_port), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    tmp = scratch()
    prometheus = Prometheus(tmp).start()
    config = f"""
otelcol.receiver.otlp "in" {{
  grpc {{
    endpoint          = "127.0.0.1:{grpc_port}"
    max_recv_msg_size = "1MiB"
  }}
  http {{
    endpoint              = "127.0.0.1:{http_port}"
    max_request_body_size = "1MiB"
  }}
  output {{
    traces  = [otelcol.processor.memory_limiter.m.input]
    metrics = [otelcol.processor.memory_limiter.m.input]
    logs    = [otelcol.processor.memory_limiter.m.input]
  }}
}}

otelcol.processor.memory_limiter "m" {{
  check_interval         = "1s"
  limit_percentage       = 90
  spike_limit_percentage = 10
  output {{
    traces  = [otelcol.processor.resourcedetection.r.input]
    metrics = [otelcol.processor.resourcedetection.r.input]
    logs    = [otelcol.processor.resourcedetection.r.input]
  }}
}}

otelcol.processor.resourcedetection "r" {{
  detectors = ["env", "system"]
  system {{
    hostname_sources = ["os"]
  }}
  output {{
    traces  = [otelcol.processor.attributes.a.input]
    metrics = [otelcol.processor.batch.b.input]
    logs    = [otelcol.processor.batch.b.input]
  }}
}}

otelcol.processor.attributes "a" {{
  action {{
    key    = "via"
    value  = "json!"
    action = "update"
  }}
  include {{
    match_type = "strict"
    span_names = ["json-span"]
  }}
  output {{
    traces = [otelcol.processor.batch.b.input]
  }}
}}

otelcol.processor.batch "b" {{
  timeout = "200ms"
  output {{
    traces  = [otelcol.exporter.otlphttp.out.input, otelcol.exporter.debug.d.input]
    metrics = [otelcol.exporter.otlphttp.out.input, otelcol.exporter.prometheus.p.input]
    logs    = [otelcol.exporter.otlphttp.out.input, otelcol.exporter.loki.l.input]
  }}
}}

prometheus.scrape "s" {{
  targets         = [{{"__address__" = "127.0.0.1:{sink_port}"}}]
  scrape_interval = "1s"
  scrape_timeout  = "900ms"
  forward_to      = [otelcol.receiver.prometheus.p.receiver]
}}

otelcol.receiver.prometheus "p" {{
  output {{
    metrics = [otelcol.exporter.prometheus.p.input]
  }}
}}

otelcol.exporter.prometheus "p" {{
  forward_to = [prometheus.remote_write.rw.receiver]
}}

prometheus.remote_write "rw" {{
  endpoint {{
    url = "{prometheus.write_url}"
    queue_config {{
      batch_send_deadline = "1s"
    }}
  }}
}}

otelcol.exporter.loki "l" {{
  forward_to = [loki.write.fake.receiver]
}}

loki.write "fake" {{
  endpoint {{
    url             = "http://127.0.0.1:{landing_port}/loki/api/v1/push"
    batch_wait      = "200ms"
    // loki.source.api "landing" stops with flow: what is left is not
    // pushed to it for long.
    queue_config {{
      drain_timeout = "1s"
    }}
  }}
}}

loki.source.api "landing" {{
  http {{
    listen_address = "127.0.0.1"
    listen_port    = {landing_port}
  }}
  use_incoming_timestamp = true
  forward_to             = [loki.write.sink.receiver]
}}

loki.write "sink" {{
  endpoint {{
    url        = "http://127.0.0.1:{sink_port}/loki/api/v1/push"
    batch_wait = "200ms"
  }}
}}

loki.source.api "push" {{
  http {{
    listen_address = "127.0.0.1"
    listen_port    = {push_port}
  }}
  forward_to = [otelcol.receiver.loki.l.receiver]
}}

otelcol.receiver.loki "l" {{
  output {{
    logs = [otelcol.processor.batch.b.input]
  }}
}}

otelcol.exporter.otlphttp "out" {{
  client {{
    endpoint = "http://127.0.0.1:{sink_port}"
    auth     = otelcol.auth.basic.creds.handler
  }}
}}

otelcol.auth.basic "creds" {{
  username = "e2e"
  password = "s3cret"
}}

otelcol.exporter.debug "d" {{
  verbosity = "normal"
}}
"""
    env = dict(os.environ, OTEL_RESOURCE_ATTRIBUTES="deployment.environment=e2e")
    flow = FlowRun(flow, tmp, config, env=env).start()
    ui_port = flow.port
    try:
        send_with_sdk("grpc", grpc_port, http_port)
        send_with_sdk("http", grpc_port, http_port)
        json_span = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "e2e-json"}}]},
                     "scopeSpans": [{"spans": [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
                                                 "name": "json-span", "kind": 2, "startTimeUnixNano": "1700000000000000000",
                                                 "endTimeUnixNano": "1700000001000000000",
                                                 "attributes": [{"key": "via", "value": {"stringValue": "json"}}]}]}]}]}
        status = post(f"http://127.0.0.1:{http_port}/v1/traces", gzip.compress(json.dumps(json_span).encode()), "application/json", "gzip")
        assert status == 200, f"gzip JSON span: HTTP {status}"

        def arrived():
            with LOCK:
                names = {t[0] for t in RECEIVED["traces"]}
                metrics = {m[0] for m in RECEIVED["metrics"]}
                logs = {entry[0] for entry in RECEIVED["logs"]}
            return ({"grpc-span", "http-span", "json-span"} <= names
                    and {"e2e.requests.grpc", "e2e.requests.http"} <= metrics
                    and {"hello over grpc", "hello over http"} <= logs)
        wait(f"every span, metric and log arrived at the sink (got {RECEIVED})", arrived, 30)
        with LOCK:
            for transport in ("grpc", "http"):
                span = next(t for t in RECEIVED["traces"] if t[0] == f"{transport}-span")
                assert span[1] == {"via": transport, "n": 7}, span
                assert span[2]["service.name"] == f"e2e-{transport}", span
                metric = next(m for m in RECEIVED["metrics"] if m[0] == f"e2e.requests.{transport}")
                assert metric[1] == 3 and metric[2] == {"route": "/x"}, metric
                assert metric[3]["service.name"] == f"e2e-{transport}", metric
                record = next(r for r in RECEIVED["logs"] if r[0] == f"hello over {transport}")
                assert record[1].get("user") == "ann", record
                assert record[2]["service.name"] == f"e2e-{transport}", record
            span = next(t for t in RECEIVED["traces"] if t[0] == "json-span")
            # otelcol.processor.attributes updated the span its include names.
            assert span[1] == {"via": "json!"} and span[2]["service.name"] == "e2e-json", span
            # otelcol.processor.resourcedetection's env and system detectors.
            for kind in ("traces", "metrics", "logs"):
                for item in RECEIVED[kind]:
                    resource = item[-1]
                    assert resource.get("deployment.environment") == "e2e" and resource.get("os.type") == "linux" and resource.get("host.name"), (kind, item)
            counts = {k: len(v) for k, v in RECEIVED.items()}
            assert AUTHORIZATION == {"Basic ZTJlOnMzY3JldA=="}, AUTHORIZATION
        print(f"otelcol e2e: delivered {counts['traces']} spans, {counts['metrics']} metric points, {counts['logs']} log records over gRPC and HTTP (protobuf, gzip, JSON), with otelcol.auth.basic's header")

        check_bridges(http_port, push_port, sink_port, prometheus)

        base = f"http://127.0.0.1:{http_port}"
        assert post(f"{base}/v1/traces", b"\xff\xff\xff\xff", "application/x-protobuf") == 400, "malformed protobuf"
        assert post(f"{base}/v1/logs", b"{not json", "application/json") == 400, "malformed JSON"
        assert post(f"{base}/v1/metrics", b"x" * (2 << 20), "application/x-protobuf") == 413, "oversized body"
        assert post(f"{base}/v1/metrics", gzip.compress(b"\x00" * (2 << 20)), "application/x-protobuf", "gzip") == 413, "oversized once decompressed"
        assert post(f"{base}/v1/traces", b"x", "text/plain") == 415, "unknown content type"
        code = grpc_code(grpc_port, b"\xff\xff\xff\xff")
        assert code == grpc.StatusCode.INTERNAL, f"malformed gRPC message: {code}"
        code = grpc_code(grpc_port, b"\x0a" + b"\x00" * (2 << 20))
        # tonic refuses with OutOfRange where Go's gRPC says ResourceExhausted.
        assert code in (grpc.StatusCode.OUT_OF_RANGE, grpc.StatusCode.RESOURCE_EXHAUSTED), f"oversized gRPC message: {code}"
        print(f"otelcol e2e: malformed bodies 400, oversized 413, unknown type 415; gRPC malformed Internal, oversized {code.name}")

        assert flow.running(), "flow run exited"
        health = json.load(urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/api/v0/web/components", timeout=5))
        states = {c["localID"]: c["health"]["state"] for c in health}
        assert all(s == "healthy" for s in states.values()), states
        send_with_sdk("grpc", grpc_port, http_port)
        wait("data still flows after the refusals", lambda: sum(1 for t in RECEIVED["traces"] if t[0] == "grpc-span") >= 2, 30)
        print(f"otelcol e2e: still running and healthy after them: {sorted(states)}")
    finally:
        flow.stop()
        prometheus.stop()
    passed("otelcol e2e: ok")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, SystemExit) as e:
        print(f"FAIL: {e}")
        raise SystemExit(1)
