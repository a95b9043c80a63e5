//! `otelcol.exporter.otlphttp`: OTLP over HTTP, protobuf or JSON, to
//! `client.endpoint` + `/v1/traces` (`/v1/metrics`, `/v1/logs`) or the
//! URL given per signal.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::{with_causes, Error};

use super::{compression, ClientTls, Compression, SendError, Sender};
use crate::consumer::{BoxFuture, Encoded, Signal};

/// `otelcol.exporter.otlphttp`.
pub const EXPORTER_OTLPHTTP: Registration = Registration {
    name: "otelcol.exporter.otlphttp",
    build,
    without_effect: &[
        ("client/read_buffer_size", "a tuning of Go's HTTP transport; what is sent does not change"),
        ("client/write_buffer_size", "a tuning of Go's HTTP transport; what is sent does not change"),
        (
            "client/max_idle_conns",
            "caps idle connections over all hosts; the exporter talks to one host, where max_idle_conns_per_host applies",
        ),
        (
            "client/tls/insecure",
            "for HTTP the URL's scheme decides (http: plain text, https: TLS), as in the reference's HTTP client",
        ),
        (
            "debug_metrics",
            "the exporter's metrics here have no high-cardinality labels to turn on or off",
        ),
    ],
};

#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Proto,
    Json,
}

struct HttpSender {
    client: reqwest::Client,
    traces: String,
    metrics: String,
    logs: String,
    encoding: Encoding,
    compression: Compression,
    headers: reqwest::header::HeaderMap,
    /// The `auth` handler, whose headers every request gets.
    auth: Option<crate::auth::Handler>,
}

fn endpoint(args: &Args, name: &str, base: &str, path: &str) -> Result<String, Error> {
    let given: Option<String> = args.opt(name)?;
    let url = match given.filter(|u| !u.is_empty()) {
        Some(url) => url,
        None => format!("{}{path}", base.trim_end_matches('/')),
    };
    reqwest::Url::parse(&url)
        .map_err(|e| args.invalid(name, format!("{url:?} is not a URL: {e}")))?;
    Ok(url)
}

fn sender(args: &Args) -> Result<HttpSender, Error> {
    let client = args.block_or_empty("client");
    let base: String = client.require("endpoint")?;
    if reqwest::Url::parse(&base).is_err() {
        return Err(client
            .invalid("endpoint", format!("{base:?} is not a URL such as http://host:4318"))
            .into());
    }
    let auth = crate::auth::from_client(&client)?;
    let encoding = match client.get::<String>("encoding")?.as_str() {
        "proto" => Encoding::Proto,
        "json" => Encoding::Json,
        other => {
            return Err(client
                .invalid("encoding", format!("must be \"proto\" or \"json\", not {other:?}"))
                .into())
        }
    };
    let compression = compression(&client, &["", "none", "gzip", "zlib", "deflate"])?;
    let timeout: Duration = client.get("timeout")?;
    let headers_given: indexmap::IndexMap<String, String> = client.get("headers")?;
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &headers_given {
        let bad = |e: String| client.invalid("headers", format!("header {name:?}: {e}"));
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| bad(e.to_string()))?;
        let value =
            reqwest::header::HeaderValue::from_str(value).map_err(|e| bad(e.to_string()))?;
        headers.insert(name, value);
    }
    // Read, and without effect here (`without_effect` says why).
    let _: String = client.get("read_buffer_size")?;
    let _: String = client.get("write_buffer_size")?;
    let _: u64 = client.get("max_idle_conns")?;
    let per_host: u64 = client.get("max_idle_conns_per_host")?;
    let conns_per_host: u64 = client.get("max_conns_per_host")?;
    if conns_per_host != 0 {
        return Err(client
            .invalid(
                "max_conns_per_host",
                "limiting connections per host is not supported by this build yet",
            )
            .into());
    }
    let idle_timeout: Duration = client.get("idle_conn_timeout")?;
    let no_keep_alive: bool = client.get("disable_keep_alives")?;
    let h2_idle: Duration = client.get("http2_read_idle_timeout")?;
    let h2_ping: Duration = client.get("http2_ping_timeout")?;
    let tls = ClientTls::from_args(&client)?;
    let tls_block = client.block_or_empty("tls");
    if !tls.server_name.is_empty() {
        return Err(tls_block
            .invalid(
                "server_name",
                "overriding the server name is not supported by this build's HTTP client yet",
            )
            .into());
    }
    // Go's default when 0: two idle connections per host.
    let per_host = if per_host == 0 { 2 } else { per_host as usize };
    let mut builder = reqwest::Client::builder()
        .pool_max_idle_per_host(if no_keep_alive { 0 } else { per_host })
        .pool_idle_timeout(if idle_timeout.is_zero() { None } else { Some(idle_timeout) })
        .danger_accept_invalid_certs(tls.insecure_skip_verify);
    if !timeout.is_zero() {
        builder = builder.timeout(timeout);
    }
    if !h2_idle.is_zero() {
        builder = builder.http2_keep_alive_interval(h2_idle).http2_keep_alive_timeout(h2_ping);
    }
    if let Some(ca) = &tls.ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(ca.as_bytes())
            .map_err(|e| tls_block.invalid("ca_pem", format!("not a PEM certificate: {e}")))?;
        builder = if tls.include_system_ca_certs_pool {
            builder.tls_certs_merge(certs)
        } else {
            builder.tls_certs_only(certs)
        };
    }
    if let (Some(cert), Some(key)) = (&tls.cert_pem, &tls.key_pem) {
        let identity =
            reqwest::Identity::from_pem(format!("{cert}\n{key}").as_bytes()).map_err(|e| {
                tls_block.invalid("cert_pem", format!("not a certificate and key: {e}"))
            })?;
        builder = builder.identity(identity);
    }
    let version = |v: &str| match v {
        "TLS 1.3" => reqwest::tls::Version::TLS_1_3,
        _ => reqwest::tls::Version::TLS_1_2,
    };
    if !tls.min_version.is_empty() {
        builder = builder.tls_version_min(version(&tls.min_version));
    }
    if !tls.max_version.is_empty() {
        builder = builder.tls_version_max(version(&tls.max_version));
    }
    let http = builder.build().map_err(|e| client.invalid("tls", with_causes(&e)))?;
    Ok(HttpSender {
        client: http,
        traces: endpoint(args, "traces_endpoint", &base, "/v1/traces")?,
        metrics: endpoint(args, "metrics_endpoint", &base, "/v1/metrics")?,
        logs: endpoint(args, "logs_endpoint", &base, "/v1/logs")?,
        encoding,
        compression,
        headers,
        auth,
    })
}

