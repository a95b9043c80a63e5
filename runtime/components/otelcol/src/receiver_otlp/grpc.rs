//! OTLP/gRPC: the collector's trace, metrics and logs export services on
//! one tonic server. A message larger than `max_recv_msg_size` is refused
//! (`ResourceExhausted`), a malformed one is `Internal` as tonic reports
//! decoding errors, gzip requests are accepted. With a `tls` block it
//! speaks TLS; `keepalive` maps onto HTTP/2 pings and connection ages.
//! Requests go on as their bytes (`export_service`).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use parking_lot::RwLock;
use river_runtime::component::{Ctx, HealthKind};
use river_runtime::http_tls::{ServerListener, Stream};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxFuture;
use tonic::{Request, Response, Status};

use super::export_service::{Handle, Logs, Metrics, Server, Traces};
use super::GrpcSettings;
use crate::consumer::metadata::{self, Metadata};
use crate::consumer::{ConsumeError, Encoded, Fanout};
use crate::telemetry::ReceiverMetrics;

#[derive(Clone)]
struct Services {
    fanout: Fanout,
    include_metadata: bool,
    metrics: Arc<ReceiverMetrics>,
}

impl Handle for Services {
    fn export(&self, request: Request<Encoded>) -> BoxFuture<Response<()>, Status> {
        let this = self.clone();
        Box::pin(async move {
            this.consume(request).await?;
            Ok(Response::new(()))
        })
    }
}

impl Services {
    /// Hands the request's message on, with its metadata when kept.
    async fn consume(&self, request: Request<Encoded>) -> Result<(), Status> {
        let (headers, _, data) = request.into_parts();
        let (signal, items) = (data.signal(), data.items());
        let consumed = self.fanout.consume_encoded(data);
        let consumed = match self.include_metadata {
            true => {
                metadata::scope(Metadata::from_headers(&headers.into_headers()), consumed).await
            }
            false => consumed.await,
        };
        self.metrics.count(signal, items, consumed.is_ok());
        consumed.map_err(status)
    }
}

/// A connection as tonic takes it: plain or TLS, as the `http` block's
/// listener accepts them (the handshake in the connection's own time).
struct Conn(Stream);

impl tonic::transport::server::Connected for Conn {
    type ConnectInfo = ();
    fn connect_info(&self) {}
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

fn status(e: ConsumeError) -> Status {
    if e.permanent {
        Status::invalid_argument(e.message)
    } else {
        Status::unavailable(e.message)
    }
}

pub(super) fn serve(
    ctx: &Ctx,
    listener: tokio::net::TcpListener,
    settings: GrpcSettings,
    fanout: Fanout,
    stop: CancellationToken,
) {
    let metrics = Arc::new(ReceiverMetrics::new(&ctx.metrics, "grpc"));
    let services = Services { fanout, include_metadata: settings.include_metadata, metrics };
    // Answers go uncompressed, as the collector's: an export's answer is
    // a few bytes, and a gzip stream per answer cost a fifth of the CPU.
    let limit = settings.max_recv;
    let traces = Server::<Traces, _>::new(services.clone(), limit);
    let metrics = Server::<Metrics, _>::new(services.clone(), limit);
    let logs = Server::<Logs, _>::new(services, limit);
    let keepalive = &settings.keepalive;
    let mut server = tonic::transport::Server::builder()
        .max_concurrent_streams(settings.max_streams)
        .http2_keepalive_interval(Some(keepalive.time))
        .http2_keepalive_timeout(Some(keepalive.timeout));
    if let Some(age) = keepalive.max_age {
        server = server.max_connection_age(age);
    }
    if let Some(grace) = keepalive.grace {
        server = server.max_connection_age_grace(grace);
    }
    let router = server.add_service(traces).add_service(metrics).add_service(logs);
    let tls = Arc::new(RwLock::new(settings.tls.map(|t| t.acceptor)));
    let incoming = futures_util::stream::unfold(
        ServerListener::new(listener, tls),
        |mut listener| async move {
            let (stream, _) = axum::serve::Listener::accept(&mut listener).await;
            Some((Ok::<_, std::io::Error>(Conn(stream)), listener))
        },
    );
    let ctx2 = ctx.clone();
    ctx.spawn(async move {
        let served = router.serve_with_incoming_shutdown(incoming, stop.clone().cancelled_owned());
        tokio::select! {
            served = served => if let Err(e) = served {
                ctx2.set_health(HealthKind::Unhealthy, format!("gRPC server failed: {e}"));
            },
            _ = async { stop.cancelled().await; tokio::time::sleep(std::time::Duration::from_secs(5)).await } => {}
        }
    });
}
