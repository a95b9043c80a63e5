//! `otelcol.connector.servicegraph`: pairs the client (or producer) and
//! server (or consumer) spans of each request (traces in) and counts the
//! edges between services (metrics out), as the collector's servicegraph
//! connector (after Tempo's): `traces_service_graph_request_total`,
//! `..._request_failed_total`, `..._request_server_seconds` and
//! `..._request_client_seconds`, labelled `client`, `server`,
//! `connection_type` and the `dimensions` (prefixed `client_`/`server_`,
//! from the resource, else the span).

mod graph;
mod store;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::{span::SpanKind, Span};
use parking_lot::Mutex;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;

use crate::attributes::{as_string, get, text};
use crate::consumer::{
    BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Fanout, Output, Signal, Signals,
};
use graph::Graph;
use store::{Connection, Edge, Store};

/// `otelcol.connector.servicegraph`.
pub const CONNECTOR_SERVICEGRAPH: Registration =
    Registration { name: "otelcol.connector.servicegraph", build, without_effect: &[] };

#[derive(Debug, Clone, PartialEq)]
struct Settings {
    bounds: Vec<f64>,
    dimensions: Vec<String>,
    cache_loop: Duration,
    expiration_loop: Duration,
    flush_interval: Duration,
    ttl: Duration,
    max_items: usize,
}

impl Settings {
    fn from_args(args: &Args) -> Result<Settings, Error> {
        let buckets: Vec<Duration> = args.get("latency_histogram_buckets")?;
        let store = args.block_or_empty("store");
        let positive = |args: &Args, name: &str| -> Result<Duration, Error> {
            let value: Duration = args.get(name)?;
            match value.is_zero() {
                true => Err(args.invalid(name, "must be greater than 0").into()),
                false => Ok(value),
            }
        };
        Ok(Settings {
            bounds: buckets.iter().map(Duration::as_secs_f64).collect(),
            dimensions: args.get("dimensions")?,
            cache_loop: positive(args, "cache_loop")?,
            expiration_loop: positive(args, "store_expiration_loop")?,
            flush_interval: args.get("metrics_flush_interval")?,
            ttl: positive(&store, "ttl")?,
            max_items: store.get::<u64>("max_items")? as usize,
        })
    }
}

fn now_nanos() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

struct State {
    settings: Settings,
    store: Store,
    graph: Graph,
}

struct Shared {
    state: Mutex<State>,
    fanout: Fanout,
    dropped: AtomicU64,
    unpaired: AtomicU64,
}

fn seconds(span: &Span) -> f64 {
    Duration::from_nanos(span.end_time_unix_nano.saturating_sub(span.start_time_unix_nano))
        .as_secs_f64()
}

/// `prefix_<dim>` for each dimension found (the resource's first).
fn dimensions(names: &[String], prefix: &str, sources: [&[KeyValue]; 2], out: &mut Vec<KeyValue>) {
    for name in names {
        if let Some(value) = sources.iter().find_map(|attrs| get(attrs, name)) {
            let key = format!("{prefix}_{name}");
            out.retain(|kv| kv.key != key);
            out.push(text(&key, &as_string(Some(value))));
        }
    }
}

impl State {
    /// Puts a span into its edge; the edges it completes.
    fn add(
        &mut self,
        service: &str,
        resource: &[KeyValue],
        span: &Span,
    ) -> Result<Option<Edge>, store::Full> {
        let kind = SpanKind::try_from(span.kind).unwrap_or(SpanKind::Unspecified);
        let failed = span.status.as_ref().is_some_and(|s| s.code == 2);
        let dims = self.settings.dimensions.clone();
        let attrs = [resource, span.attributes.as_slice()];
        let (side_key, client) = match kind {
            SpanKind::Client | SpanKind::Producer => (span.span_id.as_slice(), true),
            SpanKind::Server | SpanKind::Consumer => (span.parent_span_id.as_slice(), false),
            _ => return Ok(None),
        };
        let connection = match kind {
            SpanKind::Producer | SpanKind::Consumer => Connection::MessagingSystem,
            _ => Connection::Direct,
        };
        let key = [span.trace_id.as_slice(), side_key].concat();
        let database = client.then(|| attrs.iter().find_map(|a| get(a, "db.name"))).flatten();
        self.store.upsert(key, |edge| {
            edge.connection = connection;
            edge.failed |= failed;
            if client {
                (edge.client, edge.client_seconds) = (Some(service.to_owned()), seconds(span));
                dimensions(&dims, "client", attrs, &mut edge.dimensions);
            } else {
                (edge.server, edge.server_seconds) = (Some(service.to_owned()), seconds(span));
                dimensions(&dims, "server", attrs, &mut edge.dimensions);
            }
            // A database answers with no span of its own: the client's
            // span is the whole request.
            if let Some(name) = database {
                edge.connection = Connection::Database;
                (edge.server, edge.server_seconds) = (Some(as_string(Some(name))), seconds(span));
            }
        })
    }
}

