//! `prometheus.scrape`: one loop per target, at the scrape interval with a
//! per-target offset; each scrape's samples get the target's labels, the
//! `up` and `scrape_*` series are added, and series that disappear (or a
//! whole target that goes away or down) get staleness markers. A target
//! kept across an update keeps its loop and its state; targets at the
//! memory address are served in process. In a cluster, with
//! `clustering { enabled = true }`, each node scrapes only its share of
//! the targets (`pool.rs`, `clustering.rs`).

mod clustering;
mod error;
mod fetch;
mod limits;
mod parse;
mod pool;
mod protobuf;
mod scrape_loop;
mod series_cache;
mod target;

use parking_lot::{Mutex, RwLock};
use std::sync::Arc;
use std::time::Duration;

use river_analyzer::Object;

use error::ScrapeError;
use limits::LabelLimits;
use pool::{Pool, Status};
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;
use river_runtime::series::{Fanout, MetricsReceiver};
use river_runtime::targets;
use target::Defaults;

/// Everything a scrape loop reads at each scrape.
pub struct Settings {
    pub job_name: String,
    pub interval: Duration,
    pub timeout: Duration,
    pub honor_labels: bool,
    pub honor_timestamps: bool,
    pub scheme: String,
    pub metrics_path: String,
    pub params: Vec<(String, Vec<String>)>,
    pub sample_limit: usize,
    pub body_size_limit: usize,
    /// 0: no limit.
    pub target_limit: usize,
    pub label_limits: LabelLimits,
    /// Also report `scrape_timeout_seconds`, `scrape_sample_limit` and
    /// `scrape_body_size_bytes`.
    pub extra_metrics: bool,
    /// Staleness markers also for series that carried their own timestamp.
    pub track_timestamps_staleness: bool,
    /// Ask for the protobuf format (`enable_protobuf_negotiation`), which
    /// carries native histograms.
    pub protobuf: bool,
    /// Also the classic series of a histogram that is native too.
    pub classic_histograms: bool,
    pub forward_to: Vec<MetricsReceiver>,
    pub client: fetch::Client,
}

fn settings(ctx: &Ctx, args: &Args) -> Result<Settings, Error> {
    let params: indexmap::IndexMap<String, Vec<String>> = args.get("params")?;
    let interval = args.get("scrape_interval")?;
    let timeout = args.get("scrape_timeout")?;
    if timeout > interval {
        let message = format!("{timeout:?} is longer than scrape_interval ({interval:?})");
        return Err(args.invalid("scrape_timeout", message).into());
    }
    Ok(Settings {
        job_name: args.opt::<String>("job_name")?.unwrap_or_else(|| ctx.id.clone()),
        interval,
        timeout,
        honor_labels: args.get("honor_labels")?,
        honor_timestamps: args.get("honor_timestamps")?,
        scheme: args.get("scheme")?,
        metrics_path: args.get("metrics_path")?,
        params: params.into_iter().collect(),
        sample_limit: args.get::<u64>("sample_limit")? as usize,
        body_size_limit: args.get::<u64>("body_size_limit")? as usize,
        target_limit: args.get::<u64>("target_limit")? as usize,
        label_limits: LabelLimits {
            count: args.get::<u64>("label_limit")? as usize,
            name_length: args.get::<u64>("label_name_length_limit")? as usize,
            value_length: args.get::<u64>("label_value_length_limit")? as usize,
        },
        extra_metrics: args.get("extra_metrics")?,
        track_timestamps_staleness: args.get("track_timestamps_staleness")?,
        protobuf: args.get("enable_protobuf_negotiation")?,
        classic_histograms: args.get("scrape_classic_histograms")?,
        forward_to: crate::forward_to(args)?,
        client: fetch::Client::from_args(args, timeout)?,
    })
}

/// What the component and all its loops share.
struct Shared {
    settings: RwLock<Arc<Settings>>,
    /// Set while there are more targets than `target_limit`: every scrape
    /// fails with it until there are fewer again.
    forced_error: Mutex<Option<ScrapeError>>,
    fanout: Fanout,
}

struct Scrape {
    ctx: Ctx,
    shared: Arc<Shared>,
    pool: Arc<Pool>,
}

/// `prometheus.scrape`.
pub const SCRAPE: Registration =
    Registration { name: "prometheus.scrape", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let shared = Shared {
        settings: RwLock::new(Arc::new(settings(&ctx, args)?)),
        forced_error: Mutex::default(),
        fanout: Fanout::new(&ctx),
    };
    let shared = Arc::new(shared);
    let pool = Pool::new(ctx.clone(), shared.clone());
    let component = Scrape { ctx: ctx.clone(), shared, pool };
    component.set_targets(args)?;
    ctx.export(Object::new());
    Ok(Arc::new(component))
}

impl Component for Scrape {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let new = settings(&self.ctx, args)?;
        *self.shared.settings.write() = Arc::new(new);
        self.set_targets(args)
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        let targets: Vec<serde_json::Value> = self
            .pool
            .statuses()
            .into_iter()
            .map(|s| {
                serde_json::json!({
                    "url": s.url, "labels": s.labels, "health": if s.up { "up" } else if s.last_scrape_ms == 0 { "unknown" } else { "down" },
                    "last_error": s.last_error, "last_scrape_ms": s.last_scrape_ms, "last_scrape_duration_seconds": s.duration.as_secs_f64(),
                })
            })
            .collect();
        Some(serde_json::json!({ "targets": targets }))
    }
}

impl Scrape {
    /// Starts loops for new targets and stops those of targets gone.
    fn set_targets(&self, args: &Args) -> Result<(), Error> {
        let (discovered, keys) = args.decode_with("targets", |value| {
            Ok((targets::from_value(value)?, clustering::keys(value)))
        })?;
        let clustered: bool = args.block_or_empty("clustering").get("enabled")?;
        let settings = self.shared.settings.read().clone();
        let defaults = Defaults {
            job_name: &settings.job_name,
            scheme: &settings.scheme,
            metrics_path: &settings.metrics_path,
            params: &settings.params,
        };
        let mut wanted = Vec::with_capacity(discovered.len());
        for (labels, key) in discovered.iter().zip(keys) {
            match target::populate(labels, &defaults) {
                Ok(target) => wanted.push((target, key)),
                Err(e) => tracing::warn!(err = %e, "target dropped"),
            }
        }
        self.pool.set(wanted, clustered);
        Ok(())
    }
}
