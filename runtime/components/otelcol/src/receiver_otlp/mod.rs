//! `otelcol.receiver.otlp`: OTLP over HTTP (protobuf and JSON, gzip or
//! deflate bodies) and over gRPC (the collector's three export services),
//! each when its block is present, as the reference. What arrives goes to
//! the `output` block's consumers of its signal; a refusal there is the
//! sender's error (HTTP 503, gRPC `Unavailable`; 400 and
//! `InvalidArgument` when it is permanent).

mod export_service;
mod grpc;
mod http;

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use tokio_util::sync::CancellationToken;

use crate::consumer::{parse_size, Fanout, Output};

/// `otelcol.receiver.otlp`.
pub const RECEIVER_OTLP: Registration = Registration {
    name: "otelcol.receiver.otlp",
    build,
    without_effect: &[
        (
            "grpc/read_buffer_size",
            "a tuning of Go's gRPC server; tonic sizes its own buffers, and what is received does not change",
        ),
        (
            "grpc/write_buffer_size",
            "a tuning of Go's gRPC server; tonic sizes its own buffers, and what is received does not change",
        ),
        (
            "debug_metrics",
            "the receiver's metrics here have no high-cardinality labels to turn on or off",
        ),
    ],
};

/// What the HTTP server does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HttpSettings {
    pub endpoint: String,
    pub tls: Option<Tls>,
    pub include_metadata: bool,
    pub max_body: usize,
    pub traces_path: String,
    pub metrics_path: String,
    pub logs_path: String,
}

/// What the gRPC server does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GrpcSettings {
    pub endpoint: String,
    pub tls: Option<Tls>,
    pub include_metadata: bool,
    pub max_recv: usize,
    pub max_streams: Option<u32>,
    pub keepalive: Keepalive,
}

/// The server's side of gRPC keepalive: pings to idle clients (`time`,
/// given up after `timeout`), and connections closed after `max_age`
/// with `grace` for what is in flight. `None`: no limit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Keepalive {
    pub time: Duration,
    pub timeout: Duration,
    pub max_age: Option<Duration>,
    pub grace: Option<Duration>,
}

fn keepalive(grpc: &Args) -> Result<Keepalive, Error> {
    let block = grpc.block_or_empty("keepalive");
    if block.block("enforcement_policy").is_some() {
        let why = "this build does not police how often clients ping (hyper has no such \
                   policy): clients are never cut off for pinging; remove the block";
        return Err(block.invalid("enforcement_policy", why).into());
    }
    let server = block.block_or_empty("server_parameters");
    let idle: Duration = server.get("max_connection_idle")?;
    if !idle.is_zero() {
        let why = "closing idle connections is not supported by this build (tonic has no such \
                   limit); max_connection_age bounds how long a connection lives";
        return Err(server.invalid("max_connection_idle", why).into());
    }
    let limit = |name: &str| -> Result<Option<Duration>, Error> {
        let value: Duration = server.get(name)?;
        Ok((!value.is_zero()).then_some(value))
    };
    Ok(Keepalive {
        time: server.get("time")?,
        timeout: server.get("timeout")?,
        max_age: limit("max_connection_age")?,
        grace: limit("max_connection_age_grace")?,
    })
}

#[derive(Debug, Clone, PartialEq)]
struct Settings {
    http: Option<HttpSettings>,
    grpc: Option<GrpcSettings>,
}

/// gRPC's own default for the largest message a server takes.
const GRPC_DEFAULT_MAX_RECV: usize = 4 << 20;

fn url_path(args: &Args, name: &str) -> Result<String, Error> {
    let path: String = args.get(name)?;
    Ok(if path.starts_with('/') { path } else { format!("/{path}") })
}

/// A server's TLS: the acceptor, and the block it was made from (to
/// tell whether a new config changes it; certificate files are read
/// again when they change, at each handshake).
#[derive(Clone)]
pub(crate) struct Tls {
    pub acceptor: river_runtime::http_tls::TlsAcceptor,
    block: river_analyzer::Value,
}

impl PartialEq for Tls {
    fn eq(&self, other: &Tls) -> bool {
        self.block == other.block
    }
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tls")
    }
}

fn tls(args: &Args) -> Result<Option<Tls>, Error> {
    let Some(block) = args.block("tls") else { return Ok(None) };
    let acceptor = river_runtime::http_tls::collector_acceptor(block)?;
    Ok(Some(Tls { acceptor, block: block.to_value() }))
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let http = match args.block("http") {
        None => None,
        Some(block) => {
            let cors = block.block_or_empty("cors");
            let origins: Vec<String> = cors.get("allowed_origins")?;
            let _: Vec<String> = cors.get("allowed_headers")?;
            let _: u64 = cors.get("max_age")?;
            if !origins.is_empty() {
                return Err(cors
                    .invalid("allowed_origins", "CORS is not supported by this build yet")
                    .into());
            }
            let size: String = block.get("max_request_body_size")?;
            let max_body =
                parse_size(&size).map_err(|e| block.invalid("max_request_body_size", e))?;
            Some(HttpSettings {
                endpoint: block.get("endpoint")?,
                tls: tls(block)?,
                include_metadata: block.get("include_metadata")?,
                max_body: max_body as usize,
                traces_path: url_path(block, "traces_url_path")?,
                metrics_path: url_path(block, "metrics_url_path")?,
                logs_path: url_path(block, "logs_url_path")?,
            })
        }
    };
    let grpc = match args.block("grpc") {
        None => None,
        Some(block) => {
            let transport: String = block.get("transport")?;
            if transport != "tcp" {
                return Err(block
                    .invalid(
                        "transport",
                        format!("only \"tcp\" is supported by this build, not {transport:?}"),
                    )
                    .into());
            }
            let size: String = block.get("max_recv_msg_size")?;
            let max_recv = match size.trim() {
                "" => GRPC_DEFAULT_MAX_RECV,
                text => {
                    parse_size(text).map_err(|e| block.invalid("max_recv_msg_size", e))? as usize
                }
            };
            let streams: u64 = block.get("max_concurrent_streams")?;
            Some(GrpcSettings {
                endpoint: block.get("endpoint")?,
                tls: tls(block)?,
                include_metadata: block.get("include_metadata")?,
                max_recv,
                max_streams: (streams > 0).then_some(streams.min(u32::MAX as u64) as u32),
                keepalive: keepalive(block)?,
            })
        }
    };
    Ok(Settings { http, grpc })
}

