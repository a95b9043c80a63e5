//! `otelcol.exporter.otlp`: OTLP over gRPC (tonic), to the collector's
//! export services at `client.endpoint` (`host:port`, TLS unless
//! `tls { insecure = true }`; or a URL, whose scheme decides).

use std::sync::Arc;
use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic::Code;

use super::{compression, grpc_call, ClientTls, Compression, SendError, Sender};
use crate::consumer::{BoxFuture, Encoded, Signal};

/// `otelcol.exporter.otlp`.
pub const EXPORTER_OTLP: Registration = Registration {
    name: "otelcol.exporter.otlp",
    build,
    without_effect: &[
        ("client/read_buffer_size", "a tuning of Go's gRPC client; tonic sizes its own buffers, and what is sent does not change"),
        ("client/write_buffer_size", "a tuning of Go's gRPC client; tonic sizes its own buffers, and what is sent does not change"),
        (
            "debug_metrics",
            "the exporter's metrics here have no high-cardinality labels to turn on or off",
        ),
    ],
};

struct GrpcSender {
    channel: Channel,
    gzip: bool,
    metadata: MetadataMap,
    /// The `auth` handler, whose headers every request gets.
    auth: Option<crate::auth::Handler>,
    endpoint: String,
}

fn sender(args: &Args) -> Result<GrpcSender, Error> {
    let timeout: Duration = args.get("timeout")?;
    let client = args.block_or_empty("client");
    let given: String = client.require("endpoint")?;
    let auth = crate::auth::from_client(&client)?;
    let gzip = compression(&client, &["", "none", "gzip"])? == Compression::Gzip;
    if client.get::<bool>("wait_for_ready")? {
        return Err(client
            .invalid("wait_for_ready", "waiting for the connection instead of failing fast is not supported by this build yet")
            .into());
    }
    let balancer: String = client.get("balancer_name")?;
    if !matches!(balancer.as_str(), "" | "pick_first") {
        return Err(client
            .invalid(
                "balancer_name",
                format!("only \"pick_first\" is supported by this build, not {balancer:?}"),
            )
            .into());
    }
    let authority: String = client.get("authority")?;
    // Read, and without effect here (`without_effect` says why).
    let _: String = client.get("read_buffer_size")?;
    let _: String = client.get("write_buffer_size")?;
    let headers: indexmap::IndexMap<String, String> = client.get("headers")?;
    let mut metadata = MetadataMap::new();
    for (name, value) in &headers {
        let bad = |e: String| client.invalid("headers", format!("header {name:?}: {e}"));
        let key = MetadataKey::from_bytes(name.to_ascii_lowercase().as_bytes())
            .map_err(|e| bad(e.to_string()))?;
        let value = MetadataValue::try_from(value.as_str()).map_err(|e| bad(e.to_string()))?;
        metadata.insert(key, value);
    }
    let tls = ClientTls::from_args(&client)?;
    let tls_block = client.block_or_empty("tls");
    if tls.insecure_skip_verify {
        return Err(tls_block
            .invalid(
                "insecure_skip_verify",
                "skipping verification is not supported by this build's gRPC client",
            )
            .into());
    }
    if !matches!(tls.min_version.as_str(), "" | "TLS 1.2")
        || !matches!(tls.max_version.as_str(), "" | "TLS 1.3")
    {
        return Err(tls_block
            .invalid("min_version", "narrowing TLS versions is not supported by this build's gRPC client (it speaks TLS 1.2 and 1.3)")
            .into());
    }
    // A URL's scheme decides; `host:port` is TLS unless `insecure`.
    let (secure, rest) = match given.split_once("://") {
        Some(("https", rest)) => (true, rest),
        Some(("http", rest)) => (false, rest),
        Some((scheme, _)) => {
            return Err(client
                .invalid(
                    "endpoint",
                    format!("unknown scheme {scheme:?} (use host:port, http:// or https://)"),
                )
                .into())
        }
        None => (!tls.insecure, given.as_str()),
    };
    // gRPC addresses name a host and port; a path is not used.
    let host = rest.split('/').next().unwrap_or(rest);
    let uri = format!("{}://{host}", if secure { "https" } else { "http" });
    let bad = |e: String| {
        Error::from(client.invalid("endpoint", format!("{given:?} is not a host:port: {e}")))
    };
    let mut endpoint = Endpoint::from_shared(uri.clone()).map_err(|e| bad(e.to_string()))?;
    if !timeout.is_zero() {
        endpoint = endpoint.timeout(timeout);
    }
    if !authority.is_empty() {
        let origin = format!("{}://{authority}", if secure { "https" } else { "http" });
        let origin = origin.parse().map_err(|e: tonic::codegen::http::uri::InvalidUri| {
            client.invalid("authority", format!("{authority:?}: {e}"))
        })?;
        endpoint = endpoint.origin(origin);
    }
    if let Some(keepalive) = client.block("keepalive") {
        let wait: Duration = keepalive.get("ping_wait")?;
        let response: Duration = keepalive.get("ping_response_timeout")?;
        let without_stream: bool = keepalive.get("ping_without_stream")?;
        if !wait.is_zero() {
            endpoint = endpoint.http2_keep_alive_interval(wait);
        }
        if !response.is_zero() {
            endpoint = endpoint.keep_alive_timeout(response);
        }
        endpoint = endpoint.keep_alive_while_idle(without_stream);
    }
    if secure {
        let mut config = ClientTlsConfig::new();
        match &tls.ca_pem {
            Some(ca) => {
                config = config.ca_certificate(Certificate::from_pem(ca));
                if tls.include_system_ca_certs_pool {
                    config = config.with_native_roots();
                }
            }
            None => config = config.with_native_roots(),
        }
        if let (Some(cert), Some(key)) = (&tls.cert_pem, &tls.key_pem) {
            config = config.identity(Identity::from_pem(cert, key));
        }
        if !tls.server_name.is_empty() {
            config = config.domain_name(tls.server_name.clone());
        }
        endpoint = endpoint.tls_config(config).map_err(|e| {
            Error::from(tls_block.invalid("ca_pem", river_runtime::error::with_causes(&e)))
        })?;
    }
    Ok(GrpcSender { channel: endpoint.connect_lazy(), gzip, metadata, auth, endpoint: uri })
}

