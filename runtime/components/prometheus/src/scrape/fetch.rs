//! Fetching a target: over HTTP with the scrape's client settings, or, for
//! the memory address, from this process's own routes without a socket.

use std::time::Duration;

use axum::body::Body;
use tower::ServiceExt;

use super::error::ScrapeError;
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

pub struct Client(HttpClient);

impl Client {
    pub fn from_args(args: &Args, timeout: Duration) -> Result<Client, Error> {
        HttpClient::from_args(args, timeout).map(Client)
    }

    /// The body and its format.
    pub async fn fetch(
        &self,
        ctx: &Ctx,
        target: &Target,
        settings: &Settings,
    ) -> Result<(Vec<u8>, Format), ScrapeError> {
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
        let request = self.0.authorize(request).await.map_err(fetch_error)?;
        let mut response = request.send().await.map_err(|e| describe(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(fetch_error(format!("server returned HTTP status {status}")));
        }
        let format = Format::of(response.headers().get("content-type"));
        // Chunk by chunk into one buffer of the announced size: collecting
        // the chunks first and joining them copied a 70 MB body twice, and
        // a body over the limit is given up on as soon as it is.
        let announced = response.content_length().unwrap_or(0) as usize;
        let mut body = Vec::with_capacity(announced.min(MAX_PREALLOCATED));
        while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
            body.extend_from_slice(&chunk);
            check_size(body.len(), settings)?;
        }
        Ok((body, format))
    }
}

/// The most a body's announced length reserves before it arrives.
const MAX_PREALLOCATED: usize = 256 << 20;

/// A request to this process's own routes.
async fn in_process(
    ctx: &Ctx,
    target: &Target,
    settings: &Settings,
    timeout_header: &str,
) -> Result<(Vec<u8>, Format), ScrapeError> {
    let router =
        ctx.globals.router.get().ok_or_else(|| fetch_error("the HTTP server is not ready yet"))?;
    let request = axum::http::Request::get(&target.path_and_query)
        .header("X-Prometheus-Scrape-Timeout-Seconds", timeout_header)
        .body(Body::empty())
        .map_err(fetch_error)?;
    let response = tokio::time::timeout(settings.timeout, router.clone().oneshot(request))
        .await
        .map_err(|_| fetch_error("the scrape timed out"))?
        .map_err(fetch_error)?;
    if !response.status().is_success() {
        return Err(fetch_error(format!("server returned HTTP status {}", response.status())));
    }
    let format = Format::of(response.headers().get("content-type"));
    let bytes =
        axum::body::to_bytes(response.into_body(), usize::MAX).await.map_err(fetch_error)?;
    check_size(bytes.len(), settings)?;
    Ok((Vec::from(bytes), format))
}

fn check_size(len: usize, settings: &Settings) -> Result<(), ScrapeError> {
    if settings.body_size_limit > 0 && len > settings.body_size_limit {
        return Err(ScrapeError::BodyTooLarge { len, limit: settings.body_size_limit });
    }
    Ok(())
}

fn fetch_error(error: impl std::fmt::Display) -> ScrapeError {
    ScrapeError::Fetch(error.to_string())
}

fn describe(error: &reqwest::Error) -> ScrapeError {
    if error.is_timeout() {
        fetch_error("the scrape timed out")
    } else if error.is_connect() {
        fetch_error(format!("cannot connect: {error}"))
    } else {
        fetch_error(error)
    }
}
