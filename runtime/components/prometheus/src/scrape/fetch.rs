//! Fetching a target: over HTTP with the scrape's client settings, or, for
//! the memory address, from this process's own routes without a socket.

use std::time::Duration;

use axum::body::Body;
use tower::ServiceExt;

use super::target::Target;
use super::Settings;
use river_runtime::args::Args;
use river_runtime::component::Ctx;
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;

const ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// With `enable_protobuf_negotiation`: the protobuf format first, as
/// Prometheus asks for it.
const ACCEPT_PROTOBUF: &str = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// The exposition format of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    OpenMetrics,
    /// Length-delimited `io.prometheus.client.MetricFamily` messages.
    Protobuf,
}

impl Format {
    fn of(content_type: Option<&reqwest::header::HeaderValue>) -> Format {
        let value = content_type.and_then(|v| v.to_str().ok()).unwrap_or("");
        if value.starts_with("application/openmetrics-text") {
            Format::OpenMetrics
        } else if value.starts_with("application/vnd.google.protobuf")
            && value.contains("proto=io.prometheus.client.MetricFamily")
        {
            Format::Protobuf
        } else {
            Format::Text
        }
    }
}

/// How a scrape failed for being over `body_size_limit` begins.
pub const BODY_LIMIT_EXCEEDED: &str = "body_size_limit exceeded";

pub struct Client(HttpClient);

impl Client {
    pub fn from_args(args: &Args, timeout: Duration) -> Result<Client, Error> {
        HttpClient::from_args(args, timeout).map(Client)
    }

    /// The body and its format; an error is the target's last error, in
    /// the words Prometheus uses (the target is its place).
    pub async fn fetch(
        &self,
        ctx: &Ctx,
        target: &Target,
        settings: &Settings,
    ) -> Result<(Vec<u8>, Format), String> {
        let timeout_header = format!("{}", settings.timeout.as_secs_f64());
        if target.address == ctx.globals.memory_addr {
            return in_process(ctx, target, settings, &timeout_header).await;
        }
        let request = self
            .0
            .http
            .get(target.url())
            .header("Accept", if settings.protobuf { ACCEPT_PROTOBUF } else { ACCEPT })
            .header("User-Agent", concat!("flow-runtime/", env!("CARGO_PKG_VERSION")))
            .header("X-Prometheus-Scrape-Timeout-Seconds", &timeout_header);
        let request = self.0.authorize(request).await.map_err(|e| e.to_string())?;
        let response = request.send().await.map_err(|e| describe(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("server returned HTTP status {status}"));
        }
        let format = Format::of(response.headers().get("content-type"));
        let bytes = response.bytes().await.map_err(|e| describe(&e))?;
        check_size(bytes.len(), settings)?;
        // Taking the buffer over, not copying it (7 MB for 100,000 series).
        Ok((Vec::from(bytes), format))
    }
}

/// A request to this process's own routes.
async fn in_process(
    ctx: &Ctx,
    target: &Target,
    settings: &Settings,
    timeout_header: &str,
) -> Result<(Vec<u8>, Format), String> {
    let router = ctx.globals.router.get().ok_or("the HTTP server is not ready yet")?.clone();
    let request = axum::http::Request::get(&target.path_and_query)
        .header("X-Prometheus-Scrape-Timeout-Seconds", timeout_header)
        .body(Body::empty())
        .map_err(|e| e.to_string())?;
    let response = tokio::time::timeout(settings.timeout, router.oneshot(request))
        .await
        .map_err(|_| "the scrape timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("server returned HTTP status {}", response.status()));
    }
    let format = Format::of(response.headers().get("content-type"));
    let bytes =
        axum::body::to_bytes(response.into_body(), usize::MAX).await.map_err(|e| e.to_string())?;
    check_size(bytes.len(), settings)?;
    Ok((Vec::from(bytes), format))
}

fn check_size(len: usize, settings: &Settings) -> Result<(), String> {
    if settings.body_size_limit > 0 && len > settings.body_size_limit {
        return Err(format!(
            "{BODY_LIMIT_EXCEEDED}: the response has {len} bytes, the limit is {}",
            settings.body_size_limit
        ));
    }
    Ok(())
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the scrape timed out".into()
    } else if error.is_connect() {
        format!("cannot connect: {error}")
    } else {
        error.to_string()
    }
}
