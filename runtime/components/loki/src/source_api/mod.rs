//! `loki.source.api`: Loki's push API as a server. `POST
//! /loki/api/v1/push` takes protobuf (snappy) or JSON (gzip-encoded or
//! not) pushes, `POST /loki/api/v1/raw` one entry per line, `GET
//! /loki/ready` answers when the server is up; `/api/v1/...` are the same
//! routes without the prefix, as in the reference. The bodies are
//! decoded in `decode.rs`.

mod decode;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use parking_lot::{Mutex, RwLock};
use river_analyzer::Object;
use tokio_util::sync::CancellationToken;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::http_server::{Listener, ServerSettings};
use river_runtime::labels::Labels;
use river_runtime::logs::{fan_out_waiting, Entry, LogsReceiver};
use river_runtime::metrics::{AtomicF64, Histogram, LATENCY_BUCKETS, SIZE_BUCKETS};
use river_runtime::relabel::{self, RelabelRules};

struct Settings {
    forward_to: Vec<LogsReceiver>,
    labels: Labels,
    rules: RelabelRules,
    use_incoming_timestamp: bool,
    read_timeout: Duration,
}

struct Receiver {
    live: river_runtime::live::LiveTap,
    settings: RwLock<Settings>,
    duration: Arc<Histogram>,
    request_bytes: Arc<Histogram>,
    response_bytes: Arc<Histogram>,
    connections: Arc<AtomicF64>,
}

/// The running server: its settings (its listener reads them), how long
/// it may finish requests on shutdown, and the token that stops it.
struct Server {
    settings: Arc<RwLock<ServerSettings>>,
    grace: Duration,
    stop: CancellationToken,
}

struct SourceApi {
    ctx: Ctx,
    inner: Arc<Receiver>,
    server: Mutex<Server>,
}

/// `loki.source.api`.
pub const SOURCE_API: Registration = Registration {
    name: "loki.source.api",
    build,
    without_effect: &[(
        "grpc",
        "the reference's server for this component registers no gRPC service: \
         pushes come over HTTP only, so the gRPC listener serves nothing",
    )],
};

fn settings(args: &Args, server: &ServerSettings) -> Result<Settings, Error> {
    let labels: indexmap::IndexMap<String, String> = args.get("labels")?;
    Ok(Settings {
        forward_to: crate::forward_to(args)?,
        labels: Labels::from_pairs(labels.iter().map(|(n, v)| (n.as_str(), v.as_str()))),
        rules: args.get("relabel_rules")?,
        use_incoming_timestamp: args.get("use_incoming_timestamp")?,
        read_timeout: server.read_timeout,
    })
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let server = ServerSettings::from_args(args)?;
    let grace: Duration = args.get("graceful_shutdown_timeout")?;
    let m = &ctx.metrics;
    let inner = Arc::new(Receiver {
        live: ctx.live(),
        settings: RwLock::new(settings(args, &server)?),
        duration: m.histogram(
            "loki_source_api_request_duration_seconds",
            "Time (in seconds) spent serving HTTP requests.",
            &LATENCY_BUCKETS,
        ),
        request_bytes: m.histogram(
            "loki_source_api_request_message_bytes",
            "Size (in bytes) of messages received in the request.",
            &SIZE_BUCKETS,
        ),
        response_bytes: m.histogram(
            "loki_source_api_response_message_bytes",
            "Size (in bytes) of messages sent in response.",
            &SIZE_BUCKETS,
        ),
        connections: m.gauge(
            "loki_source_api_tcp_connections",
            "Current number of accepted TCP connections.",
        ),
    });
    let server = serve(&ctx, &inner, server, grace)?;
    ctx.export(Object::new());
    Ok(Arc::new(SourceApi { ctx, inner, server: Mutex::new(server) }))
}

impl Component for SourceApi {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let new = ServerSettings::from_args(args)?;
        let grace: Duration = args.get("graceful_shutdown_timeout")?;
        let settings = settings(args, &new)?;
        let mut server = self.server.lock();
        let address = server.settings.read().address.clone();
        if address == new.address {
            // The same server: new connections get the new settings.
            *server.settings.write() = new;
            server.grace = grace;
        } else {
            let started = serve(&self.ctx, &self.inner, new, grace)?;
            server.stop.cancel();
            *server = started;
        }
        *self.inner.settings.write() = settings;
        Ok(())
    }
}

