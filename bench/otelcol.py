#!/usr/bin/env python3
"""`flow run` as the OpenTelemetry Collector's testbed loads it: spans in
batches of 100 over OTLP/gRPC (gzip-compressed, as the testbed's sender
sends them) into `otelcol.receiver.otlp`, through
`otelcol.processor.batch`, out of `otelcol.exporter.otlp` to a gRPC
backend (tests/e2e/otelcol/grpc_sink.py, counting what arrives).

1. Steady load: --rate spans/s (10,000 by default, the testbed's) for
   --seconds (60) after a 5 s warm-up, twice: flow free to use both
   cores beside the generator (as the testbed runs the collector), then
   pinned to one core (one tokio worker) with the generator and backend
   on the other. Printed: flow's CPU as a share of one core, its average and peak resident memory, spans sent and spans
   the backend received (which must be equal).
2. Largest rate: flow pinned to one core (taskset), the load generator
   on the other, sending as fast as it can for 15 s. Printed: spans/s
   delivered, flow's CPU share; when flow is under 90 % of its core the
   generator was the limit and the rate is a lower bound.

Usage: bench/otelcol.py [FLOW_BINARY] [--rate N] [--seconds N]
(by default the dist build's flow). Needs grpcio and opentelemetry-proto
(pip), as tests/run installs them.
"""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e", "otelcol"))
from measure import cpu_seconds, dist_flow, free_port  # noqa: E402
from grpc_sink import GrpcSink  # noqa: E402

import grpc  # noqa: E402
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2  # noqa: E402
from opentelemetry.proto.common.v1 import common_pb2  # noqa: E402
from opentelemetry.proto.resource.v1 import resource_pb2  # noqa: E402
from opentelemetry.proto.trace.v1 import trace_pb2  # noqa: E402

OPTIONS = ("--rate", "--seconds")
ARGS = [a for i, a in enumerate(sys.argv[1:]) if not a.startswith("--") and sys.argv[i] not in OPTIONS]


def option(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


RATE, SECONDS, BATCH = option("--rate", 10_000), option("--seconds", 60), 100
FLOW = os.path.abspath(ARGS[0] if ARGS else dist_flow())
METHOD = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"

CONFIG = """
otelcol.receiver.otlp "in" {{
  grpc {{
    endpoint = "127.0.0.1:{receiver}"
  }}
  output {{
    traces = [otelcol.processor.batch.b.input]
  }}
}}

otelcol.processor.batch "b" {{
  output {{
    traces = [otelcol.exporter.otlp.out.input]
  }}
}}

otelcol.exporter.otlp "out" {{
  client {{
    endpoint = "127.0.0.1:{backend}"
    tls {{
      insecure = true
    }}
  }}
}}
"""


def request_bytes():
    """A batch of 100 spans like the testbed's load generator makes: a
    resource, ids, times, a kind and a few attributes each."""
    def kv(key, value):
        return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(string_value=value))
    spans = []
    for i in range(BATCH):
        spans.append(trace_pb2.Span(
            trace_id=os.urandom(16), span_id=os.urandom(8), name=f"load-generator-span-{i}",
            kind=trace_pb2.Span.SPAN_KIND_CLIENT, start_time_unix_nano=1_700_000_000_000_000_000 + i,
            end_time_unix_nano=1_700_000_000_001_000_000 + i,
            attributes=[kv("load_generator.span_seq_num", str(i)), kv("load_generator.trace_seq_num", str(i)),
                        kv("http.method", "GET"), kv("http.url", f"http://example.invalid/api/{i}")]))
    resource = resource_pb2.Resource(attributes=[kv("service.name", "load-generator")])
    request = trace_service_pb2.ExportTraceServiceRequest(resource_spans=[trace_pb2.ResourceSpans(
        resource=resource, scope_spans=[trace_pb2.ScopeSpans(spans=spans)])])
    return request.SerializeToString()


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def channel_call(receiver):
    """A raw-bytes Export call to flow's receiver, gzip-compressed as the
    testbed's sender (the collector's OTLP exporter, default settings)."""
    channel = grpc.insecure_channel(f"127.0.0.1:{receiver}", compression=grpc.Compression.Gzip)
    return channel.unary_unary(METHOD, request_serializer=lambda b: b, response_deserializer=lambda b: b)


