//! `prometheus.receive_http`: an HTTP server taking Remote Write requests
//! at `/api/v1/metrics/write` and forwarding their samples.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use parking_lot::{Mutex, RwLock};
use river_analyzer::Object;
use tokio_util::sync::CancellationToken;

use super::proto;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::http_server::{Listener, ServerSettings};
use river_runtime::metrics::{AtomicF64, Histogram, LATENCY_BUCKETS, SIZE_BUCKETS};
use river_runtime::series::{Fanout, MetricsReceiver};

struct Receiver {
    forward_to: RwLock<Vec<MetricsReceiver>>,
    /// Bounds reading a request's body (`server_read_timeout`).
    read_timeout: RwLock<std::time::Duration>,
    received: Arc<AtomicF64>,
    duration: Arc<Histogram>,
    request_bytes: Arc<Histogram>,
    response_bytes: Arc<Histogram>,
    connections: Arc<AtomicF64>,
    fanout: Fanout,
}

struct ReceiveHttp {
    ctx: Ctx,
    inner: Arc<Receiver>,
    /// The server's settings (its listener reads them) and the token that
    /// stops it.
    server: Mutex<(Arc<RwLock<ServerSettings>>, CancellationToken)>,
}

/// `prometheus.receive_http`.
pub const RECEIVE_HTTP: Registration =
    Registration { name: "prometheus.receive_http", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = ServerSettings::from_args(args)?;
    let m = &ctx.metrics;
    let inner = Arc::new(Receiver {
        forward_to: RwLock::new(super::forward_to(args)?),
        read_timeout: RwLock::new(settings.read_timeout),
        received: m.counter(
            "agent_prometheus_receive_http_samples_received_total",
            "Samples received over remote write.",
        ),
        duration: m.histogram(
            "prometheus_receive_http_request_duration_seconds",
            "Seconds spent serving write requests.",
            &LATENCY_BUCKETS,
        ),
        request_bytes: m.histogram(
            "prometheus_receive_http_request_message_bytes",
            "Sizes in bytes of the write requests' bodies.",
            &SIZE_BUCKETS,
        ),
        response_bytes: m.histogram(
            "prometheus_receive_http_response_message_bytes",
            "Sizes in bytes of the responses' bodies.",
            &SIZE_BUCKETS,
        ),
        connections: m.gauge(
            "prometheus_receive_http_tcp_connections",
            "TCP connections open to this component's server.",
        ),
        fanout: Fanout::new(&ctx),
    });
    let settings = Arc::new(RwLock::new(settings));
    let stop = serve(&ctx, &inner, &settings)?;
    ctx.export(Object::new());
    Ok(Arc::new(ReceiveHttp { ctx, inner, server: Mutex::new((settings, stop)) }))
}

impl Component for ReceiveHttp {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = ServerSettings::from_args(args)?;
        let mut server = self.server.lock();
        *self.inner.read_timeout.write() = settings.read_timeout;
        let address = server.0.read().address.clone();
        if address == settings.address {
            // The same server: new connections get the new settings.
            *server.0.write() = settings;
        } else {
            let settings = Arc::new(RwLock::new(settings));
            let stop = serve(&self.ctx, &self.inner, &settings)?;
            server.1.cancel();
            *server = (settings, stop);
        }
        *self.inner.forward_to.write() = super::forward_to(args)?;
        Ok(())
    }
}

/// Binds now (so that a taken port is an error of the config) and serves
/// until the returned token or the component is cancelled.
fn serve(
    ctx: &Ctx,
    inner: &Arc<Receiver>,
    settings: &Arc<RwLock<ServerSettings>>,
) -> Result<CancellationToken, Error> {
    let address = settings.read().address.clone();
    let cannot = |e: std::io::Error| {
        Error::setting("http/listen_address", format!("cannot listen on {address}: {e}"))
    };
    let listener = std::net::TcpListener::bind(&address).map_err(cannot)?;
    listener.set_nonblocking(true).map_err(cannot)?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(cannot)?;
    let listener = Listener::new(listener, settings.clone(), inner.connections.clone());
    let app =
        axum::Router::new().route("/api/v1/metrics/write", post(write)).with_state(inner.clone());
    let stop = ctx.cancel.child_token();
    let until = stop.clone();
    let ctx2 = ctx.clone();
    ctx.spawn(async move {
        ctx2.set_health(HealthKind::Healthy, "listening");
        let served =
            axum::serve(listener, app).with_graceful_shutdown(until.cancelled_owned()).await;
        if let Err(e) = served {
            ctx2.set_health(HealthKind::Unhealthy, format!("server failed: {e}"));
        }
    });
    Ok(stop)
}

async fn write(State(inner): State<Arc<Receiver>>, body: Body) -> (StatusCode, String) {
    let started = Instant::now();
    let (status, text) = receive(&inner, body).await;
    inner.response_bytes.observe(text.len() as f64);
    inner.duration.observe(started.elapsed().as_secs_f64());
    (status, text)
}

async fn receive(inner: &Receiver, body: Body) -> (StatusCode, String) {
    let timeout = *inner.read_timeout.read();
    let body = match tokio::time::timeout(timeout, axum::body::to_bytes(body, usize::MAX)).await {
        Ok(Ok(body)) => body,
        Ok(Err(e)) => return (StatusCode::BAD_REQUEST, format!("cannot read the request: {e}")),
        Err(_) => return (StatusCode::REQUEST_TIMEOUT, "reading the request took too long".into()),
    };
    inner.request_bytes.observe(body.len() as f64);
    match proto::decode(&body) {
        Ok(samples) => {
            inner.received.add(samples.len() as f64);
            let forward_to = inner.forward_to.read().clone();
            inner.fanout.send(&forward_to, samples);
            (StatusCode::NO_CONTENT, String::new())
        }
        Err(error) => (StatusCode::BAD_REQUEST, error.to_string()),
    }
}
