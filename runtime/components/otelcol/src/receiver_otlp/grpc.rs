//! OTLP/gRPC: the collector's trace, metrics and logs export services on
//! one tonic server. A message larger than `max_recv_msg_size` is refused
//! (`ResourceExhausted`), a malformed one is `Internal` as tonic reports
//! decoding errors, gzip requests are accepted. With a `tls` block it
//! speaks TLS; `keepalive` maps onto HTTP/2 pings and connection ages.

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use parking_lot::RwLock;
use river_runtime::component::{Ctx, HealthKind};
use river_runtime::http_tls::{ServerListener, Stream};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_util::sync::CancellationToken;
use tonic::codec::CompressionEncoding;
use tonic::{Request, Response, Status};

use super::GrpcSettings;
use crate::consumer::metadata::{self, Metadata};
use crate::consumer::{ConsumeError, Data, Fanout};
use crate::telemetry::ReceiverMetrics;

#[derive(Clone)]
struct Services {
    fanout: Fanout,
    include_metadata: bool,
    metrics: Arc<ReceiverMetrics>,
}

impl Services {
    /// Hands the request's message on, with its metadata when kept.
    async fn consume<T>(&self, request: Request<T>, data: fn(T) -> Data) -> Result<(), Status> {
        let (headers, _, message) = request.into_parts();
        let data = data(message);
        let (signal, items) = (data.signal(), data.items());
        let consumed = self.fanout.consume(data);
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

#[tonic::async_trait]
impl TraceService for Services {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        self.consume(request, Data::Traces).await?;
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for Services {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        self.consume(request, Data::Metrics).await?;
        Ok(Response::new(ExportMetricsServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl LogsService for Services {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        self.consume(request, Data::Logs).await?;
        Ok(Response::new(ExportLogsServiceResponse::default()))
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
    let traces = TraceServiceServer::new(services.clone())
        .max_decoding_message_size(limit)
        .accept_compressed(CompressionEncoding::Gzip);
    let metrics = MetricsServiceServer::new(services.clone())
        .max_decoding_message_size(limit)
        .accept_compressed(CompressionEncoding::Gzip);
    let logs = LogsServiceServer::new(services)
        .max_decoding_message_size(limit)
        .accept_compressed(CompressionEncoding::Gzip);
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
