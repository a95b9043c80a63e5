//! What the OTLP exporters share: the `sending_queue` (a bounded queue of
//! requests drained by `num_consumers` senders; a full one refuses data,
//! which its health shows), `retry_on_failure` (exponential backoff with
//! jitter, for errors that may pass: unreachable, 429, 502, 503, 504,
//! gRPC `Unavailable` and the like) and the `tls` block of their clients.

pub mod debug;
pub mod otlp;
pub mod otlphttp;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Mutex, RwLock};
use river_runtime::args::Args;
use river_runtime::component::{Ctx, HealthKind};
use river_runtime::error::Error;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::consumer::{BoxFuture, ConsumeError, Consumer, Data, Signals};

/// Why one attempt to send failed.
#[derive(Debug, Clone)]
pub struct SendError {
    pub message: String,
    pub retryable: bool,
    /// How long the backend asked to wait (`Retry-After`).
    pub retry_after: Option<Duration>,
}

impl SendError {
    pub fn retryable(message: impl Into<String>) -> SendError {
        SendError { message: message.into(), retryable: true, retry_after: None }
    }

    pub fn permanent(message: impl Into<String>) -> SendError {
        SendError { message: message.into(), retryable: false, retry_after: None }
    }
}

/// One attempt at delivering a request.
pub trait Sender: Send + Sync + 'static {
    fn send<'a>(&'a self, data: &'a Data) -> BoxFuture<'a, Result<(), SendError>>;
}

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

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueSettings {
    pub enabled: bool,
    pub consumers: usize,
    pub capacity: usize,
}

impl QueueSettings {
    pub fn from_args(args: &Args) -> Result<QueueSettings, Error> {
        let block = args.block_or_empty("sending_queue");
        let settings = QueueSettings {
            enabled: block.get("enabled")?,
            consumers: block.get::<u64>("num_consumers")? as usize,
            capacity: block.get::<u64>("queue_size")? as usize,
        };
        if settings.enabled && settings.capacity == 0 {
            return Err(block
                .invalid("queue_size", "must be positive when the queue is enabled")
                .into());
        }
        if settings.enabled && settings.consumers == 0 {
            return Err(block
                .invalid("num_consumers", "must be positive when the queue is enabled")
                .into());
        }
        Ok(settings)
    }
}

struct Shared {
    ctx: Ctx,
    sender: RwLock<Arc<dyn Sender>>,
    retry: RwLock<RetrySettings>,
    queue_settings: RwLock<QueueSettings>,
    queue: Mutex<VecDeque<Data>>,
    ready: Notify,
    /// The workers of the current queue settings.
    workers: Mutex<CancellationToken>,
    sent: AtomicU64,
    failed: AtomicU64,
    refused: AtomicU64,
}

/// An exporter's `input`: queues (or, without a queue, sends at once)
/// what it is given.
#[derive(Clone)]
pub struct Exporter(Arc<Shared>);

impl Exporter {
    pub fn new(
        ctx: &Ctx,
        sender: Arc<dyn Sender>,
        retry: RetrySettings,
        queue: QueueSettings,
    ) -> Exporter {
        let shared = Arc::new(Shared {
            ctx: ctx.clone(),
            sender: RwLock::new(sender),
            retry: RwLock::new(retry),
            queue_settings: RwLock::new(queue),
            queue: Mutex::new(VecDeque::new()),
            ready: Notify::new(),
            workers: Mutex::new(ctx.cancel.child_token()),
            sent: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        });
        let exporter = Exporter(shared);
        exporter.start_workers();
        ctx.set_health(HealthKind::Healthy, "running");
        exporter
    }

    fn start_workers(&self) {
        let settings = *self.0.queue_settings.read();
        let token = self.0.ctx.cancel.child_token();
        let old = std::mem::replace(&mut *self.0.workers.lock(), token.clone());
        old.cancel();
        if !settings.enabled {
            return;
        }
        for _ in 0..settings.consumers {
            let shared = self.0.clone();
            let token = token.clone();
            self.0.ctx.spawn(async move { worker(shared, token).await });
        }
    }

