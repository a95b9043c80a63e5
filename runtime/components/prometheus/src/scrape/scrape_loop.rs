//! A target's scrape loop: fetch at the interval (with the target's
//! offset), label the samples, check the limits, add the report series and
//! the staleness markers, and send everything on.

use river_runtime::traces::{AttrValue, Span, SpanKind, SpanStatus};
use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use river_runtime::labels::Draft;

use super::series_cache::{HashSet, SeriesCache};
use tokio_util::sync::CancellationToken;

use super::error::ScrapeError;
use super::fetch::Format;
use super::target::Target;
use super::{parse, protobuf, Settings, Shared, Status};
use river_runtime::component::Ctx;
use river_runtime::labels::Labels;
use river_runtime::series::{
    new_metadata_source, now_ms, stale_marker, Exemplar, Metadata, MetadataSource, Sample,
};

/// What a scrape loop carries from one scrape to the next.
struct Memory {
    /// The series of the last scrape, for staleness (and to share their
    /// label sets with the next).
    series: SeriesCache,
    /// The target's metric metadata as last read, and who this loop is to
    /// the receivers of it.
    metadata: Arc<[Metadata]>,
    source: MetadataSource,
}

/// A target's scrape loop.
pub(super) async fn run(
    ctx: Ctx,
    target: Target,
    shared: Arc<Shared>,
    stop: CancellationToken,
    status: Arc<Mutex<Status>>,
) {
    let interval = shared.settings.read().interval;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    target.hash(&mut hasher);
    let offset = Duration::from_nanos(hasher.finish() % interval.as_nanos().max(1) as u64);
    let mut next = Instant::now() + offset;
    let mut memory = Memory {
        series: SeriesCache::default(),
        metadata: Arc::from([]),
        source: new_metadata_source(),
    };
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep_until(next.into()) => {}
        }
        let current = shared.settings.read().clone();
        scrape_once(&ctx, &target, &shared, &current, &mut memory, &status).await;
        next += current.interval;
        let now = Instant::now();
        if next < now {
            next = now + current.interval;
        }
    }
    // The target went away (or the component stops): its series end now.
    let current = shared.settings.read().clone();
    let timestamp = now_ms();
    let stale: Vec<Sample> = memory
        .series
        .into_labels()
        .map(|labels| Sample::float(labels, timestamp, stale_marker()))
        .collect();
    shared.fanout.send(&current.forward_to, stale);
    shared.fanout.send_metadata(&current.forward_to, memory.source, &Arc::from([]));
}

/// What one fetch gave: samples, or why the scrape failed.
struct Fetched {
    samples: Result<Vec<Sample>, ScrapeError>,
    /// The body's size; -1 when it was over `body_size_limit`.
    body_size: f64,
    /// Series that carried their own timestamp (no staleness for them
    /// unless `track_timestamps_staleness`).
    timestamped: HashSet<Labels>,
    /// The metric families' metadata, when the body could be read.
    metadata: Option<Vec<Metadata>>,
}

impl Fetched {
    fn failed(error: ScrapeError, body_size: f64) -> Fetched {
        Fetched { samples: Err(error), body_size, timestamped: HashSet::default(), metadata: None }
    }
}

