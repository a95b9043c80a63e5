#!/usr/bin/env python3
"""End-to-end test of OTTL and the spans-to-metrics connector.

The OpenTelemetry Python SDK sends spans over gRPC to `flow run`:
`otelcol.receiver.otlp` -> `otelcol.processor.filter` (drops the spans
its condition matches: health checks) -> `otelcol.processor.transform`
(renames each span from its method and route, sets `env`, deletes
`secret`) -> `otelcol.processor.tail_sampling` (keeps whole traces with
a span on some routes) -> `otelcol.exporter.otlp` -> a gRPC backend
(grpc_sink.py: grpcio + opentelemetry-proto), which must see exactly the
transformed spans of the kept traces (a client span without a route
among them) and none of the dropped ones. The same spans, after the filter, go
to `otelcol.connector.spanmetrics` and `otelcol.connector.servicegraph`
-> `otelcol.exporter.prometheus` -> `prometheus.remote_write` -> a real
Prometheus, where the reference's names must arrive: `calls_total` and
`duration_milliseconds_bucket`, with `service_name`, `span_name`,
`span_kind` and `status_code`, and the edge from a client span of one
service to the server span of another,
`traces_service_graph_request_total{client, server}` with its latency.

Usage: ottl.py FLOW_BINARY   (Python 3, prometheus; loopback addresses only)
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import FlowRun, Prometheus, free_port, passed, scratch, wait  # noqa: E402
from grpc_sink import GrpcSink  # noqa: E402

CONFIG = """
otelcol.receiver.otlp "in" {{
  grpc {{
    endpoint = "127.0.0.1:{grpc_port}"
  }}
  output {{
    traces = [otelcol.processor.filter.health.input]
  }}
}}

otelcol.processor.filter "health" {{
  error_mode = "ignore"
  traces {{
    span = ["attributes[\\"http.target\\"] == \\"/health\\""]
  }}
  output {{
    traces = [
      otelcol.processor.transform.names.input,
      otelcol.connector.spanmetrics.red.input,
      otelcol.connector.servicegraph.graph.input,
    ]
  }}
}}

otelcol.processor.transform "names" {{
  error_mode = "ignore"
  trace_statements {{
    context    = "span"
    statements = [
      "set(name, Concat([attributes[\\"http.method\\"], attributes[\\"http.route\\"]], \\" \\")) where attributes[\\"http.route\\"] != nil",
      "set(attributes[\\"env\\"], \\"prod\\")",
      "delete_key(attributes, \\"secret\\")",
    ]
  }}
  output {{
    traces = [otelcol.processor.tail_sampling.routes.input]
  }}
}}

otelcol.processor.tail_sampling "routes" {{
  decision_wait = "1s"
  policy {{
    name = "some-routes"
    type = "string_attribute"
    string_attribute {{
      key    = "http.route"
      values = ["/users", "/pay"]
    }}
  }}
  output {{
    traces = [otelcol.exporter.otlp.out.input]
  }}
}}

otelcol.exporter.otlp "out" {{
  client {{
    endpoint = "127.0.0.1:{sink_port}"
    tls {{
      insecure = true
    }}
  }}
}}

otelcol.connector.spanmetrics "red" {{
  metrics_flush_interval = "1s"
  histogram {{
    explicit {{
      buckets = ["10ms", "100ms", "1s"]
    }}
  }}
  output {{
    metrics = [otelcol.exporter.prometheus.red.input]
  }}
}}

otelcol.connector.servicegraph "graph" {{
  output {{
    metrics = [otelcol.exporter.prometheus.red.input]
  }}
}}

otelcol.exporter.prometheus "red" {{
  forward_to = [prometheus.remote_write.prom.receiver]
}}