struct Input(Arc<Shared>);

impl Consumer for Input {
    fn signals(&self) -> Signals {
        Signals { traces: true, metrics: false, logs: false }
    }

    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        Box::pin(async move {
            let Data::Traces(request) = &data else { return Ok(()) };
            let flush_now = {
                let mut state = self.0.state.lock();
                for rs in &request.resource_spans {
                    let resource =
                        rs.resource.as_ref().map(|r| r.attributes.as_slice()).unwrap_or_default();
                    // As the collector: a resource without a service is skipped.
                    let Some(service) = get(resource, "service.name").map(|v| as_string(Some(v)))
                    else {
                        continue;
                    };
                    for span in rs.scope_spans.iter().flat_map(|s| &s.spans) {
                        match state.add(&service, resource, span) {
                            Ok(Some(edge)) => state.graph.record(&edge),
                            Ok(None) => {}
                            Err(store::Full) => _ = self.0.dropped.fetch_add(1, Ordering::Relaxed),
                        }
                    }
                }
                state
                    .settings
                    .flush_interval
                    .is_zero()
                    .then(|| state.graph.metrics(now_nanos()))
                    .flatten()
            };
            if let Some(metrics) = flush_now {
                self.0.fanout.consume(Data::Metrics(metrics)).await?;
            }
            Ok(())
        })
    }
}

struct ServiceGraph(Arc<Shared>);

fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = Settings::from_args(args)?;
    let state = State {
        store: Store::new(settings.ttl, settings.max_items),
        graph: Graph::new(settings.bounds.clone(), now_nanos()),
        settings,
    };
    let shared = Arc::new(Shared {
        state: Mutex::new(state),
        fanout: Fanout::watched(&ctx, Output::with_signals(args, &[Signal::Metrics])?),
        dropped: AtomicU64::new(0),
        unpaired: AtomicU64::new(0),
    });
    let input = ConsumerHandle(Arc::new(Input(shared.clone())));
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    ctx.spawn(run(ctx.clone(), shared.clone()));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(ServiceGraph(shared)))
}

/// The store's expiry, the forgetting of idle series and, with a flush
/// interval, the flushes; each on its own period, checked every 100 ms.
async fn run(ctx: Ctx, shared: Arc<Shared>) {
    let (mut expired, mut cleaned, mut flushed) =
        (tokio::time::Instant::now(), tokio::time::Instant::now(), tokio::time::Instant::now());
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            _ = ctx.cancel.cancelled() => return,
        }
        let metrics = {
            let mut state = shared.state.lock();
            let settings = state.settings.clone();
            if expired.elapsed() >= settings.expiration_loop {
                let gone = state.store.expire();
                shared.unpaired.fetch_add(gone as u64, Ordering::Relaxed);
                expired = tokio::time::Instant::now();
            }
            if cleaned.elapsed() >= settings.cache_loop {
                state.graph.forget_idle(settings.cache_loop);
                cleaned = tokio::time::Instant::now();
            }
            let due =
                !settings.flush_interval.is_zero() && flushed.elapsed() >= settings.flush_interval;
            due.then(|| {
                flushed = tokio::time::Instant::now();
                state.graph.metrics(now_nanos())
            })
            .flatten()
        };
        if let Some(metrics) = metrics {
            if let Err(e) = shared.fanout.consume(Data::Metrics(metrics)).await {
                ctx.set_health(HealthKind::Unhealthy, format!("metrics refused: {e}"));
            }
        }
    }
}

impl Component for ServiceGraph {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = Settings::from_args(args)?;
        self.0.fanout.set(Output::with_signals(args, &[Signal::Metrics])?);
        let mut state = self.0.state.lock();
        if state.settings != settings {
            // New buckets or dimensions make new series: start afresh.
            *state = State {
                store: Store::new(settings.ttl, settings.max_items),
                graph: Graph::new(settings.bounds.clone(), now_nanos()),
                settings,
            };
        }
        Ok(())
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        let state = self.0.state.lock();
        Some(serde_json::json!({
            "waiting_edges": state.store.len(),
            "series": state.graph.len(),
            "dropped_spans": self.0.dropped.load(Ordering::Relaxed),
            "unpaired_edges": self.0.unpaired.load(Ordering::Relaxed),
        }))
    }
}

#[cfg(test)]
mod tests;
