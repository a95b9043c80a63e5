//! `stage.metrics`: counters, gauges and histograms computed from
//! entries, exposed with the component's metrics under `prefix` + `name`
//! and labelled with each entry's labels (and `component_id`). As the
//! reference: a metric reads its `source` extracted value (only when it
//! equals `value`, if set), a counter with `match_all` counts every entry
//! (their bytes with `count_entry_bytes`), and a series not updated for
//! `max_idle_duration` is removed. Each label set is a registry of its own
//! in `/metrics`, since the label names vary from entry to entry.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use river_runtime::args::{ArgError, Args};
use river_runtime::labels::Labels;
use river_runtime::metrics::Registry;

use super::metric::{Metric, Series};
use crate::process::pipeline::{Item, Shared, Stage};

/// A series as `/metrics` shows it: the registry that holds it (dropped
/// with it) and when it was last updated.
type Shown = (Series, Arc<Registry>, Instant);

pub struct Metrics {
    metrics: Vec<Metric>,
    /// Where series are shown, and the component's id; none in pipelines
    /// built inside other stages.
    home: Option<(Arc<river_runtime::globals::Globals>, String)>,
    /// By metric and label set: the series, its registry and last update.
    series: Mutex<HashMap<(usize, Labels), Shown>>,
    swept: Mutex<Instant>,
}

impl Metrics {
    pub fn build(block: &Args, shared: &Shared) -> Result<Metrics, ArgError> {
        let mut metrics: Vec<Metric> = Vec::new();
        for (kind, _) in &block.blocks {
            // Through `blocks` for the read to be noted, as the pipeline does.
            let index = metrics.iter().filter(|m| m.kind_name() == kind).count();
            let Some(inner) = block.blocks(kind).nth(index) else { continue };
            metrics.push(Metric::build(kind, inner)?);
        }
        Ok(Metrics {
            metrics,
            home: shared.home.clone(),
            series: Mutex::default(),
            swept: Mutex::new(Instant::now()),
        })
    }

    /// The series of metric `index` for `labels`, made on first use.
    fn with(&self, index: usize, labels: &Labels, f: impl FnOnce(&Series)) {
        let Some((globals, id)) = &self.home else { return };
        let mut series = self.series.lock();
        let key = (index, labels.clone());
        let entry = series.entry(key).or_insert_with(|| {
            let mut all = labels.clone();
            all.set("component_id", id);
            let registry = Arc::new(Registry::with_labels(all));
            globals.gatherer.register(&registry);
            (self.metrics[index].series(&registry), registry, Instant::now())
        });
        f(&entry.0);
        entry.2 = Instant::now();
    }

    /// Removes series idle for longer than their metric allows, at most
    /// once a second.
    fn sweep(&self) {
        let mut swept = self.swept.lock();
        if swept.elapsed() < Duration::from_secs(1) {
            return;
        }
        *swept = Instant::now();
        let metrics = &self.metrics;
        self.series.lock().retain(|(index, _), (_, _, at)| at.elapsed() < metrics[*index].max_idle);
    }
}

impl Stage for Metrics {
    fn apply(&self, item: &mut Item) -> bool {
        for (index, metric) in self.metrics.iter().enumerate() {
            if let Some(action) = metric.action(item) {
                self.with(index, &item.entry.labels, |series| series.record(action));
            }
        }
        self.sweep();
        true
    }
}
