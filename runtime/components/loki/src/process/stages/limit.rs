//! `stage.limit`: a token bucket of `rate` entries a second and `burst`
//! at once. Over the limit an entry is dropped with `drop`, else waited
//! for (the pipeline runs off the runtime's threads, so waiting slows the
//! senders). With `by_label_name` (which needs `drop`) each value of that
//! label has its own bucket (at most `max_distinct_labels`, at least
//! 10000, the oldest forgotten first); entries without the label are not
//! limited.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{Item, Shared, Stage};

/// The reason the reference counts rate-limited drops under.
const REASON: &str = "ratelimit_drop_stage";

/// The fewest label values tracked by label, as in the reference.
const MIN_DISTINCT: f64 = 10_000.0;

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(burst: f64) -> Bucket {
        Bucket { tokens: burst, at: Instant::now() }
    }

    /// Takes a token when there is one; else how long until there is.
    fn take(&mut self, rate: f64, burst: f64) -> Result<(), Duration> {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * rate).min(burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        Err(Duration::from_secs_f64((1.0 - self.tokens) / rate))
    }
}

pub struct Limit {
    rate: f64,
    burst: f64,
    drop: bool,
    by_label: String,
    max_distinct: usize,
    bucket: Mutex<Bucket>,
    by_value: Mutex<(HashMap<String, Bucket>, VecDeque<String>)>,
    shared: Shared,
}

impl Limit {
    pub fn build(block: &Args, shared: &Shared) -> Result<Limit, ArgError> {
        let rate: f64 = block.require("rate")?;
        let burst: f64 = block.require("burst")?;
        if rate <= 0.0 || burst <= 0.0 {
            let name = if rate <= 0.0 { "rate" } else { "burst" };
            return Err(block.invalid(name, "limit stage rate and burst must be positive"));
        }
        let drop: bool = block.get("drop")?;
        let by_label: String = block.get("by_label_name")?;
        if !by_label.is_empty() && !drop {
            let why = "when rate limiting by label, drop must be true";
            return Err(block.invalid("by_label_name", why));
        }
        // The reference raises a smaller limit to this (a bucket is small).
        let max_distinct = block.get::<f64>("max_distinct_labels")?.max(MIN_DISTINCT) as usize;
        Ok(Limit {
            rate,
            burst,
            drop,
            by_label,
            max_distinct,
            bucket: Mutex::new(Bucket::full(burst)),
            by_value: Mutex::default(),
            shared: shared.clone(),
        })
    }

    /// Whether the entry's bucket for its label value has a token.
    fn allowed_by_label(&self, value: &str) -> bool {
        let mut guard = self.by_value.lock();
        let (buckets, order) = &mut *guard;
        if !buckets.contains_key(value) {
            if buckets.len() >= self.max_distinct {
                if let Some(oldest) = order.pop_front() {
                    buckets.remove(&oldest);
                }
            }
            buckets.insert(value.to_owned(), Bucket::full(self.burst));
            order.push_back(value.to_owned());
        }
        buckets.get_mut(value).is_some_and(|b| b.take(self.rate, self.burst).is_ok())
    }

    /// Waits for a token of the shared bucket; false when dropping instead.
    /// Once the component stops, what waits is dropped.
    fn wait_or_drop(&self) -> bool {
        loop {
            if self.shared.stopping.load(std::sync::atomic::Ordering::Relaxed) {
                return false;
            }
            let wait = match self.bucket.lock().take(self.rate, self.burst) {
                Ok(()) => return true,
                Err(_) if self.drop => return false,
                Err(wait) => wait,
            };
            // Short sleeps: a stop is seen within a tenth of a second.
            std::thread::sleep(wait.min(Duration::from_millis(100)));
        }
    }
}

impl Stage for Limit {
    fn apply(&self, item: &mut Item) -> bool {
        let kept = if self.by_label.is_empty() {
            self.wait_or_drop()
        } else {
            match item.entry.labels.get(&self.by_label) {
                Some(value) => self.allowed_by_label(value),
                None => true,
            }
        };
        if !kept {
            self.shared.drop_one(REASON);
        }
        kept
    }
}