prometheus.remote_write "prom" {{
  endpoint {{
    url = "{write_url}"
    queue_config {{
      batch_send_deadline = "1s"
    }}
  }}
}}
"""


def send_spans(grpc_port):
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry import trace
    from opentelemetry.trace import SpanKind

    provider = TracerProvider(resource=Resource.create({"service.name": "e2e-ottl"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"127.0.0.1:{grpc_port}", insecure=True)))
    tracer = provider.get_tracer("e2e")
    for route in ("/users", "/orders", "/users"):
        with tracer.start_as_current_span("handler", kind=SpanKind.SERVER) as span:
            span.set_attribute("http.method", "GET")
            span.set_attribute("http.route", route)
            span.set_attribute("secret", "s3cret")
    for _ in range(2):
        with tracer.start_as_current_span("health", kind=SpanKind.SERVER) as span:
            span.set_attribute("http.target", "/health")
    # A request from another service: its client span is the parent.
    web = TracerProvider(resource=Resource.create({"service.name": "e2e-web"}))
    web.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"127.0.0.1:{grpc_port}", insecure=True)))
    with web.get_tracer("e2e").start_as_current_span("checkout", kind=SpanKind.CLIENT) as client:
        with tracer.start_as_current_span("handler", context=trace.set_span_in_context(client), kind=SpanKind.SERVER) as span:
            span.set_attribute("http.method", "POST")
            span.set_attribute("http.route", "/pay")
    for p in (provider, web):
        assert p.force_flush(10_000), "spans not flushed"
        p.shutdown()


def check_spans(sink):
    def arrived():
        with sink.lock:
            return list(sink.traces) if len(sink.traces) >= 4 else None
    wait(f"the sampled spans arrived (got {sink.traces})", arrived, 30)
    time.sleep(2)  # what tail sampling dropped would have come by now
    with sink.lock:
        spans = list(sink.traces)
    names = sorted(name for name, _, _ in spans)
    # /orders is not among the routes kept; the checkout span has no
    # route but belongs to the kept /pay trace.
    assert names == ["GET /users", "GET /users", "POST /pay", "checkout"], f"not exactly the sampled, transformed spans: {names}"
    for name, attributes, resource in spans:
        assert attributes.get("env") == "prod" and "secret" not in attributes, attributes
        assert resource.get("service.name") == ("e2e-web" if name == "checkout" else "e2e-ottl"), resource
    print(f"otelcol ottl e2e: filter dropped the health checks, transform renamed the rest (env=prod, secret deleted), tail sampling kept whole traces by route: {names}")


def check_red_metrics(prometheus):
    calls = wait("calls_total arrived in Prometheus",
                 lambda: prometheus.query('calls_total{service_name="e2e-ottl", span_name="handler"}'), 40)
    labels = calls[0]["metric"]
    assert labels["span_kind"] == "SPAN_KIND_SERVER" and labels["status_code"] == "STATUS_CODE_UNSET", labels
    assert float(calls[0]["value"][1]) == 4, calls
    health = prometheus.query('calls_total{span_name="health"}')
    assert not health, f"the filtered spans were counted: {health}"
    buckets = wait("duration_milliseconds_bucket arrived",
                   lambda: prometheus.query('duration_milliseconds_bucket{service_name="e2e-ottl"}'), 20)
    les = sorted({b["metric"]["le"] for b in buckets}, key=float)
    assert les == ["10", "100", "1000", "+Inf"], les
    print(f"otelcol ottl e2e: spanmetrics -> Prometheus: calls_total {labels} = 4, duration_milliseconds_bucket le {les}")
    edge = wait("the service graph's edge arrived",
                lambda: prometheus.query('traces_service_graph_request_total{client="e2e-web", server="e2e-ottl"}'), 20)
    assert float(edge[0]["value"][1]) == 1, edge
    latency = prometheus.query('traces_service_graph_request_server_seconds_count{client="e2e-web", server="e2e-ottl"}')
    assert latency and float(latency[0]["value"][1]) == 1, latency
    print("otelcol ottl e2e: servicegraph -> Prometheus: traces_service_graph_request_total{client=e2e-web, server=e2e-ottl} = 1, with its latencies")


def main():
    flow = os.path.abspath(sys.argv[1])
    tmp = scratch()
    prometheus = Prometheus(tmp).start()
    grpc_port, sink_port = free_port(), free_port()
    sink = GrpcSink(sink_port)
    sink.start()
    config = CONFIG.format(grpc_port=grpc_port, sink_port=sink_port, write_url=prometheus.write_url)
    flow = FlowRun(flow, tmp, config).start()
    try:
        send_spans(grpc_port)
        check_spans(sink)
        check_red_metrics(prometheus)
        assert flow.running(), "flow run exited"
    finally:
        flow.stop()
        sink.stop()
        prometheus.stop()
    passed("otelcol ottl e2e: ok")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, SystemExit) as e:
        print(f"FAIL: {e}")
        raise SystemExit(1)
