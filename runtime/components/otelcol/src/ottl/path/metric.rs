//! A metric's paths (`ottlmetric`, and `metric.*` from a data point).

use opentelemetry_proto::tonic::metrics::v1::{metric::Data, Metric};

use super::{lookup, put_string};
use crate::ottl::value::{Pdata, Val};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricField {
    Whole,
    Name,
    Description,
    Unit,
    Type,
    AggregationTemporality,
    IsMonotonic,
    DataPoints,
}

impl MetricField {
    pub(super) fn named(name: &str) -> Option<Self> {
        use MetricField::*;
        let table = [
            ("", Whole),
            ("name", Name),
            ("description", Description),
            ("unit", Unit),
            ("type", Type),
            ("aggregation_temporality", AggregationTemporality),
            ("is_monotonic", IsMonotonic),
            ("data_points", DataPoints),
        ];
        lookup(&table, name)
    }
}

/// pdata's `MetricType` number (`METRIC_DATA_TYPE_*`) of a metric.
pub fn type_number(metric: &Metric) -> i64 {
    match &metric.data {
        None => 0,
        Some(Data::Gauge(_)) => 1,
        Some(Data::Sum(_)) => 2,
        Some(Data::Histogram(_)) => 3,
        Some(Data::ExponentialHistogram(_)) => 4,
        Some(Data::Summary(_)) => 5,
    }
}

/// pdata's name of a metric's type, as messages print it.
pub fn type_name(metric: &Metric) -> &'static str {
    ["Empty", "Gauge", "Sum", "Histogram", "ExponentialHistogram", "Summary"]
        [type_number(metric) as usize]
}

pub(super) fn get(field: MetricField, metric: &Metric) -> Result<Val, String> {
    use MetricField::*;
    Ok(match field {
        Whole => Val::pdata(Pdata::Metric(metric.clone())),
        Name => Val::Str(metric.name.clone()),
        Description => Val::Str(metric.description.clone()),
        Unit => Val::Str(metric.unit.clone()),
        Type => Val::Int(type_number(metric)),
        AggregationTemporality => match &metric.data {
            Some(Data::Sum(s)) => Val::Int(s.aggregation_temporality.into()),
            Some(Data::Histogram(h)) => Val::Int(h.aggregation_temporality.into()),
            Some(Data::ExponentialHistogram(h)) => Val::Int(h.aggregation_temporality.into()),
            _ => Val::Nil,
        },
        IsMonotonic => match &metric.data {
            Some(Data::Sum(s)) => Val::Bool(s.is_monotonic),
            _ => Val::Nil,
        },
        DataPoints => data_points(metric),
    })
}

fn data_points(metric: &Metric) -> Val {
    Val::pdata(match &metric.data {
        Some(Data::Gauge(g)) => Pdata::NumberPoints(g.data_points.clone()),
        Some(Data::Sum(s)) => Pdata::NumberPoints(s.data_points.clone()),
        Some(Data::Histogram(h)) => Pdata::HistogramPoints(h.data_points.clone()),
        Some(Data::ExponentialHistogram(h)) => Pdata::ExponentialPoints(h.data_points.clone()),
        Some(Data::Summary(s)) => Pdata::SummaryPoints(s.data_points.clone()),
        None => return Val::Nil,
    })
}

pub(super) fn set(field: MetricField, metric: &mut Metric, val: Val) -> Result<(), String> {
    use MetricField::*;
    match (field, val) {
        (Whole, Val::Pdata(p)) => {
            if let Pdata::Metric(m) = *p {
                *metric = m;
            }
        }
        (Name, val) => put_string(&mut metric.name, val),
        (Description, val) => put_string(&mut metric.description, val),
        (Unit, val) => put_string(&mut metric.unit, val),
        // The collector does not change a metric's type through its path
        // (the conversion functions do): setting it does nothing.
        (Type, _) => {}
        (AggregationTemporality, Val::Int(t)) => match &mut metric.data {
            Some(Data::Sum(s)) => s.aggregation_temporality = t as i32,
            Some(Data::Histogram(h)) => h.aggregation_temporality = t as i32,
            Some(Data::ExponentialHistogram(h)) => h.aggregation_temporality = t as i32,
            _ => {}
        },
        (IsMonotonic, Val::Bool(b)) => {
            if let Some(Data::Sum(s)) = &mut metric.data {
                s.is_monotonic = b;
            }
        }
        (DataPoints, Val::Pdata(p)) => set_data_points(metric, *p),
        _ => {}
    }
    Ok(())
}

/// Replaces the data points with a list of the metric's own kind.
fn set_data_points(metric: &mut Metric, points: Pdata) {
    match (&mut metric.data, points) {
        (Some(Data::Gauge(g)), Pdata::NumberPoints(p)) => g.data_points = p,
        (Some(Data::Sum(s)), Pdata::NumberPoints(p)) => s.data_points = p,
        (Some(Data::Histogram(h)), Pdata::HistogramPoints(p)) => h.data_points = p,
        (Some(Data::ExponentialHistogram(h)), Pdata::ExponentialPoints(p)) => h.data_points = p,
        (Some(Data::Summary(s)), Pdata::SummaryPoints(p)) => s.data_points = p,
        _ => {}
    }
}
