#!/usr/bin/env python3
"""End-to-end test of `otelcol.exporter.otlp` against a real gRPC backend
(grpc_sink.py: PyPI grpcio + opentelemetry-proto), and of its sending
queue through an outage of that backend.

1. The OpenTelemetry Python SDK sends traces, metrics and logs over gRPC
   to `otelcol.receiver.otlp` (with `include_metadata`) ->
   `otelcol.processor.attributes` (inserts `pipeline = "flow"` on every
   span, data point and log record) -> `otelcol.processor.batch` ->
   `otelcol.exporter.otlp` with `otelcol.auth.headers` (a fixed header
   and one from the client's metadata) -> the gRPC backend: every item
   arrives with the attribute and the backend sees both headers.
2. The backend goes down. Requests sent straight to a second exporter
   (sending_queue of 10, 2 consumers) are taken while the queue has room
   and refused with UNAVAILABLE once it is full; the exporter's health
   says the queue is full and /metrics counts the spans it could not
   queue. The backend comes back on the same port: every span that was
   taken arrives, once; none of the refused ones do.

Usage: outage.py FLOW_BINARY   (Python 3; loopback addresses only)
"""

import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import FlowRun, free_port, passed, scratch, wait  # noqa: E402
from grpc_sink import GrpcSink  # noqa: E402
from sdk import send_with_sdk  # noqa: E402

import grpc  # noqa: E402
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc  # noqa: E402
from opentelemetry.proto.trace.v1 import trace_pb2  # noqa: E402

CONFIG = """
otelcol.receiver.otlp "in" {{
  grpc {{
    endpoint         = "127.0.0.1:{grpc_port}"
    include_metadata = true
  }}
  output {{
    traces  = [otelcol.processor.attributes.a.input]
    metrics = [otelcol.processor.attributes.a.input]
    logs    = [otelcol.processor.attributes.a.input]
  }}
}}

otelcol.processor.attributes "a" {{
  action {{
    key    = "pipeline"
    value  = "flow"
    action = "insert"
  }}
  output {{
    traces  = [otelcol.processor.batch.b.input]
    metrics = [otelcol.processor.batch.b.input]
    logs    = [otelcol.processor.batch.b.input]
  }}
}}

otelcol.processor.batch "b" {{
  timeout       = "200ms"
  metadata_keys = ["x-team"]
  output {{
    traces  = [otelcol.exporter.otlp.out.input]
    metrics = [otelcol.exporter.otlp.out.input]
    logs    = [otelcol.exporter.otlp.out.input]
  }}
}}

otelcol.auth.headers "h" {{
  header {{
    key   = "x-source"
    value = "flow-e2e"
  }}
  header {{
    key          = "x-team-seen"
    from_context = "x-team"
  }}
}}

otelcol.exporter.otlp "out" {{
  client {{
    endpoint = "127.0.0.1:{sink_port}"
    auth     = otelcol.auth.headers.h.handler
    tls {{
      insecure = true
    }}
  }}
}}

otelcol.receiver.otlp "direct" {{
  grpc {{
    endpoint = "127.0.0.1:{direct_port}"
  }}
  output {{
    traces = [otelcol.exporter.otlp.queued.input]
  }}
}}

otelcol.exporter.otlp "queued" {{
  client {{
    endpoint = "127.0.0.1:{sink_port}"
    tls {{
      insecure = true
    }}
  }}
  retry_on_failure {{
    initial_interval = "100ms"
    max_interval     = "500ms"
    max_elapsed_time = "0s"
  }}
  sending_queue {{
    queue_size    = 10
    num_consumers = 2
  }}
}}
"""


def export_span(stub, name):
    """Sends one span; the gRPC status code flow answers with."""
    span = trace_pb2.Span(name=name, trace_id=os.urandom(16), span_id=os.urandom(8),
                          start_time_unix_nano=1, end_time_unix_nano=2)
    request = trace_service_pb2.ExportTraceServiceRequest(
        resource_spans=[trace_pb2.ResourceSpans(scope_spans=[trace_pb2.ScopeSpans(spans=[span])])])
    try:
        stub.Export(request, timeout=10)
        return grpc.StatusCode.OK
    except grpc.RpcError as e:
        return e.code()


