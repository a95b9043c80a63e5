//! Receivers: each reads its protocols and writes its `output` block.

pub(crate) mod jaeger;
pub(crate) mod kafka;
pub(crate) mod otlp;
pub(crate) mod zipkin;
