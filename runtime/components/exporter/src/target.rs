//! The scrape target an exporter exports, labelled as the reference's
//! exporters label theirs: the in-memory address, the component's metrics
//! path, `instance` (the host's name unless the exporter names one) and
//! `job` (`integrations/<name>`), with the component's name and id as
//! `__meta_component_*` labels for relabelling.

use river_analyzer::{Object, Value};
use river_runtime::component::Ctx;
use river_runtime::labels::Labels;

/// The one target of exporter `ctx.id`, whose job is
/// `integrations/<job>` (`unix`, `blackbox`, ...).
pub fn base(ctx: &Ctx, job: &str) -> Labels {
    let id = ctx.id.as_str();
    // The component's name is its id without the label; the reference
    // special-cases an id equal to a bare name the same way.
    let name = match id.rsplit_once('.') {
        Some((name, _)) if id != "prometheus.exporter.unix" => name,
        _ => id,
    };
    Labels::from_pairs([
        ("__address__", ctx.globals.memory_addr.clone()),
        ("__scheme__", "http".to_owned()),
        ("__metrics_path__", format!("/api/v0/component/{id}/metrics")),
        ("instance", hostname()),
        ("job", format!("integrations/{job}")),
        ("__meta_component_name", name.to_owned()),
        ("__meta_component_id", id.to_owned()),
    ])
}

/// Publishes `targets` as the component's `targets` export.
pub fn export(ctx: &Ctx, targets: &[Labels]) {
    let value: Value = river_runtime::targets::to_value(targets);
    ctx.export(Object::from_iter([("targets".to_owned(), value)]));
}

/// The machine's name, as the reference picks it: `$HOSTNAME`, then the
/// kernel's host name, then `unknown`.
pub fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname").ok().map(|h| h.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}
