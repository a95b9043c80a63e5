//! What the OTLP exporters share: the `sending_queue` (`queue`: a bounded
//! queue of requests drained by `num_consumers` senders; a full one
//! refuses data, which its health shows), `retry_on_failure` (`retry`:
//! exponential backoff with jitter, for errors that may pass: unreachable,
//! 429, 502, 503, 504, gRPC `Unavailable` and the like) and the settings of
//! their clients (`client`: `tls`, `compression`; `auth` is `crate::auth`).

pub mod client;
pub mod debug;
pub mod loki;
pub mod otlp;
pub mod otlphttp;
pub mod prometheus;
pub mod queue;
pub mod retry;

use std::time::Duration;

pub use client::{compression, ClientTls, Compression};
pub use queue::{Exporter, QueueSettings};
pub use retry::RetrySettings;

use crate::consumer::{BoxFuture, Data};

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
