//! `prometheus.receive_http`: an HTTP server taking Remote Write requests
//! at `/api/v1/metrics/write` and forwarding their samples.

use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use river_analyzer::Object;
use tokio_util::sync::CancellationToken;

use super::proto;
use crate::args::Args;
use crate::component::{Component, Ctx, HealthKind};
use crate::metrics::AtomicF64;
use crate::series::{fan_out, MetricsReceiver};

struct Receiver {
    forward_to: RwLock<Vec<MetricsReceiver>>,
    received: Arc<AtomicF64>,
}

struct ReceiveHttp {
    ctx: Ctx,
    inner: Arc<Receiver>,
    /// The address served now and the token that stops its server.
    server: Mutex<(String, CancellationToken)>,
}

/// `host:port` from the `http` block (every interface when no address).
fn address(args: &Args) -> Result<String, String> {
    let http = args.block("http").cloned().unwrap_or_default();
    let host: String = http.get_or("listen_address", String::new())?;
    let port: u64 = http.get_or("listen_port", 8080u64)?;
    let host = if host.is_empty() { "0.0.0.0".to_owned() } else { host };
    Ok(format!("{host}:{port}"))
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, String> {
    let inner = Arc::new(Receiver {
        forward_to: RwLock::new(super::forward_to(args)?),
        received: ctx.metrics.counter(
            "agent_prometheus_receive_http_samples_received_total",
            "Samples received over remote write.",
        ),
    });
    let address = address(args)?;
    let stop = serve(&ctx, &inner, &address)?;
    ctx.export(Object::new());
    Ok(Arc::new(ReceiveHttp { ctx, inner, server: Mutex::new((address, stop)) }))
}

impl Component for ReceiveHttp {
    fn update(&self, args: &Args) -> Result<(), String> {
        let address = address(args)?;
        let mut server = self.server.lock().expect("server lock");
        if server.0 != address {
            let stop = serve(&self.ctx, &self.inner, &address)?;
            server.1.cancel();
            *server = (address, stop);
        }
        *self.inner.forward_to.write().expect("forward lock") = super::forward_to(args)?;
        Ok(())
    }
}

/// Binds now (so that a taken port is an error of the config) and serves
/// until the returned token or the component is cancelled.
fn serve(ctx: &Ctx, inner: &Arc<Receiver>, address: &str) -> Result<CancellationToken, String> {
    let listener = std::net::TcpListener::bind(address)
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
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

async fn write(State(inner): State<Arc<Receiver>>, body: Bytes) -> (StatusCode, String) {
    match proto::decode(&body) {
        Ok(samples) => {
            inner.received.add(samples.len() as f64);
            let forward_to = inner.forward_to.read().expect("forward lock").clone();
            fan_out(&forward_to, &samples);
            (StatusCode::NO_CONTENT, String::new())
        }
        Err(message) => (StatusCode::BAD_REQUEST, message),
    }
}