/// The body compressed as `compression` says, and its Content-Encoding.
pub(crate) fn compress(compression: Compression, body: Bytes) -> (Bytes, Option<&'static str>) {
    let done = match compression {
        Compression::None => return (body, None),
        Compression::Gzip => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(&body).and_then(|_| gz.finish()).map(|b| (b, "gzip"))
        }
        Compression::Deflate => {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            z.write_all(&body).and_then(|_| z.finish()).map(|b| (b, "deflate"))
        }
    };
    match done {
        Ok((b, coding)) => (b.into(), Some(coding)),
        Err(_) => (body, None),
    }
}

/// How long a `Retry-After` header (seconds) asks to wait.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

impl Sender for HttpSender {
    fn send<'a>(&'a self, data: &'a Encoded) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let url = match data.signal() {
                Signal::Traces => &self.traces,
                Signal::Metrics => &self.metrics,
                Signal::Logs => &self.logs,
            };
            let (body, content_type) = match self.encoding {
                Encoding::Proto => (data.to_bytes(), "application/x-protobuf"),
                Encoding::Json => {
                    let decoded = data.decode().map_err(|e| SendError::permanent(e.message))?;
                    (decoded.to_json().into(), "application/json")
                }
            };
            let (body, coding) = compress(self.compression, body);
            let mut headers = self.headers.clone();
            if let Some(auth) = &self.auth {
                auth.apply_http(&mut headers).map_err(SendError::permanent)?;
            }
            let mut request = self
                .client
                .post(url)
                .headers(headers)
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body);
            if let Some(coding) = coding {
                request = request.header(reqwest::header::CONTENT_ENCODING, coding);
            }
            let response = request.send().await.map_err(|e| {
                SendError::retryable(Error::remote(url, with_causes(&e)).to_string())
            })?;
            let status = response.status();
            if status.is_success() {
                return Ok(());
            }
            let after = retry_after(response.headers());
            let text = response.text().await.unwrap_or_default();
            let text: String = text.chars().filter(|c| !c.is_control()).take(256).collect();
            let message = Error::remote(url, format!("HTTP {status}: {text}")).to_string();
            // The statuses OTLP/HTTP says to retry.
            let retryable = matches!(status.as_u16(), 429 | 502 | 503 | 504);
            Err(SendError { message, retryable, retry_after: after })
        })
    }
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    super::build_queued(&ctx, args, sender)
}
