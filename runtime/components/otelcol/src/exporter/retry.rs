//! `retry_on_failure`: how a request is sent again after an error that
//! may pass, and when it is given up.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use river_runtime::args::Args;
use river_runtime::component::HealthKind;
use river_runtime::error::Error;
use tokio_util::sync::CancellationToken;

use super::queue::Shared;
use super::SendError;
use crate::consumer::Encoded;

#[derive(Debug, Clone, PartialEq)]
pub struct RetrySettings {
    pub enabled: bool,
    pub initial: Duration,
    pub max_interval: Duration,
    /// Zero: no limit.
    pub max_elapsed: Duration,
    pub multiplier: f64,
    pub randomization: f64,
}

impl RetrySettings {
    pub fn from_args(args: &Args) -> Result<RetrySettings, Error> {
        let block = args.block_or_empty("retry_on_failure");
        let settings = RetrySettings {
            enabled: block.get("enabled")?,
            initial: block.get("initial_interval")?,
            max_interval: block.get("max_interval")?,
            max_elapsed: block.get("max_elapsed_time")?,
            multiplier: block.get("multiplier")?,
            randomization: block.get("randomization_factor")?,
        };
        if settings.multiplier < 1.0 {
            return Err(block.invalid("multiplier", "must be at least 1").into());
        }
        if !(0.0..=1.0).contains(&settings.randomization) {
            return Err(block.invalid("randomization_factor", "must be between 0 and 1").into());
        }
        Ok(settings)
    }

    /// The wait before attempt `n + 1` after `interval`: randomized by
    /// the factor, as the reference's backoff.
    fn jittered(&self, interval: Duration) -> Duration {
        let delta = self.randomization * interval.as_secs_f64();
        let low = interval.as_secs_f64() - delta;
        Duration::from_secs_f64((low + fastrand::f64() * 2.0 * delta).max(0.0))
    }
}

/// Sends `data`, retrying as `retry_on_failure` says (not after `cancel`),
/// and reports the outcome in the component's health.
pub(super) async fn deliver(
    shared: &Shared,
    data: &Encoded,
    cancel: &CancellationToken,
) -> Result<(), SendError> {
    let retry = shared.retry.read().clone();
    let started = Instant::now();
    let mut interval = retry.initial;
    loop {
        let sender = shared.sender.read().clone();
        let error = match sender.send(data).await {
            Ok(()) => {
                shared.sent.fetch_add(1, Ordering::Relaxed);
                shared.metrics.sent.add(data);
                shared.ctx.set_health(HealthKind::Healthy, "running");
                return Ok(());
            }
            Err(e) => e,
        };
        let mut wait = retry.jittered(interval);
        if let Some(after) = error.retry_after {
            wait = wait.max(after);
        }
        let out_of_time =
            !retry.max_elapsed.is_zero() && started.elapsed() + wait > retry.max_elapsed;
        if let Some(why) = give_up(&retry, &error, out_of_time, cancel) {
            drop_request(shared, data, &error, why);
            return Err(error);
        }
        tracing::debug!(err = %error.message, wait = ?wait, "exporting failed, will retry");
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = cancel.cancelled() => {}
        }
        interval = Duration::from_secs_f64(
            (interval.as_secs_f64() * retry.multiplier).min(retry.max_interval.as_secs_f64()),
        );
    }
}

/// Why a failed request is not tried again, if it is not.
fn give_up(
    retry: &RetrySettings,
    error: &SendError,
    out_of_time: bool,
    cancel: &CancellationToken,
) -> Option<&'static str> {
    if !error.retryable {
        Some("not retryable")
    } else if !retry.enabled {
        Some("retry_on_failure disabled")
    } else if out_of_time {
        Some("max_elapsed_time reached")
    } else if cancel.is_cancelled() {
        Some("stopping")
    } else {
        None
    }
}

/// Counts and reports a request given up.
fn drop_request(shared: &Shared, data: &Encoded, error: &SendError, why: &str) {
    shared.failed.fetch_add(1, Ordering::Relaxed);
    shared.metrics.send_failed.add(data);
    let message =
        format!("dropped {} {} ({why}): {}", data.items(), data.signal().name(), error.message);
    tracing::warn!(err = %error.message, items = data.items(), signal = data.signal().name(), reason = why, "exporting failed, data dropped");
    shared.ctx.set_health(HealthKind::Unhealthy, message);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_the_factor() {
        let retry = RetrySettings {
            enabled: true,
            initial: Duration::from_secs(5),
            max_interval: Duration::from_secs(30),
            max_elapsed: Duration::ZERO,
            multiplier: 1.5,
            randomization: 0.5,
        };
        for _ in 0..100 {
            let wait = retry.jittered(Duration::from_secs(4));
            assert!(wait >= Duration::from_secs(2) && wait <= Duration::from_secs(6), "{wait:?}");
        }
    }
}
