//! `prometheus.scrape`: one loop per target, at the scrape interval with a
//! per-target offset; each scrape's samples get the target's labels, the
//! `up` and `scrape_*` series are added, and series that disappear (or a
//! whole target that goes away or down) get staleness markers. A target
//! kept across an update keeps its loop and its state; targets at the
//! memory address are served in process.

mod fetch;
mod parse;
mod target;

use std::borrow::Cow;
use std::collections::HashMap;

use rustc_hash::FxHashSet as HashSet;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use river_analyzer::Object;
use tokio_util::sync::CancellationToken;

use crate::args::Args;
use crate::component::{Component, Ctx, HealthKind};
use crate::components::targets;
use crate::labels::Labels;
use crate::series::{fan_out, now_ms, stale_marker, MetricsReceiver, Sample};
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
    pub forward_to: Vec<MetricsReceiver>,
    pub client: fetch::Client,
}

fn settings(ctx: &Ctx, args: &Args) -> Result<Settings, String> {
    let params: indexmap::IndexMap<String, Vec<String>> =
        args.get_or("params", Default::default())?;
    let interval = args.get_or("scrape_interval", Duration::from_secs(60))?;
    let timeout = args.get_or("scrape_timeout", Duration::from_secs(10))?;
    if timeout > interval {
        return Err(format!(
            "scrape_timeout ({timeout:?}) is longer than scrape_interval ({interval:?})"
        ));
    }
    Ok(Settings {
        job_name: args.get::<String>("job_name")?.unwrap_or_else(|| ctx.id.clone()),
        interval,
        timeout,
        honor_labels: args.get_or("honor_labels", false)?,
        honor_timestamps: args.get_or("honor_timestamps", true)?,
        scheme: args.get_or("scheme", "http".to_owned())?,
        metrics_path: args.get_or("metrics_path", "/metrics".to_owned())?,
        params: params.into_iter().collect(),
        sample_limit: args.get_or("sample_limit", 0u64)? as usize,
        body_size_limit: args.get_or("body_size_limit", 0u64)? as usize,
        forward_to: crate::components::prometheus::forward_to(args)?,
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

struct Scrape {
    ctx: Ctx,
    settings: Arc<RwLock<Arc<Settings>>>,
    loops: Mutex<HashMap<Target, Loop>>,
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, String> {
    let component = Scrape {
        ctx: ctx.clone(),
        settings: Arc::new(RwLock::new(Arc::new(settings(&ctx, args)?))),
        loops: Mutex::default(),
    };
    component.set_targets(args)?;
    ctx.export(Object::new());
    Ok(Arc::new(component))
}

impl Component for Scrape {
    fn update(&self, args: &Args) -> Result<(), String> {
        let new = settings(&self.ctx, args)?;
        *self.settings.write().expect("settings lock") = Arc::new(new);
        self.set_targets(args)
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        let loops = self.loops.lock().expect("loops lock");
        let targets: Vec<serde_json::Value> = loops
            .values()
            .map(|(_, status)| {
                let s = status.lock().expect("status lock");
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
    fn set_targets(&self, args: &Args) -> Result<(), String> {
        let discovered =
            targets::from_value(args.value("targets").unwrap_or(&river_analyzer::Value::Null))?;
        let settings = self.settings.read().expect("settings lock").clone();
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
                Err(e) => tracing::warn!(component = %self.ctx.id, "target dropped: {e}"),
            }
        }
        let mut loops = self.loops.lock().expect("loops lock");
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
            let task = run(
                self.ctx.clone(),
                target.clone(),
                self.settings.clone(),
                stop.clone(),
                status.clone(),
            );
            self.ctx.spawn(task);
            loops.insert(target, (stop, status));
        }
        self.ctx.set_health(HealthKind::Healthy, format!("{} targets", loops.len()));
        Ok(())
    }
}

/// A target's scrape loop.
async fn run(
    ctx: Ctx,
    target: Target,
    settings: Arc<RwLock<Arc<Settings>>>,
    stop: CancellationToken,
    status: Arc<Mutex<Status>>,
) {
    let interval = settings.read().expect("settings lock").interval;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    target.hash(&mut hasher);
    let offset = Duration::from_nanos(hasher.finish() % interval.as_nanos().max(1) as u64);
    let mut next = Instant::now() + offset;
    let mut previous: HashSet<Labels> = HashSet::default();
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep_until(next.into()) => {}
        }
        let current = settings.read().expect("settings lock").clone();
        previous = scrape_once(&ctx, &target, &current, previous, &status).await;
        next += current.interval;
        let now = Instant::now();
        if next < now {
            next = now + current.interval;
        }
    }
    // The target went away (or the component stops): its series end now.
    let current = settings.read().expect("settings lock").clone();
    let timestamp = now_ms();
    let stale: Vec<Sample> = previous
        .into_iter()
        .map(|labels| Sample { labels, timestamp, value: stale_marker() })
        .collect();
    fan_out(&current.forward_to, &stale);
}

/// One scrape: samples, report series and staleness markers sent on.
/// Returns the series seen, for the next scrape's staleness.
async fn scrape_once(
    ctx: &Ctx,
    target: &Target,
    settings: &Settings,
    previous: HashSet<Labels>,
    status: &Mutex<Status>,
) -> HashSet<Labels> {
    let timestamp = now_ms();
    let started = Instant::now();
    let result =
        settings.client.fetch(ctx, target, settings).await.and_then(|(body, openmetrics)| {
            let make =
                |pairs: &parse::Pairs| series_labels(pairs, &target.labels, settings.honor_labels);
            let exposed = parse::parse(&body, openmetrics, make)?;
            if settings.sample_limit > 0 && exposed.len() > settings.sample_limit {
                return Err(format!(
                    "sample_limit exceeded: {} samples, the limit is {}",
                    exposed.len(),
                    settings.sample_limit
                ));
            }
            Ok(exposed)
        });
    let duration = started.elapsed();
    let (mut samples, error) = match result {
        Ok(exposed) => (
            exposed.into_iter().map(|e| with_timestamp(e, settings, timestamp)).collect::<Vec<_>>(),
            None,
        ),
        Err(e) => (Vec::new(), Some(e)),
    };
    let scraped = samples.len();
    // Series of the last scrape missing from this one end now (label sets
    // are shared, so the set costs a reference count per series).
    let current: HashSet<Labels> = samples.iter().map(|s| s.labels.clone()).collect();
    let added = current.iter().filter(|l| !previous.contains(*l)).count();
    let gone: Vec<Labels> = previous.into_iter().filter(|l| !current.contains(l)).collect();
    samples.extend(gone.into_iter().map(|labels| Sample {
        labels,
        timestamp,
        value: stale_marker(),
    }));
    let up = error.is_none();
    for (name, value) in [
        ("up", if up { 1.0 } else { 0.0 }),
        ("scrape_duration_seconds", duration.as_secs_f64()),
        ("scrape_samples_scraped", scraped as f64),
        ("scrape_samples_post_metric_relabeling", scraped as f64),
        ("scrape_series_added", added as f64),
    ] {
        let mut labels = target.labels.clone();
        labels.set("__name__", name);
        samples.push(Sample { labels, timestamp, value });
    }
    fan_out(&settings.forward_to, &samples);
    let mut s = status.lock().expect("status lock");
    s.up = up;
    s.last_error = error.unwrap_or_default();
    s.last_scrape_ms = timestamp;
    s.duration = duration;
    current
}

/// A scraped sample's labels with the target's: on a clash the target's
/// value wins and the scraped one is kept as `exported_<name>`, unless
/// `honor_labels` keeps the scraped one. Built once, from borrowed text.
fn series_labels(pairs: &parse::Pairs, target: &Labels, honor_labels: bool) -> Labels {
    let mut all: Vec<(Cow<str>, &str)> = Vec::with_capacity(pairs.len() + 4);
    for (name, value) in pairs {
        if !honor_labels && target.get(name).is_some() {
            all.push((Cow::Owned(format!("exported_{name}")), value.as_ref()));
        } else {
            all.push((Cow::Borrowed(*name), value.as_ref()));
        }
    }
    for (name, value) in target.iter() {
        if honor_labels && pairs.iter().any(|(n, _)| *n == name) {
            continue;
        }
        all.push((Cow::Borrowed(name), value));
    }
    Labels::from_pairs(all)
}

/// The sample's own timestamp when `honor_timestamps` and it has one, else
/// the scrape's.
fn with_timestamp(exposed: parse::Exposed, settings: &Settings, scrape_time: i64) -> Sample {
    let timestamp = match exposed.timestamp {
        Some(ts) if settings.honor_timestamps => ts,
        _ => scrape_time,
    };
    Sample { labels: exposed.labels, timestamp, value: exposed.value }
}
