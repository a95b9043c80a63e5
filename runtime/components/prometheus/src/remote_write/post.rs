//! One request to a remote write endpoint: its headers, signing or
//! tokens, and retries. Server errors, 429 (unless `retry_on_http_429` is
//! off) and network failures are retried with exponential backoff until
//! the request goes through or the endpoint stops; other 4xx answers drop
//! it. Samples and metadata go the same way.

use std::sync::Arc;
use std::time::Instant;

use reqwest::StatusCode;
use tokio_util::sync::CancellationToken;

use super::endpoint::Endpoint;
use river_runtime::error::{redacted_url, with_causes, Error};
use river_runtime::metrics::AtomicF64;
use river_runtime::traces::{AttrValue, Span, SpanKind, SpanStatus, Tracer};

/// What sending a request came to.
pub enum Outcome {
    Sent,
    /// Refused for good (a 4xx other than 429): dropped.
    Dropped,
    /// Stopped while retrying.
    Stopped,
}

/// What a request carries, for the log and the counters.
pub struct Counters<'a> {
    /// `samples` or `metadata`.
    pub what: &'static str,
    /// How many entries the request holds.
    pub count: f64,
    pub retried: &'a AtomicF64,
    pub failed: &'a AtomicF64,
    pub duration: &'a AtomicF64,
    /// flow's own traces: a `Remote Send Batch` span per try.
    pub traces: &'a Arc<Tracer>,
}

/// Posts `body` (a snappy-compressed write request), retrying what can
/// succeed later.
pub async fn post(
    endpoint: &Endpoint,
    body: Vec<u8>,
    stop: &CancellationToken,
    counters: Counters<'_>,
) -> Outcome {
    let mut backoff = endpoint.min_backoff;
    let mut try_number = 0;
    loop {
        let mut span = send_span(endpoint, body.len(), &counters, try_number);
        let started = Instant::now();
        let outcome = attempt(endpoint, &body).await;
        counters.duration.add(started.elapsed().as_secs_f64());
        span.set_status(match &outcome {
            Ok(response) if response.status().is_success() => SpanStatus::Ok,
            Ok(response) => SpanStatus::Error(format!("HTTP status {}", response.status())),
            Err(e) => SpanStatus::Error(e.to_string()),
        });
        drop(span);
        let retry = match outcome {
            Ok(response) if response.status().is_success() => return Outcome::Sent,
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                let retryable = status.is_server_error()
                    || (status == StatusCode::TOO_MANY_REQUESTS && endpoint.retry_on_429);
                if !retryable {
                    counters.failed.add(counters.count);
                    tracing::warn!(endpoint = %endpoint.name, %status, err = text.trim(), "remote write refused a batch of {} for good, dropping it", counters.what);
                    return Outcome::Dropped;
                }
                format!("{status}: {}", text.trim())
            }
            Err(e) => e.to_string(),
        };
        counters.retried.add(counters.count);
        tracing::debug!(endpoint = %endpoint.name, err = %retry, "remote write of {} failed, retrying in {backoff:?}", counters.what);
        tokio::select! {
            _ = stop.cancelled() => return Outcome::Stopped,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(endpoint.max_backoff);
        try_number += 1;
    }
}

/// Prometheus's span of one try, with its attributes.
fn send_span(endpoint: &Endpoint, size: usize, counters: &Counters<'_>, try_number: i64) -> Span {
    let mut span = counters.traces.root("Remote Send Batch", SpanKind::Client);
    span.set("request_size", || AttrValue::Int(size as i64));
    span.set(counters.what, || AttrValue::Int(counters.count as i64));
    span.set("try", || AttrValue::Int(try_number));
    span.set("remote_name", || AttrValue::Str(endpoint.name.clone()));
    span.set("remote_url", || AttrValue::Str(redacted_url(&endpoint.url)));
    span
}

/// One try: the request with its headers, signed or authorised as the
/// endpoint says.
async fn attempt(endpoint: &Endpoint, body: &[u8]) -> Result<reqwest::Response, Error> {
    let mut request = endpoint
        .client
        .http
        .post(&endpoint.url)
        .header("User-Agent", concat!("flow-runtime/", env!("CARGO_PKG_VERSION")))
        .body(body.to_vec());
    let mut headers: Vec<(&str, &str)> = vec![
        ("content-encoding", "snappy"),
        ("content-type", "application/x-protobuf"),
        ("x-prometheus-remote-write-version", "0.1.0"),
    ];
    headers.extend(endpoint.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    for (name, value) in &headers {
        request = request.header(*name, *value);
    }
    let signed = match (&endpoint.sigv4, &endpoint.azuread, reqwest::Url::parse(&endpoint.url)) {
        (Some(signer), _, Ok(url)) => signer.headers("POST", &url, &headers, body).await?,
        (None, Some(azure), _) => vec![("authorization".to_owned(), azure.authorization().await?)],
        _ => Vec::new(),
    };
    for (name, value) in signed {
        request = request.header(name, value);
    }
    let request = endpoint.client.authorize(request).await?;
    request.send().await.map_err(|e| Error::remote(&endpoint.url, with_causes(&e)))
}
