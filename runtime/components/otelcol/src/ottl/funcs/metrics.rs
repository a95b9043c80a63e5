//! The transform processor's metric functions (`convert_sum_to_gauge`,
//! `convert_gauge_to_sum`, `convert_summary_count_val_to_sum`,
//! `convert_summary_sum_val_to_sum` in the `datapoint` context;
//! `extract_sum_metric`, `extract_count_metric`, `copy_metric` in the
//! `metric` one) and the filter processor's `HasAttrKeyOnDatapoint` and
//! `HasAttrOnDatapoint`. New metrics go to the end of the scope's list,
//! where the statements being run reach them too, as in the collector.

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value as Number;
use opentelemetry_proto::tonic::metrics::v1::{metric::Data, Gauge, Metric, NumberDataPoint, Sum};

use super::Editor;
use crate::attributes::as_string;
use crate::ottl::eval::get;
use crate::ottl::item::Item;
use crate::ottl::path::metric_type_name;
use crate::ottl::typed;
use crate::ottl::value::map_get;

/// `AGGREGATION_TEMPORALITY_CUMULATIVE`, which summaries are taken to be.
const CUMULATIVE: i32 = 2;

pub(super) fn run(editor: &Editor, item: &mut Item) -> Result<(), String> {
    match editor {
        Editor::ConvertSumToGauge => {
            let metric = item.metric_mut()?;
            if let Some(Data::Sum(sum)) = metric.data.take_if(|d| matches!(d, Data::Sum(_))) {
                metric.data = Some(Data::Gauge(Gauge { data_points: sum.data_points }));
            }
            Ok(())
        }
        Editor::ConvertGaugeToSum(temporality, monotonic) => {
            let metric = item.metric_mut()?;
            if let Some(Data::Gauge(g)) = metric.data.take_if(|d| matches!(d, Data::Gauge(_))) {
                let (data_points, aggregation_temporality) = (g.data_points, *temporality);
                let is_monotonic = *monotonic;
                metric.data =
                    Some(Data::Sum(Sum { data_points, aggregation_temporality, is_monotonic }));
            }
            Ok(())
        }
        Editor::ConvertSummaryToSum(count, temporality, monotonic) => {
            let Some(new) = summary_sum(item.metric()?, *count, *temporality, *monotonic) else {
                return Ok(());
            };
            item.metrics_mut()?.push(new);
            Ok(())
        }
        Editor::ExtractMetric(count, monotonic) => {
            if let Some(new) = extract(item.metric()?, *count, *monotonic)? {
                item.metrics_mut()?.push(new);
            }
            Ok(())
        }
        Editor::CopyMetric(fields) => copy(fields, item),
        _ => Err("not an editor of this module".into()),
    }
}

/// A metric named after `metric` with a suffix, whose data is a sum.
fn sum_metric(metric: &Metric, suffix: &str, sum: Sum) -> Metric {
    Metric {
        name: format!("{}{suffix}", metric.name),
        description: metric.description.clone(),
        unit: metric.unit.clone(),
        data: Some(Data::Sum(sum)),
        ..Default::default()
    }
}

/// A sum point with a data point's attributes and times.
fn point(attributes: &[KeyValue], start: u64, time: u64, value: Number) -> NumberDataPoint {
    NumberDataPoint {
        attributes: attributes.to_vec(),
        start_time_unix_nano: start,
        time_unix_nano: time,
        value: Some(value),
        ..Default::default()
    }
}

/// One histogram or summary point: where it is, its count and its sum.
struct Stat<'a> {
    attributes: &'a [KeyValue],
    start: u64,
    time: u64,
    count: u64,
    sum: Option<f64>,
}

impl Stat<'_> {
    /// A sum point of the count or the sum (none for a missing sum).
    fn point(&self, count: bool) -> Option<NumberDataPoint> {
        let value = match count {
            true => Number::AsInt(self.count as i64),
            false => Number::AsDouble(self.sum?),
        };
        Some(point(self.attributes, self.start, self.time, value))
    }
}

/// The points of a histogram or summary, and the temporality a sum made
/// of them gets (summaries are taken to be cumulative).
fn stats(metric: &Metric) -> Option<(i32, Vec<Stat<'_>>)> {
    Some(match &metric.data {
        Some(Data::Histogram(h)) => (
            h.aggregation_temporality,
            h.data_points
                .iter()
                .map(|p| Stat {
                    attributes: &p.attributes,
                    start: p.start_time_unix_nano,
                    time: p.time_unix_nano,
                    count: p.count,
                    sum: p.sum,
                })
                .collect(),
        ),
        Some(Data::ExponentialHistogram(h)) => (
            h.aggregation_temporality,
            h.data_points
                .iter()
                .map(|p| Stat {
                    attributes: &p.attributes,
                    start: p.start_time_unix_nano,
                    time: p.time_unix_nano,
                    count: p.count,
                    sum: p.sum,
                })
                .collect(),
        ),
        Some(Data::Summary(s)) => (
            CUMULATIVE,
            s.data_points
                .iter()
                .map(|p| Stat {
                    attributes: &p.attributes,
                    start: p.start_time_unix_nano,
                    time: p.time_unix_nano,
                    count: p.count,
                    sum: Some(p.sum),
                })
                .collect(),
        ),
        _ => return None,
    })
}

