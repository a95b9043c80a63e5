//! OTLP/gRPC: the collector's trace, metrics and logs export services on
//! one tonic server. A message larger than `max_recv_msg_size` is refused
//! (`ResourceExhausted`), a malformed one is `Internal` as tonic reports
//! decoding errors, gzip requests are accepted.

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
use river_runtime::component::{Ctx, HealthKind};
use tokio_util::sync::CancellationToken;
use tonic::codec::CompressionEncoding;
use tonic::{Request, Response, Status};

use super::GrpcSettings;
use crate::consumer::{ConsumeError, Data, Fanout};

#[derive(Clone)]
struct Services(Fanout);

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
        self.0.consume(Data::Traces(request.into_inner())).await.map_err(status)?;
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for Services {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        self.0.consume(Data::Metrics(request.into_inner())).await.map_err(status)?;
        Ok(Response::new(ExportMetricsServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl LogsService for Services {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        self.0.consume(Data::Logs(request.into_inner())).await.map_err(status)?;
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
    let services = Services(fanout);
    let limit = settings.max_recv;
    let traces = TraceServiceServer::new(services.clone())
        .max_decoding_message_size(limit)
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip);
    let metrics = MetricsServiceServer::new(services.clone())
        .max_decoding_message_size(limit)
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip);
    let logs = LogsServiceServer::new(services)
        .max_decoding_message_size(limit)
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip);
    let router = tonic::transport::Server::builder()
        .max_concurrent_streams(settings.max_streams)
        .add_service(traces)
        .add_service(metrics)
        .add_service(logs);
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
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
