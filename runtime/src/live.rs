//! Live debugging (Alloy's, behind its `livedebugging { enabled = true }`
//! block): what passes through a component right now, one line per
//! sample, log entry or target, streamed to the UI while someone watches.
//! Components hand their data to `Ctx::live_*`, which costs one atomic
//! load while the block is off and one map lookup while nobody watches
//! that component; lines are only formatted for a watcher. Each component
//! also counts what it sends on, for the data rates the graph shows on
//! its edges. Secrets never appear: samples and entries hold none, and
//! targets are labels.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use tokio::sync::broadcast;

/// How many lines a slow watcher may fall behind before it misses some.
const BACKLOG: usize = 1024;

#[derive(Default)]
pub struct LiveHub {
    enabled: AtomicBool,
    watchers: Mutex<HashMap<String, broadcast::Sender<Arc<str>>>>,
    /// Items each component sent on, and the rate last measured.
    sent: Mutex<HashMap<String, Rate>>,
}

#[derive(Clone, Copy)]
struct Rate {
    total: u64,
    since: Instant,
    at_since: u64,
    per_second: f64,
}

impl LiveHub {
    pub fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::Relaxed);
        if !enabled {
            self.watchers.lock().clear();
            self.sent.lock().clear();
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// The lines of component `id` from now on; `None` while the block is
    /// off.
    pub fn watch(&self, id: &str) -> Option<broadcast::Receiver<Arc<str>>> {
        if !self.enabled() {
            return None;
        }
        let mut watchers = self.watchers.lock();
        let sender = watchers.entry(id.to_owned()).or_insert_with(|| broadcast::channel(BACKLOG).0);
        Some(sender.subscribe())
    }

    /// Sends the lines `make` gives, if someone watches `id`.
    pub fn publish(&self, id: &str, make: impl FnOnce() -> Vec<String>) {
        if !self.enabled() {
            return;
        }
        let sender = {
            let mut watchers = self.watchers.lock();
            match watchers.get(id) {
                Some(sender) if sender.receiver_count() > 0 => sender.clone(),
                Some(_) => {
                    watchers.remove(id); // everyone left
                    return;
                }
                None => return,
            }
        };
        for line in make() {
            let _ = sender.send(line.into());
        }
    }

    /// Counts `count` items sent on by `id`, for the graph's rates.
    pub fn count(&self, id: &str, count: usize) {
        if !self.enabled() {
            return;
        }
        let mut sent = self.sent.lock();
        let now = Instant::now();
        let rate = sent.entry(id.to_owned()).or_insert(Rate {
            total: 0,
            since: now,
            at_since: 0,
            per_second: 0.0,
        });
        rate.total += count as u64;
    }

    /// Items per second each component sent on, measured over the time
    /// since the last call (at least a second apart).
    pub fn rates(&self) -> HashMap<String, f64> {
        let mut sent = self.sent.lock();
        let now = Instant::now();
        sent.iter_mut()
            .map(|(id, rate)| {
                let elapsed = now.duration_since(rate.since).as_secs_f64();
                if elapsed >= 1.0 {
                    rate.per_second = (rate.total - rate.at_since) as f64 / elapsed;
                    rate.since = now;
                    rate.at_since = rate.total;
                }
                (id.clone(), rate.per_second)
            })
            .collect()
    }
}

/// A component's handle for live debugging, for code that holds no
/// `Ctx` (a receiver shared with other components' tasks).
#[derive(Clone)]
pub struct LiveTap {
    pub(crate) globals: Arc<crate::globals::Globals>,
    pub(crate) id: Arc<str>,
}

impl LiveTap {
    /// Samples passed on (or taken in): see `Ctx::live_samples`.
    pub fn samples(&self, samples: &[crate::series::Sample]) {
        let live = &self.globals.live;
        if live.enabled() {
            live.count(&self.id, samples.len());
            live.publish(&self.id, || samples.iter().map(crate::component::sample_line).collect());
        }
    }

    /// `count` items of another kind (OTLP data) passed on, shown as the
    /// lines `make` gives.
    pub fn items(&self, count: usize, make: impl FnOnce() -> Vec<String>) {
        let live = &self.globals.live;
        if live.enabled() {
            live.count(&self.id, count);
            live.publish(&self.id, make);
        }
    }

    /// Log entries passed on (or taken in): see `Ctx::live_logs`.
    pub fn logs(&self, entries: &[crate::logs::Entry]) {
        let live = &self.globals.live;
        if live.enabled() {
            live.count(&self.id, entries.len());
            live.publish(&self.id, || entries.iter().map(crate::component::entry_line).collect());
        }
    }
}