/// Binds now (so that a taken port is an error of the config) and serves
/// until the server's token or the component is cancelled; requests in
/// flight then get `grace` to finish.
fn serve(
    ctx: &Ctx,
    inner: &Arc<Receiver>,
    settings: ServerSettings,
    grace: Duration,
) -> Result<Server, Error> {
    let address = settings.address.clone();
    let cannot = |e: std::io::Error| {
        Error::setting("http/listen_address", format!("cannot listen on {address}: {e}"))
    };
    let listener = std::net::TcpListener::bind(&address).map_err(cannot)?;
    listener.set_nonblocking(true).map_err(cannot)?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(cannot)?;
    let settings = Arc::new(RwLock::new(settings));
    let listener = Listener::new(listener, settings.clone(), inner.connections.clone());
    let app = axum::Router::new()
        .route("/loki/api/v1/push", post(push))
        .route("/api/v1/push", post(push))
        .route("/loki/api/v1/raw", post(raw))
        .route("/api/v1/raw", post(raw))
        .route("/loki/ready", get(ready))
        .route("/ready", get(ready))
        .with_state(inner.clone());
    let stop = ctx.cancel.child_token();
    let until = stop.clone();
    let ctx2 = ctx.clone();
    ctx.spawn(async move {
        ctx2.set_health(HealthKind::Healthy, "listening");
        let served = axum::serve(listener, app).with_graceful_shutdown(until.clone().cancelled_owned());
        let bounded = async {
            until.cancelled().await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            served = served => if let Err(e) = served {
                ctx2.set_health(HealthKind::Unhealthy, format!("server failed: {e}"));
            },
            _ = bounded => tracing::warn!("requests still in flight after graceful_shutdown_timeout, dropped"),
        }
    });
    Ok(Server { settings, grace, stop })
}

async fn ready() -> &'static str {
    "ready"
}

async fn push(
    State(inner): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Body,
) -> (StatusCode, String) {
    let started = Instant::now();
    let decoded = match inner.read(body).await {
        Ok(body) => {
            decode::push(&headers, &body).map_err(|why| (StatusCode::BAD_REQUEST, why.to_string()))
        }
        Err(refusal) => Err(refusal),
    };
    let (status, text) = match decoded {
        Ok(entries) => {
            inner.forward(entries, true).await;
            (StatusCode::NO_CONTENT, String::new())
        }
        Err(refusal) => refusal,
    };
    inner.response_bytes.observe(text.len() as f64);
    inner.duration.observe(started.elapsed().as_secs_f64());
    (status, text)
}

async fn raw(State(inner): State<Arc<Receiver>>, body: Body) -> (StatusCode, String) {
    let started = Instant::now();
    let (status, text) = match inner.read(body).await {
        Ok(body) => {
            inner.forward(raw_entries(&inner, &body), false).await;
            (StatusCode::NO_CONTENT, String::new())
        }
        Err(refusal) => refusal,
    };
    inner.response_bytes.observe(text.len() as f64);
    inner.duration.observe(started.elapsed().as_secs_f64());
    (status, text)
}

/// One entry per non-empty line, with the component's labels and the
/// time received. Raw lines carry no labels of their own: the rules are
/// not applied, and there is no incoming timestamp (as in the reference).
fn raw_entries(inner: &Receiver, body: &[u8]) -> Vec<Entry> {
    let labels = inner.settings.read().labels.clone();
    let now = SystemTime::now();
    String::from_utf8_lossy(body)
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
        .map(|l| Entry::new(labels.clone(), now, l))
        .collect()
}

impl Receiver {
    /// The request's body, read within `server_read_timeout`.
    async fn read(&self, body: Body) -> Result<Bytes, (StatusCode, String)> {
        let timeout = self.settings.read().read_timeout;
        let read = tokio::time::timeout(timeout, axum::body::to_bytes(body, usize::MAX)).await;
        let body = match read {
            Ok(Ok(body)) => body,
            Ok(Err(e)) => {
                return Err((StatusCode::BAD_REQUEST, format!("cannot read the request: {e}")))
            }
            Err(_) => {
                return Err((
                    StatusCode::REQUEST_TIMEOUT,
                    "reading the request took too long".into(),
                ))
            }
        };
        self.request_bytes.observe(body.len() as f64);
        Ok(body)
    }

    /// Adds the component's labels, applies the rules, drops `__` labels
    /// and forwards, waiting while a receiver is full (the request is
    /// answered once its entries are taken, as in the reference).
    async fn forward(&self, mut entries: Vec<Entry>, process: bool) {
        let to = self.prepare(&mut entries, process);
        self.live.logs(&entries);
        fan_out_waiting(&to, &entries).await;
    }

    /// Processes the entries in place; returns where they go.
    fn prepare(&self, entries: &mut Vec<Entry>, process: bool) -> Vec<LogsReceiver> {
        let settings = self.settings.read();
        let now = SystemTime::now();
        if process {
            let mut last: Option<(Labels, Option<Labels>)> = None;
            entries.retain_mut(|entry| {
                // A stream's entries share their labels: relabel once.
                let result = match &last {
                    Some((input, result)) if *input == entry.labels => result.clone(),
                    _ => {
                        let result = stream_labels(&settings, &entry.labels);
                        last = Some((entry.labels.clone(), result.clone()));
                        result
                    }
                };
                let Some(labels) = result else { return false };
                entry.labels = labels;
                // The reference forwards the line alone: structured
                // metadata would make a Loki that disallows it refuse
                // the whole batch.
                entry.structured_metadata = Labels::new();
                if !settings.use_incoming_timestamp {
                    entry.timestamp = now;
                }
                true
            });
        }
        settings.forward_to.clone()
    }
}

fn stream_labels(settings: &Settings, incoming: &Labels) -> Option<Labels> {
    let mut labels = incoming.clone();
    for (name, value) in settings.labels.iter() {
        labels.set(name, value);
    }
    let mut labels = relabel::process(&labels, &settings.rules.0)?;
    labels.retain(|name| !name.starts_with("__"));
    (!labels.is_empty()).then_some(labels)
}
