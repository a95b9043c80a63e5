//! The `otelcol.*` components of `flow run`: `otelcol.receiver.otlp`
//! (OTLP over HTTP and gRPC), `otelcol.processor.batch`,
//! `otelcol.exporter.otlp` (gRPC), `otelcol.exporter.otlphttp`,
//! `otelcol.exporter.debug` and `otelcol.exporter.logging`. Data moves
//! between them as OTLP export requests (`opentelemetry-proto`) through
//! `otelcol.Consumer` capsules (`consumer`).

pub mod batch;
pub mod consumer;
pub mod exporter;
pub mod receiver_otlp;
