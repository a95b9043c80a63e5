//! `/api/v0/web/debug/{id}` (Alloy's route): a component's live data as
//! server-sent events, one line an event, at most `PER_SECOND` lines a
//! second (the rest are counted and said to be skipped, so a busy
//! pipeline cannot flood the browser). While live debugging is off, one
//! `off` event says how to turn it on, and the stream ends.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::controller::Controller;

const PER_SECOND: u32 = 50;

pub(super) async fn stream(
    State(controller): State<Controller>,
    Path(id): Path<String>,
) -> Response {
    let Some(info) = controller.component(&id) else {
        return (StatusCode::NOT_FOUND, format!("no component {id:?}\n")).into_response();
    };
    let Some(receiver) = controller.globals().live.watch(&id) else {
        let off = Event::default()
            .event("off")
            .data("live debugging is off: add `livedebugging { enabled = true }` to the config");
        return Sse::new(stream::iter([Ok::<_, Infallible>(off)])).into_response();
    };
    // What it exports now first (a discovery's targets), then what
    // passes from here on.
    let now = crate::component::export_lines(&info.exports);
    let now = stream::iter(now.into_iter().map(|line| Ok(Event::default().data(line))));
    let state = (receiver, Limiter::default());
    let events = stream::unfold(state, |(mut receiver, mut limiter)| async move {
        let event = next(&mut receiver, &mut limiter).await?;
        Some((Ok::<_, Infallible>(event), (receiver, limiter)))
    });
    let events = futures_util::StreamExt::chain(now, events);
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(10))).into_response()
}

/// The next line to send; `None` once live debugging turns off.
async fn next(
    receiver: &mut broadcast::Receiver<Arc<str>>,
    limiter: &mut Limiter,
) -> Option<Event> {
    loop {
        match receiver.recv().await {
            Ok(line) => {
                if let Some(text) = limiter.admit(&line) {
                    return Some(Event::default().data(text));
                }
            }
            Err(RecvError::Lagged(missed)) => {
                return Some(
                    Event::default().data(format!("… {missed} lines skipped (fell behind)")),
                );
            }
            Err(RecvError::Closed) => return None,
        }
    }
}

/// At most `PER_SECOND` lines in each second.
struct Limiter {
    window: Instant,
    sent: u32,
    skipped: u64,
}

impl Default for Limiter {
    fn default() -> Limiter {
        Limiter { window: Instant::now(), sent: 0, skipped: 0 }
    }
}

impl Limiter {
    /// The line to send (saying how many were skipped before it), or
    /// `None` to skip it.
    fn admit(&mut self, line: &str) -> Option<String> {
        if self.window.elapsed() >= Duration::from_secs(1) {
            self.window = Instant::now();
            self.sent = 0;
        }
        if self.sent >= PER_SECOND {
            self.skipped += 1;
            return None;
        }
        self.sent += 1;
        match std::mem::take(&mut self.skipped) {
            0 => Some(line.to_owned()),
            n => Some(format!("… {n} lines skipped (rate limit)\n{line}")),
        }
    }
}
