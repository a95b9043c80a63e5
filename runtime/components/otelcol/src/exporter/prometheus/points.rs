//! The series of one scope's points: their labels, the out-of-order
//! check, and the number and summary points.

use std::sync::Arc;
use std::time::Instant;

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::metrics::v1::{
    number_data_point, NumberDataPoint, SummaryDataPoint,
};
use river_runtime::labels::Labels;
use river_runtime::series::Sample;

use super::convert::{convert_exemplar, Base, Converted, Converter, Options, NO_RECORDED_VALUE};
use crate::attributes::{as_string, normalize_label};

/// Writes the series of one scope's points.
pub struct Series<'a> {
    pub(super) conv: &'a Converter,
    pub(super) base: &'a Base,
    pub(super) opts: Options,
    pub(super) resource: &'a [KeyValue],
}

impl Series<'_> {
    /// The labels of `name` for a point with `attrs`, and `extra` (`le`,
    /// `quantile`).
    pub fn labels(&self, name: &str, attrs: &[KeyValue], extra: Option<(&str, String)>) -> Labels {
        let mut pairs = vec![
            ("__name__".to_owned(), name.to_owned()),
            ("job".into(), self.base.job.clone()),
            ("instance".into(), self.base.instance.clone()),
        ];
        pairs.extend(extra.map(|(k, v)| (k.to_owned(), v)));
        if self.opts.include_scope_labels {
            pairs.push(("otel_scope_name".into(), self.base.scope_name.clone()));
            pairs.push(("otel_scope_version".into(), self.base.scope_version.clone()));
        }
        let mut merged: Vec<&KeyValue> = attrs.iter().collect();
        if self.opts.resource_to_telemetry {
            // The resource's attributes are joined into the point's, winning.
            merged.retain(|kv| self.resource.iter().all(|r| r.key != kv.key));
            merged.extend(self.resource);
        }
        pairs.extend(
            merged.iter().map(|kv| (normalize_label(&kv.key), as_string(kv.value.as_ref()))),
        );
        Labels::from_pairs(pairs)
    }

    /// Whether a point at `ns` is new for `labels` (and it is now the last).
    pub fn in_order(&self, labels: &Labels, ns: u64) -> bool {
        let mut series = self.conv.series.lock();
        let entry = series.entry(labels.clone()).or_insert((0, Instant::now()));
        entry.1 = Instant::now();
        if ns < entry.0 {
            return false;
        }
        entry.0 = ns;
        true
    }

    /// Writes one float sample, unless out of order.
    pub fn write(
        &self,
        labels: Labels,
        ns: u64,
        flags: u32,
        value: f64,
        out: &mut Converted,
    ) -> bool {
        if !self.in_order(&labels, ns) {
            return false;
        }
        let value = if flags & NO_RECORDED_VALUE != 0 {
            river_runtime::series::stale_marker()
        } else {
            value
        };
        out.samples.push(Sample::float(labels, (ns / 1_000_000) as i64, value));
        true
    }

    pub(super) fn number(
        &self,
        name: &str,
        dp: &NumberDataPoint,
        counter: bool,
        out: &mut Converted,
    ) {
        let value = match dp.value {
            Some(number_data_point::Value::AsDouble(d)) => d,
            Some(number_data_point::Value::AsInt(i)) => i as f64,
            None => 0.0,
        };
        let labels = self.labels(name, &dp.attributes, None);
        let written = self.write(labels, dp.time_unix_nano, dp.flags, value, out);
        if written && counter {
            if let (Some(sample), Some(e)) = (out.samples.last_mut(), dp.exemplars.last()) {
                sample.exemplar = Some(Arc::new(convert_exemplar(e)));
            }
        }
    }

    pub(super) fn summary(&self, name: &str, dp: &SummaryDataPoint, out: &mut Converted) {
        let (ns, flags) = (dp.time_unix_nano, dp.flags);
        let sum = self.labels(&format!("{name}_sum"), &dp.attributes, None);
        self.write(sum, ns, flags, dp.sum, out);
        let count = self.labels(&format!("{name}_count"), &dp.attributes, None);
        self.write(count, ns, flags, dp.count as f64, out);
        for q in &dp.quantile_values {
            let quantile = Some(("quantile", crate::attributes::float(q.quantile)));
            let labels = self.labels(name, &dp.attributes, quantile);
            self.write(labels, ns, flags, q.value, out);
        }
    }
}