def start_flow(receiver, backend, pin=None):
    tmp = tempfile.mkdtemp()
    atexit.register(shutil.rmtree, tmp, True)
    config = os.path.join(tmp, "bench.river")
    with open(config, "w") as f:
        f.write(CONFIG.format(receiver=receiver, backend=backend))
    command = [FLOW, "run", "--server.http.listen-addr", f"127.0.0.1:{free_port()}",
               "--storage.path", os.path.join(tmp, "data"), config]
    if pin is not None:
        command = ["taskset", "-c", str(pin)] + command
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    call = channel_call(receiver)
    deadline = time.time() + 30
    while True:
        try:
            call(request_bytes(), timeout=2)
            return proc, call
        except grpc.RpcError:
            if time.time() > deadline:
                raise SystemExit("flow run did not take OTLP within 30 s")
            time.sleep(0.2)


def steady(pinned):
    backend, receiver = free_port(), free_port()
    sink = GrpcSink(backend, count_only=True)
    sink.start()
    # Pinned: flow on one core (so one tokio worker), this generator and
    # the backend on the other, neither's scheduling in the other's figures.
    proc, call = start_flow(receiver, backend, pin=0 if pinned else None)
    os.sched_setaffinity(0, {1} if pinned else set(range(os.cpu_count())))
    body, sent = request_bytes(), BATCH
    interval = BATCH / RATE
    next_at = time.time()
    warm_until, samples = time.time() + 5, []
    cpu0 = start = None
    while True:
        now = time.time()
        if cpu0 is None and now >= warm_until:
            cpu0, start = cpu_seconds(proc.pid), now
        if start is not None and now - start >= SECONDS:
            break
        call(body, timeout=10)
        sent += BATCH
        if start is not None and (not samples or now - samples[-1][0] >= 1):
            samples.append((now, rss_mib(proc.pid)))
        next_at += interval
        time.sleep(max(0.0, next_at - time.time()))
    cpu = (cpu_seconds(proc.pid) - cpu0) / (time.time() - start)
    deadline = time.time() + 30
    while sink.spans < sent and time.time() < deadline:
        time.sleep(0.2)
    proc.terminate()
    proc.wait()
    sink.stop()
    rss = [r for _, r in samples]
    where = "flow on one core" if pinned else "flow on every core"
    print(f"steady {RATE} spans/s in batches of {BATCH} for {SECONDS} s, {where}: CPU {cpu * 100:.1f} % of a core, "
          f"RSS average {sum(rss) / len(rss):.1f} MiB, peak {max(rss):.1f} MiB; "
          f"spans sent {sent}, received {sink.spans}")
    if sink.spans != sent:
        raise SystemExit(f"FAIL: {sent - sink.spans} spans lost")


def largest_rate():
    backend, receiver = free_port(), free_port()
    sink = GrpcSink(backend, count_only=True)
    sink.start()
    proc, _ = start_flow(receiver, backend, pin=0)
    body, stop = request_bytes(), time.time() + 20

    def send():
        call = channel_call(receiver)
        futures = []
        while time.time() < stop:
            futures.append(call.future(body, timeout=10))
            if len(futures) >= 32:
                futures.pop(0).result()
        for f in futures:
            f.result()
    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(5)
    spans0, cpu0, t0 = sink.spans, cpu_seconds(proc.pid), time.time()
    time.sleep(10)
    spans1, cpu1, t1 = sink.spans, cpu_seconds(proc.pid), time.time()
    for t in threads:
        t.join()
    proc.terminate()
    proc.wait()
    sink.stop()
    rate, cpu = (spans1 - spans0) / (t1 - t0), (cpu1 - cpu0) / (t1 - t0)
    bound = "" if cpu >= 0.9 else " (the generator was the limit: a lower bound)"
    print(f"largest rate on one core: {rate:,.0f} spans/s delivered at {cpu * 100:.0f} % of the core{bound}; "
          f"{rate / max(cpu, 0.01):,.0f} spans per CPU-second")


if __name__ == "__main__":
    if os.cpu_count() < 2:
        raise SystemExit("needs two cores: one for flow, one for the load")
    steady(pinned=False)
    steady(pinned=True)
    largest_rate()