def api(ui_port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}{path}", timeout=5) as response:
        return response.read().decode()


def pipeline(sink):
    """Phase 1: the SDK's data through the processors to the gRPC backend."""
    send_with_sdk("grpc", PORTS["grpc"], None, metadata=(("x-team", "blue"),))

    def arrived():
        with sink.lock:
            return (any(t[0] == "grpc-span" for t in sink.traces) and any(m[0] == "e2e.requests.grpc" for m in sink.metrics)
                    and any(r[0] == "hello over grpc" for r in sink.logs))
    wait(f"the SDK's span, metric and log arrived at the gRPC backend (got {sink.traces}, {sink.metrics}, {sink.logs})", arrived, 30)
    with sink.lock:
        items = sink.traces + sink.metrics + sink.logs
        assert all(item[1].get("pipeline") == "flow" for item in items), items
        assert all(item[2].get("service.name") == "e2e-grpc" for item in items), items
        span = next(t for t in sink.traces if t[0] == "grpc-span")
        assert span[1] == {"via": "grpc", "n": 7, "pipeline": "flow"}, span
        headers = sink.metadata
        assert headers and all(h.get("x-source") == "flow-e2e" and h.get("x-team-seen") == "blue" for h in headers), headers
    print(f"otelcol outage e2e: SDK -> flow -> otelcol.exporter.otlp -> grpcio backend: {len(items)} items, "
          "each with the processor's attribute; headers x-source and x-team-seen (from the client's metadata)")


def outage(sink, ui_port):
    """Phase 2: the backend down, the queue filling, the backend back."""
    sink.stop()
    stub = trace_service_pb2_grpc.TraceServiceStub(grpc.insecure_channel(f"127.0.0.1:{PORTS['direct']}"))
    taken, refused = [], []
    for i in range(30):
        code = export_span(stub, f"outage-{i}")
        (taken if code == grpc.StatusCode.OK else refused).append((f"outage-{i}", code))
    assert refused and all(code == grpc.StatusCode.UNAVAILABLE for _, code in refused), refused
    assert 10 <= len(taken) <= 12, f"a queue of 10 and 2 consumers took {len(taken)}"
    health = json.loads(api(ui_port, "/api/v0/web/components/otelcol.exporter.otlp.queued"))["health"]
    assert health["state"] == "unhealthy" and "sending queue is full" in health["message"], health
    metrics = api(ui_port, "/metrics")
    failed = [l for l in metrics.splitlines()
              if l.startswith("otelcol_exporter_enqueue_failed_spans_total") and "otelcol.exporter.otlp.queued" in l]
    assert failed and float(failed[0].split()[-1]) == len(refused), failed
    print(f"otelcol outage e2e: backend down: {len(taken)} requests queued, {len(refused)} refused UNAVAILABLE; "
          f"health {health['message']!r}; {failed[0]}")

    sink.start()
    names = {name for name, _ in taken}

    def delivered():
        with sink.lock:
            got = [t[0] for t in sink.traces if t[0].startswith("outage-")]
        return got if set(got) >= names else None
    got = wait("every queued span arrived once the backend was back", delivered, 30)
    assert sorted(got) == sorted(names), f"duplicates or refused spans arrived: {sorted(got)}"
    print(f"otelcol outage e2e: backend back: all {len(names)} queued spans arrived, once each; none of the refused")


PORTS = {}


def main():
    flow = os.path.abspath(sys.argv[1])
    PORTS.update(grpc=free_port(), direct=free_port(), sink=free_port())
    sink = GrpcSink(PORTS["sink"])
    sink.start()
    config = CONFIG.format(grpc_port=PORTS["grpc"], direct_port=PORTS["direct"], sink_port=PORTS["sink"])
    flow = FlowRun(flow, scratch(), config).start()
    try:
        pipeline(sink)
        outage(sink, flow.port)
        assert flow.running(), "flow run exited"
    finally:
        flow.stop()
        if sink.server:
            sink.stop()
    passed("otelcol outage e2e: ok")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, SystemExit) as e:
        print(f"FAIL: {e}")
        raise SystemExit(1)
