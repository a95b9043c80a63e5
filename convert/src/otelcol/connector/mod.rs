//! Connectors: exporters of one pipeline and receivers of another; their
//! `output` holds what follows them as receivers.

pub(crate) mod servicegraph;
pub(crate) mod spanmetrics;