    /// New settings; the queue keeps what it holds.
    pub fn update(&self, sender: Arc<dyn Sender>, retry: RetrySettings, queue: QueueSettings) {
        *self.0.sender.write() = sender;
        *self.0.retry.write() = retry;
        let changed = *self.0.queue_settings.read() != queue;
        if changed {
            *self.0.queue_settings.write() = queue;
            self.start_workers();
        }
    }

    pub fn debug_info(&self) -> serde_json::Value {
        let settings = *self.0.queue_settings.read();
        serde_json::json!({
            "queue_length": self.0.queue.lock().len(),
            "queue_capacity": if settings.enabled { settings.capacity } else { 0 },
            "sent_requests": self.0.sent.load(Ordering::Relaxed),
            "failed_requests": self.0.failed.load(Ordering::Relaxed),
            "refused_requests": self.0.refused.load(Ordering::Relaxed),
        })
    }
}

impl Consumer for Exporter {
    fn signals(&self) -> Signals {
        Signals::ALL
    }

    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        Box::pin(async move {
            let settings = *self.0.queue_settings.read();
            if !settings.enabled {
                let cancel = self.0.ctx.cancel.clone();
                return deliver(&self.0, &data, &cancel).await.map_err(|e| {
                    if e.retryable {
                        ConsumeError::retryable(e.message)
                    } else {
                        ConsumeError::permanent(e.message)
                    }
                });
            }
            let mut queue = self.0.queue.lock();
            if queue.len() >= settings.capacity {
                drop(queue);
                self.0.refused.fetch_add(1, Ordering::Relaxed);
                let message = format!("sending queue is full ({} requests)", settings.capacity);
                self.0.ctx.set_health(HealthKind::Unhealthy, message.clone());
                return Err(ConsumeError::retryable(message));
            }
            queue.push_back(data);
            drop(queue);
            self.0.ready.notify_one();
            Ok(())
        })
    }
}

/// Takes requests off the queue and delivers them, until its settings
/// are replaced; when the component stops, what is left gets one try.
async fn worker(shared: Arc<Shared>, token: CancellationToken) {
    loop {
        let next = shared.queue.lock().pop_front();
        match next {
            Some(data) => {
                let cancel = shared.ctx.cancel.clone();
                let _ = deliver(&shared, &data, &cancel).await;
            }
            None => {
                tokio::select! {
                    _ = shared.ready.notified() => {}
                    _ = token.cancelled() => return,
                }
            }
        }
        if token.is_cancelled() && !shared.ctx.cancel.is_cancelled() {
            // Replaced by workers of new settings, which take the rest.
            shared.ready.notify_one();
            return;
        }
    }
}

