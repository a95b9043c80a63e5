//! How many entries wait for the component's task: senders that can wait
//! (a file being read, a push request) wait for `room` while the backlog
//! is full, so a pipeline slower than its source slows the source down
//! instead of holding the whole source in memory. Once the component
//! stops, nobody waits.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::sync::Notify;

/// Entries that may wait before senders are asked to: a few batches of a
/// file or a push, tens of MiB at most for lines of a few KiB.
pub(super) const LIMIT: usize = 8192;

#[derive(Default)]
pub(super) struct Backlog {
    waiting: AtomicUsize,
    stopped: AtomicBool,
    freed: Notify,
}

impl Backlog {
    pub fn add(&self, entries: usize) {
        self.waiting.fetch_add(entries, Ordering::Relaxed);
    }

    /// `entries` left the backlog (processed, or dropped at stop).
    pub fn take(&self, entries: usize) {
        self.waiting
            .fetch_sub(entries.min(self.waiting.load(Ordering::Relaxed)), Ordering::Relaxed);
        self.freed.notify_waiters();
    }

    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        self.freed.notify_waiters();
    }

    /// Resolves once the backlog is under its limit, or the component
    /// has stopped.
    pub async fn room(&self) {
        loop {
            // Registered before the check, so a `take` in between wakes it.
            let freed = self.freed.notified();
            if self.stopped.load(Ordering::Relaxed) || self.waiting.load(Ordering::Relaxed) < LIMIT
            {
                return;
            }
            freed.await;
        }
    }
}
