//! The `wal` block: how long the log keeps segments, and how often it is
//! cleaned up.
//!
//! Segments are removed as soon as every endpoint has delivered them and
//! their last write is `min_keepalive_time` old (checked as deliveries
//! move on, which keeps the disk small), and at least every
//! `truncate_frequency`, which is also when segments older than
//! `max_keepalive_time` go whether delivered or not, and when series with
//! no sample for `min_keepalive_time` stop counting as active.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::wal::Keepalive;
use super::Shared;
use river_runtime::args::{ArgError, Args};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub keep: Keepalive,
    pub truncate_frequency: Duration,
}

impl Retention {
    /// The block's settings with the reference's defaults (2 h, 5 min, 8 h).
    pub fn from_args(args: &Args) -> Result<Retention, ArgError> {
        let wal = args.block_or_empty("wal");
        let retention = Retention {
            truncate_frequency: wal.get("truncate_frequency")?,
            keep: Keepalive {
                min: wal.get("min_keepalive_time")?,
                max: wal.get("max_keepalive_time")?,
            },
        };
        if retention.truncate_frequency.is_zero() {
            return Err(wal.invalid("truncate_frequency", "must be greater than 0"));
        }
        if retention.keep.max < retention.keep.min {
            let message = "must not be less than min_keepalive_time";
            return Err(wal.invalid("max_keepalive_time", message));
        }
        Ok(retention)
    }
}

/// Cleans the log up every `truncate_frequency` (as it is now) until
/// `stop`.
pub async fn run(shared: Arc<Shared>, stop: CancellationToken) {
    let mut last = Instant::now();
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
        let retention = *shared.retention.read();
        if last.elapsed() >= retention.truncate_frequency {
            shared.truncate();
            let idle = retention.keep.min.as_millis() as i64;
            let removed = shared.wal.clean_up(river_runtime::series::now_ms() - idle);
            shared.series.cleaned(removed, shared.wal.active_series());
            last = Instant::now();
        }
    }
}