/// Sends `data`, retrying as `retry_on_failure` says (not after `cancel`),
/// and reports the outcome in the component's health.
async fn deliver(
    shared: &Shared,
    data: &Data,
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
        if !error.retryable || !retry.enabled || out_of_time || cancel.is_cancelled() {
            shared.failed.fetch_add(1, Ordering::Relaxed);
            let why = if !error.retryable {
                "not retryable"
            } else if !retry.enabled {
                "retry_on_failure disabled"
            } else if out_of_time {
                "max_elapsed_time reached"
            } else {
                "stopping"
            };
            let message = format!(
                "dropped {} {} ({why}): {}",
                data.items(),
                data.signal().name(),
                error.message
            );
            tracing::warn!(err = %error.message, items = data.items(), signal = data.signal().name(), reason = why, "exporting failed, data dropped");
            shared.ctx.set_health(HealthKind::Unhealthy, message);
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

/// A client's `tls` block, as far as this build honours it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientTls {
    pub ca_pem: Option<String>,
    pub cert_pem: Option<String>,
    pub key_pem: Option<String>,
    pub insecure: bool,
    pub insecure_skip_verify: bool,
    pub include_system_ca_certs_pool: bool,
    pub server_name: String,
    pub min_version: String,
    pub max_version: String,
}

/// An inline PEM, or the file's.
fn pem(block: &Args, inline: &str, file: &str) -> Result<Option<String>, Error> {
    let text: String = match block.opt::<river_analyzer::value::Secret>(inline)? {
        Some(secret) => secret.0.to_string(),
        None => String::new(),
    };
    let path: String = block.get(file)?;
    match (text.is_empty(), path.is_empty()) {
        (false, _) => Ok(Some(text)),
        (true, false) => {
            std::fs::read_to_string(&path).map(Some).map_err(|e| Error::file(&path, e))
        }
        (true, true) => Ok(None),
    }
}

impl ClientTls {
    /// The `tls` block of `client`, or the defaults without one.
    pub fn from_args(client: &Args) -> Result<ClientTls, Error> {
        let block = client.block_or_empty("tls");
        let cipher_suites: Vec<String> = block.get("cipher_suites")?;
        if !cipher_suites.is_empty() {
            return Err(block
                .invalid(
                    "cipher_suites",
                    "choosing cipher suites is not supported by this build (rustls picks them)",
                )
                .into());
        }
        let reload: Duration = block.get("reload_interval")?;
        if !reload.is_zero() {
            return Err(block
                .invalid(
                    "reload_interval",
                    "reloading certificates is not supported by this build yet",
                )
                .into());
        }
        let tls = ClientTls {
            ca_pem: pem(&block, "ca_pem", "ca_file")?,
            cert_pem: pem(&block, "cert_pem", "cert_file")?,
            key_pem: pem(&block, "key_pem", "key_file")?,
            insecure: block.get("insecure")?,
            insecure_skip_verify: block.get("insecure_skip_verify")?,
            include_system_ca_certs_pool: block.get("include_system_ca_certs_pool")?,
            server_name: block.get("server_name")?,
            min_version: block.get("min_version")?,
            max_version: block.get("max_version")?,
        };
        for (name, version) in
            [("min_version", &tls.min_version), ("max_version", &tls.max_version)]
        {
            if !matches!(version.as_str(), "" | "TLS 1.2" | "TLS 1.3") {
                return Err(block
                    .invalid(name, format!("{version:?} is not supported (rustls speaks \"TLS 1.2\" and \"TLS 1.3\")"))
                    .into());
            }
        }
        if tls.cert_pem.is_some() != tls.key_pem.is_some() {
            return Err(block
                .invalid("key_pem", "a client certificate needs its key, and a key its certificate")
                .into());
        }
        Ok(tls)
    }
}

/// Refuses an `auth` handler: this build has no `otelcol.auth.*`.
pub fn refuse_auth(client: &Args) -> Result<(), Error> {
    match client.value("auth")? {
        river_analyzer::Value::Null => Ok(()),
        _ => Err(client
            .invalid(
                "auth",
                "authentication extensions (otelcol.auth.*) are not supported by this build yet",
            )
            .into()),
    }
}

/// The compressions the exporters speak.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Compression {
    None,
    Gzip,
    Deflate,
}

pub fn compression(client: &Args, allowed: &[&str]) -> Result<Compression, Error> {
    let name: String = client.get("compression")?;
    let compression = match name.as_str() {
        "" | "none" => Compression::None,
        "gzip" => Compression::Gzip,
        "zlib" | "deflate" => Compression::Deflate,
        _ => Compression::None,
    };
    if !allowed.contains(&name.as_str()) {
        return Err(client
            .invalid(
                "compression",
                format!(
                    "{name:?} is not supported by this build (it speaks {})",
                    allowed.join(", ")
                ),
            )
            .into());
    }
    Ok(compression)
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
