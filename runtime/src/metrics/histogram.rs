//! Histograms: counts of observations under fixed upper bounds, with their
//! sum and count, as Prometheus's client libraries keep them.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{exposition_labels, format_value, AtomicF64};
use crate::labels::Labels;

/// Prometheus's default buckets, in seconds: what latencies use.
pub const LATENCY_BUCKETS: [f64; 11] =
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Buckets for message sizes in bytes: 256 B to 256 MiB, by factors of 4.
pub const SIZE_BUCKETS: [f64; 11] = [
    256.0,
    1024.0,
    4096.0,
    16384.0,
    65536.0,
    262144.0,
    1048576.0,
    4194304.0,
    16777216.0,
    67108864.0,
    268435456.0,
];

#[derive(Debug)]
pub struct Histogram {
    bounds: Vec<f64>,
    /// Observations in each bucket alone (not cumulative); the last one is
    /// above every bound.
    counts: Vec<AtomicU64>,
    sum: AtomicF64,
}

impl Histogram {
    pub fn new(bounds: &[f64]) -> Histogram {
        Histogram {
            bounds: bounds.to_vec(),
            counts: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicF64::default(),
        }
    }

    pub fn observe(&self, value: f64) {
        let bucket =
            self.bounds.iter().position(|bound| value <= *bound).unwrap_or(self.bounds.len());
        self.counts[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum.add(value);
    }

    /// The `_bucket`, `_sum` and `_count` lines of this series.
    pub(super) fn write(&self, name: &str, labels: &Labels, out: &mut Vec<String>) {
        let mut cumulative = 0u64;
        for (i, count) in self.counts.iter().enumerate() {
            cumulative += count.load(Ordering::Relaxed);
            let le = self.bounds.get(i).map_or("+Inf".to_owned(), |b| format_value(*b));
            let mut with_le = labels.clone();
            with_le.set("le", &le);
            out.push(format!("{name}_bucket{} {cumulative}", exposition_labels(&with_le)));
        }
        let labels = exposition_labels(labels);
        let mut line = String::new();
        let _ = write!(line, "{name}_sum{labels} {}", format_value(self.sum.get()));
        out.push(line);
        out.push(format!("{name}_count{labels} {cumulative}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_end_with_inf() {
        let h = Histogram::new(&[1.0, 5.0]);
        for v in [0.5, 1.0, 3.0, 7.0] {
            h.observe(v);
        }
        let mut lines = Vec::new();
        h.write("x", &Labels::from_pairs([("a", "b")]), &mut lines);
        assert_eq!(
            lines,
            [
                "x_bucket{a=\"b\",le=\"1\"} 2",
                "x_bucket{a=\"b\",le=\"5\"} 3",
                "x_bucket{a=\"b\",le=\"+Inf\"} 4",
                "x_sum{a=\"b\"} 11.5",
                "x_count{a=\"b\"} 4",
            ]
        );
    }
}
