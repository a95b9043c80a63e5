//! The `otelcol.*` components of `flow run`: `otelcol.receiver.otlp`
//! (OTLP over HTTP and gRPC), `otelcol.processor.batch`, the processors
//! that change data in place (`processor`: `attributes`, `memory_limiter`,
//! `resourcedetection`, and `transform` and `filter`, which run OTTL
//! through `ottl`),
//! `otelcol.exporter.otlp` (gRPC), `otelcol.exporter.otlphttp`,
//! `otelcol.exporter.debug` and `otelcol.exporter.logging`, and the
//! bridges to the rest of `flow run`: `otelcol.exporter.prometheus`,
//! `otelcol.exporter.loki`, `otelcol.receiver.prometheus` and
//! `otelcol.receiver.loki`, and the client authentication of
//! `otelcol.auth.basic`, `otelcol.auth.bearer` and `otelcol.auth.headers`.
//! Data moves between them as OTLP export
//! requests (`opentelemetry-proto`) through `otelcol.Consumer` capsules
//! (`consumer`), with the client's metadata beside it when a receiver
//! keeps it; what passes is counted as the collector counts it
//! (`telemetry`) and shown to live debugging.

pub mod attributes;
pub mod auth;
pub mod batch;
pub mod connector;
pub mod consumer;
pub mod exporter;
pub mod ottl;
pub mod processor;
pub mod receiver_loki;
pub mod receiver_otlp;
pub mod receiver_prometheus;
pub mod telemetry;
