//! Exporters: the end of a pipeline, so no `output` block.

pub(crate) mod loadbalancing;
pub(crate) mod logging;
pub(crate) mod otlp;