/// One scrape: samples, report series, staleness markers and metadata
/// sent on; `memory` keeps the series seen and the metadata for the next.
async fn scrape_once(
    ctx: &Ctx,
    target: &Target,
    shared: &Shared,
    settings: &Settings,
    memory: &mut Memory,
    status: &Mutex<Status>,
) {
    let timestamp = now_ms();
    let mut span = scrape_span(ctx, target);
    let started = Instant::now();
    let forced = shared.forced_error.lock().clone();
    let fetched = match forced {
        Some(error) => Fetched::failed(error, 0.0),
        None => fetch_samples(ctx, target, settings, timestamp, &memory.series).await,
    };
    let duration = started.elapsed();
    let (mut samples, error) = match fetched.samples {
        Ok(samples) => (samples, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let scraped = samples.len();
    span.set("samples", || AttrValue::Int(scraped as i64));
    span.set_status(match &error {
        None => SpanStatus::Ok,
        Some(e) => SpanStatus::Error(e.to_string()),
    });
    drop(span);
    // Series of the last scrape missing from this one end now (label sets
    // are shared, so the set costs a reference count per series).
    let (added, gone) = memory.series.update(&samples, &fetched.timestamped);
    samples.extend(gone.into_iter().map(|labels| Sample::float(labels, timestamp, stale_marker())));
    let up = error.is_none();
    let mut report = vec![
        ("up", if up { 1.0 } else { 0.0 }),
        ("scrape_duration_seconds", duration.as_secs_f64()),
        ("scrape_samples_scraped", scraped as f64),
        ("scrape_samples_post_metric_relabeling", scraped as f64),
        ("scrape_series_added", added as f64),
    ];
    if settings.extra_metrics {
        report.extend([
            ("scrape_timeout_seconds", settings.timeout.as_secs_f64()),
            ("scrape_sample_limit", settings.sample_limit as f64),
            (
                "scrape_body_size_bytes",
                if up { fetched.body_size } else { fetched.body_size.min(0.0) },
            ),
        ]);
    }
    for (name, value) in report {
        let mut labels = target.labels.clone();
        labels.set("__name__", name);
        samples.push(Sample::float(labels, timestamp, value));
    }
    shared.fanout.send(&settings.forward_to, samples);
    if let Some(metadata) = fetched.metadata.filter(|m| **m != *memory.metadata) {
        memory.metadata = Arc::from(metadata);
    }
    shared.fanout.send_metadata(&settings.forward_to, memory.source, &memory.metadata);
    let mut s = status.lock();
    s.up = up;
    s.last_error = error.map(|e| e.to_string()).unwrap_or_default();
    s.last_scrape_ms = timestamp;
    s.duration = duration;
}

/// The `scrape` span of flow's own traces: the component, and the
/// target's job and instance.
fn scrape_span(ctx: &Ctx, target: &Target) -> Span {
    let mut span = ctx.globals.traces.root("scrape", SpanKind::Client);
    let label = |name: &str| AttrValue::Str(target.labels.get(name).unwrap_or_default().to_owned());
    span.set("component_id", || AttrValue::Str(ctx.id.clone()));
    span.set("job", || label("job"));
    span.set("instance", || label("instance"));
    span
}

/// Fetches, parses and labels a target's samples and checks the limits.
async fn fetch_samples(
    ctx: &Ctx,
    target: &Target,
    settings: &Settings,
    timestamp: i64,
    previous: &SeriesCache,
) -> Fetched {
    let (body, format) = match settings.client.fetch(ctx, target, settings).await {
        Ok(fetched) => fetched,
        Err(e) => {
            let body_size = if matches!(e, ScrapeError::BodyTooLarge { .. }) { -1.0 } else { 0.0 };
            return Fetched::failed(e, body_size);
        }
    };
    let body_size = body.len() as f64;
    let own: Vec<(&str, &str)> = target.labels.iter().collect();
    let mut draft = Draft::default();
    let mut cursor = 0;
    // A series seen last time keeps the label set it had then, found
    // before a new one is made: the log's recent records, the next
    // scrape's staleness set and the senders all share one copy.
    let make = |pairs: &parse::Pairs| {
        series_labels(pairs, &own, settings.honor_labels, &mut draft);
        previous.labels(&draft, &mut cursor)
    };
    let mut metadata = Vec::new();
    let mut timestamped = HashSet::default();
    // Each sample made as it is read: no second vector of a million.
    let finish = |e: parse::Exposed| {
        let own = e.timestamp.filter(|_| settings.honor_timestamps);
        if own.is_some() && !settings.track_timestamps_staleness {
            timestamped.insert(e.labels.clone());
        }
        let timestamp = own.unwrap_or(timestamp);
        // An exemplar without a time of its own takes its sample's.
        let exemplar = e.exemplar.map(|exemplar| {
            let (labels, value, at) = *exemplar;
            Arc::new(Exemplar { labels, value, timestamp: at.unwrap_or(timestamp) })
        });
        Sample { labels: e.labels, timestamp, value: e.value, histogram: e.histogram, exemplar }
    };
    let samples = match format {
        Format::Protobuf => {
            protobuf::parse(&body, settings.classic_histograms, make, &mut metadata)
                .map(|exposed| exposed.into_iter().map(finish).collect())
        }
        Format::Text | Format::OpenMetrics => match String::from_utf8(body) {
            Ok(text) => {
                parse::parse(&text, format == Format::OpenMetrics, make, finish, &mut metadata)
            }
            Err(_) => Err(ScrapeError::Body("the response is not UTF-8".to_owned())),
        },
    };
    let samples = match samples {
        Ok(samples) => samples,
        Err(e) => return Fetched::failed(e, body_size),
    };
    let checked = check_limits(samples, settings);
    Fetched { samples: checked, body_size, timestamped, metadata: Some(metadata) }
}

fn check_limits(samples: Vec<Sample>, settings: &Settings) -> Result<Vec<Sample>, ScrapeError> {
    if settings.sample_limit > 0 && samples.len() > settings.sample_limit {
        return Err(ScrapeError::Limit(format!(
            "sample_limit exceeded: {} samples, the limit is {}",
            samples.len(),
            settings.sample_limit
        )));
    }
    settings.label_limits.check(&samples)?;
    Ok(samples)
}

/// A scraped sample's labels with the target's (`own`): on a clash the
/// target's value wins and the scraped one is kept as `exported_<name>`,
/// unless `honor_labels` keeps the scraped one. Made into `draft`, from
/// borrowed text.
fn series_labels(
    pairs: &parse::Pairs,
    own: &[(&str, &str)],
    honor_labels: bool,
    draft: &mut Draft,
) {
    let clashes = |name: &str| own.iter().any(|(n, _)| *n == name);
    let mut all: Vec<(Cow<str>, &str)> = Vec::with_capacity(pairs.len() + own.len());
    for (name, value) in pairs {
        if !honor_labels && clashes(name) {
            all.push((Cow::Owned(format!("exported_{name}")), value.as_ref()));
        } else {
            all.push((Cow::Borrowed(*name), value.as_ref()));
        }
    }
    for &(name, value) in own {
        if honor_labels && pairs.iter().any(|(n, _)| *n == name) {
            continue;
        }
        all.push((Cow::Borrowed(name), value));
    }
    draft.fill(&mut all);
}
