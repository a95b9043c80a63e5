//! Connectors: components that take one signal and hand on another, as
//! the collector's connectors do (`otelcol.connector.spanmetrics` and
//! `otelcol.connector.servicegraph`: traces in, metrics out).

mod points;
pub mod servicegraph;
pub mod spanmetrics;