/// A sum of the points' counts or sums, named with `_count` or `_sum`.
fn sum_of(
    metric: &Metric,
    stats: &[Stat],
    count: bool,
    temporality: i32,
    monotonic: bool,
) -> Metric {
    let data_points = stats.iter().filter_map(|s| s.point(count)).collect();
    let sum = Sum { data_points, aggregation_temporality: temporality, is_monotonic: monotonic };
    sum_metric(metric, if count { "_count" } else { "_sum" }, sum)
}

/// `convert_summary_{count,sum}_val_to_sum`: a new sum of a summary's
/// counts or sums. It runs for each data point of the summary, so a
/// summary of several points gets as many new metrics, as in the
/// collector of this version.
fn summary_sum(metric: &Metric, count: bool, temporality: i32, monotonic: bool) -> Option<Metric> {
    if !matches!(metric.data, Some(Data::Summary(_))) {
        return None;
    }
    let (_, stats) = stats(metric)?;
    Some(sum_of(metric, &stats, count, temporality, monotonic))
}

/// `extract_{count,sum}_metric`: a new sum of a histogram's or summary's
/// counts or sums (histogram points without a sum give none); nothing
/// when no point gives one.
fn extract(metric: &Metric, count: bool, monotonic: bool) -> Result<Option<Metric>, String> {
    let Some((temporality, stats)) = stats(metric) else {
        let name = if count { "extract_count_metric" } else { "extract_sum_metric" };
        return Err(format!(
            "{name} requires an input metric of type Histogram, ExponentialHistogram or Summary, got {}",
            metric_type_name(metric)
        ));
    };
    let new = sum_of(metric, &stats, count, temporality, monotonic);
    let Some(Data::Sum(sum)) = &new.data else { return Ok(None) };
    Ok((!sum.data_points.is_empty()).then_some(new))
}

/// `copy_metric`: a copy at the end of the list, then renamed,
/// described and given a unit when asked (an error in one of those
/// leaves the copy as it is, as in the collector).
fn copy(fields: &[Option<crate::ottl::compile::Getter>; 3], item: &mut Item) -> Result<(), String> {
    let copy = item.metric()?.clone();
    let metrics = item.metrics_mut()?;
    metrics.push(copy);
    let index = metrics.len() - 1;
    for (i, field) in fields.iter().enumerate() {
        let Some(getter) = field else { continue };
        let value = typed::string(get(getter, item)?)?;
        let copy = &mut item.metrics_mut()?[index];
        *[&mut copy.name, &mut copy.description, &mut copy.unit][i] = value;
    }
    Ok(())
}

/// `HasAttrKeyOnDatapoint` and `HasAttrOnDatapoint`: whether the first
/// data point with attribute `key` has it (with the value `expected`,
/// compared as a string).
pub(super) fn has_attr(
    item: &Item,
    key: &str,
    expected: Option<&String>,
) -> Result<crate::ottl::value::Val, String> {
    let metric = item.metric()?;
    let attributes: Vec<&[KeyValue]> = match &metric.data {
        Some(Data::Gauge(g)) => g.data_points.iter().map(|p| &p.attributes[..]).collect(),
        Some(Data::Sum(s)) => s.data_points.iter().map(|p| &p.attributes[..]).collect(),
        Some(Data::Histogram(h)) => h.data_points.iter().map(|p| &p.attributes[..]).collect(),
        Some(Data::ExponentialHistogram(h)) => {
            h.data_points.iter().map(|p| &p.attributes[..]).collect()
        }
        Some(Data::Summary(s)) => s.data_points.iter().map(|p| &p.attributes[..]).collect(),
        None => return Err("unknown metric type".into()),
    };
    let found = attributes.iter().find_map(|attrs| map_get(attrs, key));
    let matches = match (found, expected) {
        (None, _) => false,
        (Some(_), None) => true,
        // pdata's `Str()` of a value that is no string is "".
        (Some(kv), Some(expected)) => string_of(kv) == *expected,
    };
    Ok(crate::ottl::value::Val::Bool(matches))
}

fn string_of(kv: &KeyValue) -> String {
    match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(_)) => {
            as_string(kv.value.as_ref())
        }
        _ => String::new(),
    }
}
