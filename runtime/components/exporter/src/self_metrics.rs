//! `prometheus.exporter.self`: the process's own metrics (what `/metrics`
//! serves) as a scrape target.

use std::sync::Arc;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration, Scrape};
use river_runtime::error::Error;
use river_runtime::globals::Globals;

struct ExporterSelf {
    globals: Arc<Globals>,
}

impl Component for ExporterSelf {
    fn update(&self, _: &Args) -> Result<(), Error> {
        Ok(())
    }

    fn scrape(&self, _: &[(String, String)]) -> Option<Scrape> {
        let text = river_runtime::metrics::process::render(&self.globals);
        Some(Box::pin(async move { Ok(text) }))
    }
}

/// `prometheus.exporter.self`.
pub const EXPORTER_SELF: Registration =
    Registration { name: "prometheus.exporter.self", build, without_effect: &[] };

fn build(ctx: Ctx, _: &Args) -> Result<Arc<dyn Component>, Error> {
    crate::target::export(&ctx, &[crate::target::base(&ctx, "agent")]);
    Ok(Arc::new(ExporterSelf { globals: ctx.globals.clone() }))
}