/// A bound listener, kept while the component runs so that a restart of
/// its server on the same address never loses the port.
struct Bound {
    endpoint: String,
    listener: std::net::TcpListener,
}

impl Bound {
    fn new(endpoint: &str, previous: Option<Bound>, setting: &str) -> Result<Bound, Error> {
        if let Some(previous) = previous.filter(|p| p.endpoint == endpoint) {
            return Ok(previous);
        }
        let cannot = |e: std::io::Error| {
            Error::setting(setting, format!("cannot listen on {endpoint}: {e}"))
        };
        let listener = std::net::TcpListener::bind(endpoint).map_err(cannot)?;
        listener.set_nonblocking(true).map_err(cannot)?;
        Ok(Bound { endpoint: endpoint.to_owned(), listener })
    }

    fn tokio(&self) -> std::io::Result<tokio::net::TcpListener> {
        tokio::net::TcpListener::from_std(self.listener.try_clone()?)
    }

    /// The address it listens on (the port chosen for port 0).
    pub fn local_addr(&self) -> Option<std::net::SocketAddr> {
        self.listener.local_addr().ok()
    }
}

struct Running {
    settings: Settings,
    http: Option<Bound>,
    grpc: Option<Bound>,
    stop: CancellationToken,
}

struct ReceiverOtlp {
    ctx: Ctx,
    fanout: Fanout,
    running: Mutex<Running>,
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = settings(args)?;
    let fanout = Fanout::watched(&ctx, Output::from_args(args)?);
    let running = start(&ctx, &fanout, settings, None, None)?;
    ctx.export(Object::new());
    ctx.set_health(HealthKind::Healthy, "listening");
    Ok(Arc::new(ReceiverOtlp { ctx, fanout, running: Mutex::new(running) }))
}

/// Binds (or keeps the listeners of the same endpoints) and serves until
/// the returned token or the component is cancelled.
fn start(
    ctx: &Ctx,
    fanout: &Fanout,
    settings: Settings,
    http: Option<Bound>,
    grpc: Option<Bound>,
) -> Result<Running, Error> {
    let http = match &settings.http {
        Some(s) => Some(Bound::new(&s.endpoint, http, "http/endpoint")?),
        None => None,
    };
    let grpc = match &settings.grpc {
        Some(s) => Some(Bound::new(&s.endpoint, grpc, "grpc/endpoint")?),
        None => None,
    };
    let stop = ctx.cancel.child_token();
    if let (Some(s), Some(bound)) = (&settings.http, &http) {
        let listener = bound.tokio().map_err(|e| Error::setting("http/endpoint", e.to_string()))?;
        http::serve(ctx, listener, s.clone(), fanout.clone(), stop.clone());
    }
    if let (Some(s), Some(bound)) = (&settings.grpc, &grpc) {
        let listener = bound.tokio().map_err(|e| Error::setting("grpc/endpoint", e.to_string()))?;
        grpc::serve(ctx, listener, s.clone(), fanout.clone(), stop.clone());
    }
    Ok(Running { settings, http, grpc, stop })
}

impl Component for ReceiverOtlp {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = settings(args)?;
        let output = Output::from_args(args)?;
        let mut running = self.running.lock();
        if running.settings != settings {
            let http = running.http.take();
            let grpc = running.grpc.take();
            let (keep_http, keep_grpc) = (
                http.as_ref().map(|b| b.listener.try_clone()),
                grpc.as_ref().map(|b| b.listener.try_clone()),
            );
            match start(&self.ctx, &self.fanout, settings, http, grpc) {
                Ok(started) => {
                    running.stop.cancel();
                    *running = started;
                }
                Err(e) => {
                    // Keep serving as before, with the listeners as they were.
                    let restore = |b: Option<std::io::Result<std::net::TcpListener>>,
                                   old: Option<String>| {
                        match (b, old) {
                            (Some(Ok(listener)), Some(endpoint)) => {
                                Some(Bound { endpoint, listener })
                            }
                            _ => None,
                        }
                    };
                    let old_http = running.settings.http.as_ref().map(|s| s.endpoint.clone());
                    let old_grpc = running.settings.grpc.as_ref().map(|s| s.endpoint.clone());
                    running.http = restore(keep_http, old_http);
                    running.grpc = restore(keep_grpc, old_grpc);
                    return Err(e);
                }
            }
        }
        self.fanout.set(output);
        Ok(())
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        let running = self.running.lock();
        let addr =
            |b: &Option<Bound>| b.as_ref().and_then(Bound::local_addr).map(|a| a.to_string());
        Some(serde_json::json!({
            "http_listening_on": addr(&running.http),
            "grpc_listening_on": addr(&running.grpc),
        }))
    }
}