/// Whether a gRPC status may pass on a later attempt (the collector's list).
fn retryable(code: Code) -> bool {
    matches!(
        code,
        Code::Cancelled
            | Code::DeadlineExceeded
            | Code::ResourceExhausted
            | Code::Aborted
            | Code::OutOfRange
            | Code::Unavailable
            | Code::DataLoss
    )
}

impl GrpcSender {
    /// The request's metadata: the `headers`, then the `auth` handler's.
    fn metadata(&self) -> Result<MetadataMap, SendError> {
        let mut metadata = self.metadata.clone();
        if let Some(auth) = &self.auth {
            auth.apply_grpc(&mut metadata).map_err(SendError::permanent)?;
        }
        Ok(metadata)
    }
}

impl Sender for GrpcSender {
    fn send<'a>(&'a self, data: &'a Encoded) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let path = match data.signal() {
                Signal::Traces => "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                Signal::Metrics => {
                    "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"
                }
                Signal::Logs => "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
            };
            let body = grpc_call::frame(data.parts(), self.gzip);
            let metadata = self.metadata()?;
            let result =
                grpc_call::unary(self.channel.clone(), path, metadata, body, self.gzip).await;
            result.map_err(|status| {
                let message = Error::remote(
                    &self.endpoint,
                    format!("{:?}: {}", status.code(), status.message()),
                )
                .to_string();
                SendError { message, retryable: retryable(status.code()), retry_after: None }
            })
        })
    }
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    super::build_queued(&ctx, args, sender)
}
