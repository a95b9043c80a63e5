//! `prometheus.exporter.self`: the process's own metrics as a scrape
//! target. The target is served in process at the memory address, as the
//! reference serves its exporters.

use std::sync::Arc;

use river_analyzer::Object;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;
use river_runtime::labels::Labels;

struct ExporterSelf;

impl Component for ExporterSelf {
    fn update(&self, _: &Args) -> Result<(), Error> {
        Ok(())
    }
}

/// `prometheus.exporter.self`.
pub const EXPORTER_SELF: Registration =
    Registration { name: "prometheus.exporter.self", build, without_effect: &[] };

pub fn build(ctx: Ctx, _: &Args) -> Result<Arc<dyn Component>, Error> {
    let target = Labels::from_pairs([
        ("__address__", ctx.globals.memory_addr.clone()),
        ("__metrics_path__", format!("/api/v0/component/{}/metrics", ctx.id)),
        ("instance", hostname()),
        ("job", "integrations/agent".to_owned()),
    ]);
    let targets = river_runtime::targets::to_value(&[target]);
    ctx.export(Object::from_iter([("targets".to_owned(), targets)]));
    Ok(Arc::new(ExporterSelf))
}

/// The machine's name, for the `instance` label.
pub(crate) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}
