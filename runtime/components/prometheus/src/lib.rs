//! The `prometheus.*` components: scraping, relabelling, remote write (with
//! its write-ahead log), receiving remote writes, and the process's own
//! metrics as a target. Each component is one module with its
//! `Registration`.

pub mod exporter_self;
pub mod histogram_wire;
pub mod proto;
pub mod receive_http;
pub mod relabel;
pub mod remote_write;
pub mod scrape;

use river_analyzer::Value;

use river_runtime::args::Args;
use river_runtime::series::MetricsReceiver;

/// The `forward_to` list of a component.
pub(crate) fn forward_to(args: &Args) -> Result<Vec<MetricsReceiver>, String> {
    match args.value("forward_to") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(value) => value.decode().map_err(|e| format!("forward_to: {e}")),
    }
}
