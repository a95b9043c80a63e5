//! The reference's series metrics of its WAL storage, which dashboards for
//! Agent Flow chart: `agent_wal_storage_active_series`, and the series
//! created and removed. This log stores samples with their whole label
//! sets, so the series are counted beside it: a series is active from its
//! first sample until a clean-up (every `truncate_frequency`, as in the
//! reference) finds it has had no sample for `min_keepalive_time`.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use river_runtime::labels::Labels;
use river_runtime::metrics::{AtomicF64, Registry};
use river_runtime::series::Sample;

pub struct ActiveSeries {
    /// Each series' newest sample timestamp (milliseconds).
    newest: Mutex<HashMap<Labels, i64>>,
    active: Arc<AtomicF64>,
    created: Arc<AtomicF64>,
    removed: Arc<AtomicF64>,
}

impl ActiveSeries {
    pub fn new(metrics: &Registry) -> ActiveSeries {
        ActiveSeries {
            newest: Mutex::default(),
            active: metrics.gauge(
                "agent_wal_storage_active_series",
                "Series with a sample in the WAL since the last clean-up.",
            ),
            created: metrics.counter(
                "agent_wal_storage_created_series_total",
                "Series that got their first sample in the WAL.",
            ),
            removed: metrics.counter(
                "agent_wal_storage_removed_series_total",
                "Series forgotten by a clean-up for having no recent sample.",
            ),
        }
    }

    /// Counts the series of samples just written to the log.
    pub fn written(&self, samples: &[Sample]) {
        let mut newest = self.newest.lock();
        let before = newest.len();
        for sample in samples {
            match newest.get_mut(&sample.labels) {
                Some(at) => *at = (*at).max(sample.timestamp),
                None => {
                    newest.insert(sample.labels.clone(), sample.timestamp);
                }
            }
        }
        self.created.add((newest.len() - before) as f64);
        self.active.set(newest.len() as f64);
    }

    /// Forgets the series whose newest sample is older than `before_ms`.
    pub fn clean_up(&self, before_ms: i64) {
        let mut newest = self.newest.lock();
        let before = newest.len();
        newest.retain(|_, at| *at >= before_ms);
        self.removed.add((before - newest.len()) as f64);
        self.active.set(newest.len() as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str, timestamp: i64) -> Sample {
        Sample::float(Labels::from_pairs([("__name__", name)]), timestamp, 1.0)
    }

    #[test]
    fn series_are_active_until_a_clean_up_finds_them_idle() {
        let registry = Registry::default();
        let series = ActiveSeries::new(&registry);
        series.written(&[sample("a", 1_000), sample("b", 1_000), sample("a", 2_000)]);
        series.written(&[sample("b", 5_000), sample("c", 5_000)]);
        assert_eq!(series.active.get(), 3.0);
        assert_eq!(series.created.get(), 3.0);
        series.clean_up(3_000);
        assert_eq!((series.active.get(), series.removed.get()), (2.0, 1.0));
        series.written(&[sample("a", 6_000)]);
        assert_eq!((series.active.get(), series.created.get()), (3.0, 4.0));
    }
}
