//! The `prometheus.*` components: scraping, relabelling, remote write (with
//! its write-ahead log), receiving remote writes, and the process's own
//! metrics as a target. Each component is one module with its
//! `Registration`.
//!
//! Invariant: samples given to `prometheus.remote_write` are in its
//! write-ahead log before anything is sent.

pub mod histogram_wire;
pub mod proto;
pub mod receive_http;
pub mod relabel;
pub mod remote_write;
pub mod scrape;

use river_runtime::args::{ArgError, Args};
use river_runtime::series::MetricsReceiver;

/// The `forward_to` list of a component.
pub(crate) fn forward_to(args: &Args) -> Result<Vec<MetricsReceiver>, ArgError> {
    args.get("forward_to")
}
