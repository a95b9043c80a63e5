//! `prometheus.remote_write`: samples sent to its receiver go into a
//! write-ahead log under `--storage.path` first; one task per endpoint
//! delivers them from there (`queue.rs`), so an endpoint outage or a
//! restart loses nothing that reached the log.

mod active;
mod azuread;
mod endpoint;
mod metadata;
mod post;
mod queue;
mod retention;
mod sigv4;
mod wal;

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use river_analyzer::Object;
use tokio_util::sync::CancellationToken;

use active::ActiveSeries;
use endpoint::Endpoint;
use metadata::MetadataStore;
use retention::Retention;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::metrics::{AtomicF64, Kind};
use river_runtime::series::{Appender, Metadata, MetadataSource, MetricsReceiver, Sample};
use wal::{Position, Wal};

/// What the component and its endpoint tasks share.
pub struct Shared {
    pub wal: Wal,
    /// Each endpoint's delivered position: segments before the lowest are
    /// removed.
    pub positions: Mutex<HashMap<String, Position>>,
    /// What the scrape loops feeding the component said about their metric
    /// families, for the endpoints that send metadata.
    metadata: MetadataStore,
    retention: RwLock<Retention>,
    ctx: Ctx,
    samples_in: Arc<AtomicF64>,
    wal_appended: Arc<AtomicF64>,
    exemplars_appended: Arc<AtomicF64>,
    series: ActiveSeries,
}

pub struct EndpointMetrics {
    pub sent: Arc<AtomicF64>,
    pub exemplars: Arc<AtomicF64>,
    pub failed: Arc<AtomicF64>,
    pub retried: Arc<AtomicF64>,
    pub duration: Arc<AtomicF64>,
    pub highest_sent: Arc<AtomicF64>,
    pub traces: Arc<river_runtime::traces::Tracer>,
}

impl Shared {
    fn set_position(&self, name: &str, position: Position) {
        let mut positions = self.positions.lock();
        let before = positions.insert(name.to_owned(), position);
        drop(positions);
        // Segments can only have become removable when one was finished.
        if before.is_none_or(|b| b.segment != position.segment) {
            self.truncate();
        }
    }

    /// Removes what the `wal` block lets go (see `retention.rs`).
    fn truncate(&self) {
        let lowest = self.positions.lock().values().min().copied();
        // With no endpoint, nothing is ever delivered.
        let delivered = lowest.unwrap_or_default();
        let keep = self.retention.read().keep;
        match self.wal.truncate(delivered, &keep) {
            Ok(0) => {}
            Ok(dropped) => tracing::warn!(
                "removed {dropped} WAL segments not yet delivered: older than max_keepalive_time"
            ),
            Err(e) => {
                tracing::warn!(err = %e, "cannot remove old WAL segments")
            }
        }
    }

    /// One of an endpoint's metrics, labelled as the reference labels them.
    fn endpoint_metric(
        &self,
        endpoint: &Endpoint,
        kind: Kind,
        name: &str,
        help: &str,
    ) -> Arc<AtomicF64> {
        self.ctx
            .metrics
            .family(name, help, kind, &["remote_name", "url"])
            .with(&[&endpoint.name, &endpoint.url])
    }

    fn endpoint_metrics(&self, endpoint: &Endpoint) -> EndpointMetrics {
        let family =
            |name: &str, help: &str| self.endpoint_metric(endpoint, Kind::Counter, name, help);
        EndpointMetrics {
            sent: family(
                "prometheus_remote_storage_samples_total",
                "Samples sent to remote storage.",
            ),
            exemplars: family(
                "prometheus_remote_storage_exemplars_total",
                "Exemplars sent to remote storage.",
            ),
            failed: family(
                "prometheus_remote_storage_samples_failed_total",
                "Samples that failed to send and were dropped.",
            ),
            retried: family(
                "prometheus_remote_storage_samples_retried_total",
                "Samples whose sending failed and is retried.",
            ),
            duration: family(
                "prometheus_remote_storage_sent_batch_duration_seconds_sum",
                "Time spent sending batches.",
            ),
            highest_sent: self.endpoint_metric(
                endpoint,
                Kind::Gauge,
                "prometheus_remote_storage_queue_highest_sent_timestamp_seconds",
                "Newest timestamp sent successfully.",
            ),
            traces: self.ctx.globals.traces.clone(),
        }
    }
}

struct WalAppender(Arc<Shared>);

impl Appender for WalAppender {
    fn append(&self, samples: &[Sample]) {
        self.append_shared(&Arc::new(samples.to_vec()));
    }

