"""Sending with the OpenTelemetry Python SDK (PyPI opentelemetry-sdk and
its OTLP exporters), shared by the otelcol end-to-end scripts."""

import logging

from opentelemetry.sdk.resources import Resource


def send_with_sdk(transport, grpc_port, http_port, metadata=None):
    """Traces, metrics and logs through the SDK's OTLP exporters (over
    gRPC with `metadata`, pairs of request metadata, when given)."""
    from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if transport == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        kw = {"endpoint": f"127.0.0.1:{grpc_port}", "insecure": True}
        if metadata:
            kw["headers"] = metadata
        spans, metrics, logs = OTLPSpanExporter(**kw), OTLPMetricExporter(**kw), OTLPLogExporter(**kw)
    else:
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        base = f"http://127.0.0.1:{http_port}"
        spans = OTLPSpanExporter(endpoint=f"{base}/v1/traces", compression=Compression.Gzip)
        metrics = OTLPMetricExporter(endpoint=f"{base}/v1/metrics")
        logs = OTLPLogExporter(endpoint=f"{base}/v1/logs")
    resource = Resource.create({"service.name": f"e2e-{transport}"})

    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(spans))
    with tracer_provider.get_tracer("e2e").start_as_current_span(f"{transport}-span") as span:
        span.set_attribute("via", transport)
        span.set_attribute("n", 7)
    assert tracer_provider.force_flush(10_000), "spans not flushed"
    tracer_provider.shutdown()

    reader = PeriodicExportingMetricReader(metrics, export_interval_millis=60_000)
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    counter = meter_provider.get_meter("e2e").create_counter(f"e2e.requests.{transport}", unit="ms")
    counter.add(3, {"route": "/x"})
    assert meter_provider.force_flush(10_000), "metrics not flushed"
    meter_provider.shutdown()

    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(BatchLogRecordProcessor(logs))
    logger = logging.getLogger(f"e2e.{transport}")
    logger.propagate = False
    logger.addHandler(LoggingHandler(logger_provider=logger_provider))
    logger.warning("hello over %s", transport, extra={"user": "ann"})
    assert logger_provider.force_flush(10_000), "logs not flushed"
    logger_provider.shutdown()
