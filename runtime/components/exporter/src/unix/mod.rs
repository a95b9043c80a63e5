//! `prometheus.exporter.unix`: node_exporter's collectors, in process.
//!
//! The arguments pick the collectors (`select.rs`) and give each its
//! block; a scrape runs them all (`gather.rs`) and adds node_exporter's
//! `node_scrape_collector_*` for each. The target is the reference's:
//! the host's name as `instance`, `job` `integrations/unix`.

pub mod collector;
pub mod collectors;
mod gather;
pub mod select;

use std::path::PathBuf;
use std::sync::Arc;

use parking_lot::Mutex;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration, Scrape};
use river_runtime::error::Error;

use collector::{Collector, Host};

/// `prometheus.exporter.unix`.
pub const EXPORTER_UNIX: Registration = Registration {
    name: "prometheus.exporter.unix",
    build,
    // Every collector's block takes effect now that each runs.
    without_effect: &[],
};

/// What one set of arguments runs.
pub struct Settings {
    pub host: Host,
    /// The enabled collectors by name, in the table's (name) order.
    pub collectors: Vec<(&'static str, Arc<dyn Collector>)>,
    /// `include_exporter_metrics`: the reference's promhttp metrics.
    pub exporter_metrics: bool,
}

struct Unix {
    ctx: Ctx,
    settings: Mutex<Arc<Settings>>,
    handler: Arc<gather::Handler>,
}

impl Component for Unix {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = settings(args)?;
        *self.settings.lock() = Arc::new(settings);
        self.ctx.set_health(HealthKind::Healthy, "collectors updated");
        Ok(())
    }

    fn scrape(&self, _: &[(String, String)]) -> Option<Scrape> {
        let settings = self.settings.lock().clone();
        Some(Box::pin(gather::scrape(settings, self.handler.clone())))
    }
}

fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = settings(args)?;
    crate::target::export(&ctx, &[crate::target::base(&ctx, "unix")]);
    Ok(Arc::new(Unix { ctx, settings: Mutex::new(Arc::new(settings)), handler: Arc::default() }))
}

/// Reads the arguments and builds the enabled collectors.
pub fn settings(args: &Args) -> Result<Settings, Error> {
    let host = host(args)?;
    let exporter_metrics: bool = args.get("include_exporter_metrics")?;
    let selection = select::select(args, collectors::ALL)?;
    for name in &selection.other_systems {
        tracing::warn!(
            collector = name,
            "node_exporter runs this collector only on other systems; on Linux it does nothing"
        );
    }
    let mut built = Vec::with_capacity(selection.run.len());
    for entry in selection.run {
        built.push((entry.name, Arc::from((entry.build)(args)?)));
    }
    Ok(Settings { host, collectors: built, exporter_metrics })
}

fn host(args: &Args) -> Result<Host, Error> {
    let path = |name: &str| -> Result<PathBuf, Error> {
        let text: String = args.get(name)?;
        if text.is_empty() {
            return Err(args.invalid(name, "must name a directory").into());
        }
        Ok(PathBuf::from(text))
    };
    Ok(Host {
        procfs: path("procfs_path")?,
        sysfs: path("sysfs_path")?,
        rootfs: path("rootfs_path")?,
        udev_data: path("udev_data_path")?,
    })
}
