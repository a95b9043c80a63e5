//! `prometheus.scrape`: one loop per target, at the scrape interval with a
//! per-target offset; each scrape's samples get the target's labels, the
//! `up` and `scrape_*` series are added, and series that disappear (or a
//! whole target that goes away or down) get staleness markers. A target
//! kept across an update keeps its loop and its state; targets at the
//! memory address are served in process.

mod error;
mod fetch;
mod limits;
mod parse;
mod protobuf;
mod scrape_loop;
mod target;

use std::collections::HashMap;

use parking_lot::{Mutex, RwLock};
use rustc_hash::FxHashSet as HashSet;
use std::sync::Arc;
use std::time::Duration;

use river_analyzer::Object;
use tokio_util::sync::CancellationToken;

use error::ScrapeError;
use limits::LabelLimits;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::metrics::AtomicF64;
use river_runtime::series::{Fanout, MetricsReceiver};
use river_runtime::targets;
use target::{Defaults, Target};

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

/// What the API shows of a target.
#[derive(Debug, Clone, Default)]
struct Status {
    url: String,
    labels: String,
    up: bool,
    last_error: String,
    last_scrape_ms: i64,
    duration: Duration,
}

/// A running scrape loop: what stops it, and what it last saw.
type Loop = (CancellationToken, Arc<Mutex<Status>>);

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
    loops: Mutex<HashMap<Target, Loop>>,
    targets_gauge: Arc<AtomicF64>,
}

/// `prometheus.scrape`.
pub const SCRAPE: Registration = Registration {
    name: "prometheus.scrape",
    build,
    without_effect: &[(
        "clustering",
        "flow run is never part of a cluster, and a node alone scrapes every target",
    )],
};

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let shared = Shared {
        settings: RwLock::new(Arc::new(settings(&ctx, args)?)),
        forced_error: Mutex::default(),
        fanout: Fanout::new(&ctx),
    };
    let component = Scrape {
        ctx: ctx.clone(),
        shared: Arc::new(shared),
        loops: Mutex::default(),
        targets_gauge: ctx
            .metrics
            .gauge("agent_prometheus_scrape_targets_gauge", "Targets this component scrapes."),
    };
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
        let loops = self.loops.lock();
        let targets: Vec<serde_json::Value> = loops
            .values()
            .map(|(_, status)| {
                let s = status.lock();
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
        let discovered = args.decode_with("targets", targets::from_value)?;
        let settings = self.shared.settings.read().clone();
        let defaults = Defaults {
            job_name: &settings.job_name,
            scheme: &settings.scheme,
            metrics_path: &settings.metrics_path,
            params: &settings.params,
        };
        let mut wanted = HashSet::default();
        for labels in &discovered {
            match target::populate(labels, &defaults) {
                Ok(target) => {
                    wanted.insert(target);
                }
                Err(e) => tracing::warn!(err = %e, "target dropped"),
            }
        }
        *self.shared.forced_error.lock() =
            (settings.target_limit > 0 && wanted.len() > settings.target_limit).then(|| {
                ScrapeError::Limit(format!(
                    "target_limit exceeded: {} targets, the limit is {}",
                    wanted.len(),
                    settings.target_limit
                ))
            });
        let mut loops = self.loops.lock();
        loops.retain(|target, (stop, _)| {
            let keep = wanted.contains(target);
            if !keep {
                stop.cancel();
            }
            keep
        });
        for target in wanted {
            if loops.contains_key(&target) {
                continue;
            }
            let stop = self.ctx.cancel.child_token();
            let status = Arc::new(Mutex::new(Status {
                url: target.url(),
                labels: target.labels.to_string(),
                ..Status::default()
            }));
            let task = scrape_loop::run(
                self.ctx.clone(),
                target.clone(),
                self.shared.clone(),
                stop.clone(),
                status.clone(),
            );
            self.ctx.spawn(task);
            loops.insert(target, (stop, status));
        }
        self.targets_gauge.set(loops.len() as f64);
        self.ctx.set_health(HealthKind::Healthy, format!("{} targets", loops.len()));
        Ok(())
    }
}
