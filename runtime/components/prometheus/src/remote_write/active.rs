//! The reference's series metrics of its WAL storage, which dashboards for
//! Agent Flow chart: `agent_wal_storage_active_series`, and the series
//! created and removed. The log's series table (`wal/series.rs`) counts
//! them: a series is active from its first sample until a clean-up (every
//! `truncate_frequency`, as in the reference) finds it has had no sample
//! for `min_keepalive_time`.

use std::sync::Arc;

use river_runtime::metrics::{AtomicF64, Registry};

pub struct ActiveSeries {
    active: Arc<AtomicF64>,
    created: Arc<AtomicF64>,
    removed: Arc<AtomicF64>,
}

impl ActiveSeries {
    pub fn new(metrics: &Registry) -> ActiveSeries {
        ActiveSeries {
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

    /// After a write that made `created` series, `active` in all.
    pub fn written(&self, created: usize, active: usize) {
        self.created.add(created as f64);
        self.active.set(active as f64);
    }

    /// After a clean-up that retired `removed` series, `active` left.
    pub fn cleaned(&self, removed: usize, active: usize) {
        self.removed.add(removed as f64);
        self.active.set(active as f64);
    }
}
