"""An OTLP/gRPC backend built from PyPI grpcio and opentelemetry-proto
(the collector's three export services): it records every span, metric
data point and log record it is sent, with their attributes, and the
request metadata. It can be stopped and started again on the same port,
for outages. Shared by the otelcol end-to-end and benchmark scripts."""

import threading
from concurrent import futures

import grpc
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc


def attrs(kvs):
    out = {}
    for kv in kvs:
        v = kv.value
        out[kv.key] = getattr(v, v.WhichOneof("value")) if v.WhichOneof("value") else None
    return out


class GrpcSink:
    """Records (name, attributes, resource attributes) per signal; with
    `count_only`, only how many spans arrived (for load)."""

    def __init__(self, port, count_only=False):
        self.port = port
        self.count_only = count_only
        self.lock = threading.Lock()
        self.traces, self.metrics, self.logs, self.metadata = [], [], [], []
        self.spans = 0
        self.server = None

    def start(self):
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=8),
                             options=[("grpc.max_receive_message_length", 64 << 20)])
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(_Traces(self), server)
        metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(_Metrics(self), server)
        logs_service_pb2_grpc.add_LogsServiceServicer_to_server(_Logs(self), server)
        server.add_insecure_port(f"127.0.0.1:{self.port}")
        server.start()
        self.server = server

    def stop(self):
        self.server.stop(grace=None).wait()
        self.server = None

    def note(self, context):
        if not self.count_only:
            self.metadata.append(dict(context.invocation_metadata()))


class _Traces(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, sink):
        self.sink = sink

    def Export(self, request, context):
        with self.sink.lock:
            self.sink.note(context)
            for rs in request.resource_spans:
                for ss in rs.scope_spans:
                    self.sink.spans += len(ss.spans)
                    if self.sink.count_only:
                        continue
                    for span in ss.spans:
                        self.sink.traces.append((span.name, attrs(span.attributes), attrs(rs.resource.attributes)))
        return trace_service_pb2.ExportTraceServiceResponse()


class _Metrics(metrics_service_pb2_grpc.MetricsServiceServicer):
    def __init__(self, sink):
        self.sink = sink

    def Export(self, request, context):
        with self.sink.lock:
            self.sink.note(context)
            for rm in request.resource_metrics:
                for sm in rm.scope_metrics:
                    for m in sm.metrics:
                        for dp in m.sum.data_points:
                            self.sink.metrics.append((m.name, attrs(dp.attributes), attrs(rm.resource.attributes)))
        return metrics_service_pb2.ExportMetricsServiceResponse()


class _Logs(logs_service_pb2_grpc.LogsServiceServicer):
    def __init__(self, sink):
        self.sink = sink

    def Export(self, request, context):
        with self.sink.lock:
            self.sink.note(context)
            for rl in request.resource_logs:
                for sl in rl.scope_logs:
                    for rec in sl.log_records:
                        self.sink.logs.append((rec.body.string_value, attrs(rec.attributes), attrs(rl.resource.attributes)))
        return logs_service_pb2.ExportLogsServiceResponse()