    fn append_shared(&self, samples: &Arc<Vec<Sample>>) {
        match self.0.wal.append_shared(samples) {
            Ok(created) => {
                self.0.ctx.live_samples(samples);
                self.0.samples_in.add(samples.len() as f64);
                self.0.wal_appended.add(samples.len() as f64);
                let exemplars = samples.iter().filter(|s| s.exemplar.is_some()).count();
                self.0.exemplars_appended.add(exemplars as f64);
                self.0.series.written(created, self.0.wal.active_series());
            }
            Err(e) => {
                // Called from the sending component's code: name this one.
                tracing::error!(component_id = %self.0.ctx.id, err = %e, "cannot write to the WAL");
                self.0
                    .ctx
                    .set_health(HealthKind::Unhealthy, format!("cannot write to the WAL: {e}"));
            }
        }
    }

    fn update_metadata(&self, source: MetadataSource, metadata: &Arc<[Metadata]>) {
        self.0.metadata.update(source, metadata);
    }
}

struct RemoteWrite {
    shared: Arc<Shared>,
    /// One stop token per running endpoint task.
    senders: Mutex<Vec<(String, CancellationToken)>>,
}

fn settings(args: &Args) -> Result<(Vec<Endpoint>, Labels), Error> {
    Retention::from_args(args)?;
    let endpoints =
        args.blocks("endpoint").map(Endpoint::from_args).collect::<Result<Vec<_>, _>>()?;
    let external: indexmap::IndexMap<String, String> = args.get("external_labels")?;
    Ok((endpoints, Labels::from_pairs(external)))
}

/// `prometheus.remote_write`.
pub const REMOTE_WRITE: Registration = Registration {
    name: "prometheus.remote_write",
    build,
    without_effect: &[(
        "endpoint/queue_config/capacity",
        "the queue reads from the write-ahead log, so there is nothing to bound",
    )],
};

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let (endpoints, external) = settings(args)?;
    let wal = Wal::open(&ctx.data_dir.join("wal")).map_err(|e| {
        Error::file(ctx.data_dir.join("wal").display(), format!("cannot open the WAL: {e}"))
    })?;
    let shared = Arc::new(Shared {
        wal,
        positions: Mutex::default(),
        metadata: MetadataStore::default(),
        retention: RwLock::new(Retention::from_args(args)?),
        ctx: ctx.clone(),
        samples_in: ctx
            .metrics
            .counter("prometheus_remote_storage_samples_in_total", "Samples written to the WAL."),
        wal_appended: ctx
            .metrics
            .counter("agent_wal_samples_appended_total", "Samples appended to the WAL."),
        exemplars_appended: ctx
            .metrics
            .counter("agent_wal_exemplars_appended_total", "Exemplars appended to the WAL."),
        series: ActiveSeries::new(&ctx.metrics),
    });
    ctx.spawn(retention::run(shared.clone(), ctx.cancel.child_token()));
    let component = RemoteWrite { shared: shared.clone(), senders: Mutex::default() };
    component.start(endpoints, external);
    let receiver = MetricsReceiver(Arc::new(WalAppender(shared)));
    ctx.export(Object::from_iter([("receiver".to_owned(), receiver.to_value())]));
    Ok(Arc::new(component))
}

impl RemoteWrite {
    fn start(&self, endpoints: Vec<Endpoint>, external: Labels) {
        let mut senders = self.senders.lock();
        for (_, stop) in senders.drain(..) {
            stop.cancel();
        }
        let names: Vec<String> = endpoints.iter().map(|e| e.name.clone()).collect();
        self.shared.positions.lock().retain(|name, _| names.contains(name));
        for endpoint in endpoints {
            let stop = self.shared.ctx.cancel.child_token();
            senders.push((endpoint.name.clone(), stop.clone()));
            if let Some(settings) = endpoint.metadata.clone() {
                self.shared.ctx.spawn(metadata::run(
                    self.shared.clone(),
                    endpoint.clone(),
                    settings,
                    stop.clone(),
                ));
            }
            self.shared.ctx.spawn(queue::run(
                self.shared.clone(),
                endpoint,
                external.clone(),
                stop,
            ));
        }
    }
}

impl Component for RemoteWrite {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let (endpoints, external) = settings(args)?;
        *self.shared.retention.write() = Retention::from_args(args)?;
        self.start(endpoints, external);
        Ok(())
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        let senders = self.senders.lock();
        let end = self.shared.wal.end();
        let endpoints: Vec<serde_json::Value> = senders
            .iter()
            .map(|(name, _)| {
                let position = queue::position_of(&self.shared, name);
                serde_json::json!({
                    "name": name,
                    "delivered_up_to": position.map(|p| format!("segment {} offset {}", p.segment, p.offset)),
                    "caught_up": position == Some(end),
                })
            })
            .collect();
        Some(
            serde_json::json!({ "wal_end": format!("segment {} offset {}", end.segment, end.offset), "endpoints": endpoints }),
        )
    }
}
