//! Pushing one batch to an endpoint: snappy-compressed protobuf, the
//! tenant header, retries. Server errors, 429 (unless `retry_on_http_429`
//! is off) and network failures are retried with exponential backoff up
//! to `max_backoff_retries`; other 4xx answers drop the batch for good.

use std::time::Instant;

use tokio_util::sync::CancellationToken;

use river_runtime::error::{with_causes, Error};
use river_runtime::metrics::{Family, LATENCY_BUCKETS};

use super::endpoint::Endpoint;

/// What pushing a batch came to.
pub enum Outcome {
    Sent,
    /// Dropped, with the reference's reason label and what went wrong.
    Dropped(&'static str, String),
}

/// Pushes `body`, retrying what can succeed later, until it goes through,
/// is refused for good, runs out of retries or `give_up` fires.
/// `retrying` hears of each failed attempt that will be tried again.
/// `durations` times each attempt, by status code (`-1` when no answer
/// came) and host, as the reference's `loki_write_request_duration_seconds`.
pub async fn push(
    endpoint: &Endpoint,
    tenant: &str,
    body: &[u8],
    give_up: &CancellationToken,
    durations: &Family,
    retrying: impl Fn(&str),
) -> Outcome {
    let mut backoff = endpoint.min_backoff;
    let mut retries = 0;
    loop {
        let started = Instant::now();
        let attempted = attempt(endpoint, tenant, body).await;
        let status =
            attempted.as_ref().map_or("-1".to_owned(), |r| r.status().as_u16().to_string());
        durations
            .histogram_with(&[&status, &endpoint.host], &LATENCY_BUCKETS)
            .observe(started.elapsed().as_secs_f64());
        let (why, rate_limited) = match attempted {
            Ok(response) if response.status().is_success() => return Outcome::Sent,
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                let why = format!("{status}: {}", text.trim());
                let rate_limited = status == reqwest::StatusCode::TOO_MANY_REQUESTS;
                if !(status.is_server_error() || rate_limited && endpoint.retry_on_429) {
                    let reason = if rate_limited { "rate_limited" } else { "ingester_error" };
                    tracing::warn!(endpoint = %endpoint.name, %status, err = text.trim(), "Loki refused a batch for good, dropping it");
                    return Outcome::Dropped(reason, why);
                }
                (why, rate_limited)
            }
            Err(e) => (e.to_string(), false),
        };
        retries += 1;
        if endpoint.max_retries != 0 && retries > endpoint.max_retries {
            let reason = if rate_limited { "rate_limited" } else { "ingester_error" };
            return Outcome::Dropped(
                reason,
                format!("gave up after {} retries: {why}", endpoint.max_retries),
            );
        }
        retrying(&why);
        tracing::debug!(endpoint = %endpoint.name, err = %why, "push failed, retrying in {backoff:?}");
        tokio::select! {
            _ = give_up.cancelled() => return Outcome::Dropped("ingester_error", format!("stopped while retrying: {why}")),
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(endpoint.max_backoff);
    }
}

async fn attempt(
    endpoint: &Endpoint,
    tenant: &str,
    body: &[u8],
) -> Result<reqwest::Response, Error> {
    let mut request = endpoint
        .client
        .http
        .post(&endpoint.url)
        .header("User-Agent", concat!("flow-runtime/", env!("CARGO_PKG_VERSION")))
        .header("Content-Type", "application/x-protobuf")
        .body(body.to_vec());
    if !tenant.is_empty() {
        request = request.header("X-Scope-OrgID", tenant);
    }
    for (name, value) in &endpoint.headers {
        // As the reference: the client's own headers are never replaced.
        let name_lower = name.to_ascii_lowercase();
        let own = ["content-type", "user-agent"].contains(&name_lower.as_str())
            || (name_lower == "x-scope-orgid" && !tenant.is_empty());
        if own {
            tracing::warn!(endpoint = %endpoint.name, key = %name, "custom header key already exists, skipping");
            continue;
        }
        request = request.header(name, value);
    }
    let request = endpoint.client.authorize(request).await?;
    request.send().await.map_err(|e| Error::remote(&endpoint.url, with_causes(&e)))
}
