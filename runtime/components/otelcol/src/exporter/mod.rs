//! What the OTLP exporters share: the `sending_queue` (`queue`: a bounded
//! queue of requests drained by `num_consumers` senders; a full one
//! refuses data, which its health shows), `retry_on_failure` (`retry`:
//! exponential backoff with jitter, for errors that may pass: unreachable,
//! 429, 502, 503, 504, gRPC `Unavailable` and the like) and the settings of
//! their clients (`client`: `tls`, `compression`; `auth` is `crate::auth`).

pub mod client;
pub mod debug;
mod grpc_call;
pub mod loki;
pub mod otlp;
pub mod otlphttp;
pub mod prometheus;
pub mod queue;
pub mod retry;

use std::sync::Arc;
use std::time::Duration;

use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx};
use river_runtime::error::Error;

pub use client::{compression, ClientTls, Compression};
pub use queue::{Exporter, QueueSettings};
pub use retry::RetrySettings;

use crate::consumer::{BoxFuture, ConsumerHandle, Encoded};

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

/// One attempt at delivering a request (queued as OTLP bytes: what the
/// exporters send, smaller than the messages, encoded once however many
/// attempts it takes).
pub trait Sender: Send + Sync + 'static {
    fn send<'a>(&'a self, data: &'a Encoded) -> BoxFuture<'a, Result<(), SendError>>;
}

/// An OTLP exporter component (`otlp`, `otlphttp`): a sender made from its
/// arguments by `make`, behind the shared queue and retries.
struct Queued<S> {
    exporter: Exporter,
    make: fn(&Args) -> Result<S, Error>,
}

/// Builds an OTLP exporter: its sender, queue and retries, and its `input`.
pub(crate) fn build_queued<S: Sender>(
    ctx: &Ctx,
    args: &Args,
    make: fn(&Args) -> Result<S, Error>,
) -> Result<Arc<dyn Component>, Error> {
    let retry = RetrySettings::from_args(args)?;
    let exporter =
        Exporter::new(ctx, Arc::new(make(args)?), retry, QueueSettings::from_args(args)?);
    let input = ConsumerHandle(Arc::new(exporter.clone()));
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    Ok(Arc::new(Queued { exporter, make }))
}

impl<S: Sender> Component for Queued<S> {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let sender = (self.make)(args)?;
        let retry = RetrySettings::from_args(args)?;
        let queue = QueueSettings::from_args(args)?;
        self.exporter.update(Arc::new(sender), retry, queue);
        Ok(())
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        Some(self.exporter.debug_info())
    }
}
