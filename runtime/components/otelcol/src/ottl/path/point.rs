//! A data point's paths (`ottldatapoint`). A field its metric type does
//! not have reads as nil and ignores what is written to it, as the
//! collector's accessors do.

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::metrics::v1::exponential_histogram_data_point::Buckets;
use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value as Number;
use river_ottl::ast::KeyValue as Key;

use super::{keys, lookup, put_time, put_u64};
use crate::ottl::item::{Point, PointMut};
use crate::ottl::value::{time_of, Pdata, Val};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointField {
    Attributes,
    StartTimeUnixNano,
    TimeUnixNano,
    StartTime,
    Time,
    ValueDouble,
    ValueInt,
    Exemplars,
    Flags,
    Count,
    Sum,
    BucketCounts,
    ExplicitBounds,
    Scale,
    ZeroCount,
    Positive,
    PositiveOffset,
    PositiveBucketCounts,
    Negative,
    NegativeOffset,
    NegativeBucketCounts,
    QuantileValues,
}

impl PointField {
    pub(super) fn named(name: &str) -> Option<Self> {
        use PointField::*;
        #[rustfmt::skip]
        let table = [
            ("attributes", Attributes), ("start_time_unix_nano", StartTimeUnixNano),
            ("time_unix_nano", TimeUnixNano), ("start_time", StartTime), ("time", Time),
            ("value_double", ValueDouble), ("value_int", ValueInt), ("exemplars", Exemplars),
            ("flags", Flags), ("count", Count), ("sum", Sum), ("bucket_counts", BucketCounts),
            ("explicit_bounds", ExplicitBounds), ("scale", Scale), ("zero_count", ZeroCount),
            ("positive", Positive), ("positive.offset", PositiveOffset),
            ("positive.bucket_counts", PositiveBucketCounts), ("negative", Negative),
            ("negative.offset", NegativeOffset), ("negative.bucket_counts", NegativeBucketCounts),
            ("quantile_values", QuantileValues),
        ];
        lookup(&table, name)
    }
}

/// The fields every kind of data point has.
struct Common<'p> {
    attributes: &'p [KeyValue],
    start: u64,
    time: u64,
    flags: u32,
}

fn common<'p>(point: &Point<'p>) -> Common<'p> {
    match point {
        Point::Number(p) => Common {
            attributes: &p.attributes,
            start: p.start_time_unix_nano,
            time: p.time_unix_nano,
            flags: p.flags,
        },
        Point::Histogram(p) => Common {
            attributes: &p.attributes,
            start: p.start_time_unix_nano,
            time: p.time_unix_nano,
            flags: p.flags,
        },
        Point::Exponential(p) => Common {
            attributes: &p.attributes,
            start: p.start_time_unix_nano,
            time: p.time_unix_nano,
            flags: p.flags,
        },
        Point::Summary(p) => Common {
            attributes: &p.attributes,
            start: p.start_time_unix_nano,
            time: p.time_unix_nano,
            flags: p.flags,
        },
    }
}

pub(super) fn get(field: PointField, point: Point, keys: &[Key]) -> Result<Val, String> {
    use PointField::*;
    let c = common(&point);
    Ok(match field {
        Attributes => return keys::get_attrs(c.attributes, keys),
        StartTimeUnixNano => Val::Int(c.start as i64),
        TimeUnixNano => Val::Int(c.time as i64),
        StartTime => time_of(c.start),
        Time => time_of(c.time),
        Flags => Val::Int(c.flags.into()),
        _ => specific(field, &point),
    })
}

/// A field only some kinds of data point have; nil for the others.
fn specific(field: PointField, point: &Point) -> Val {
    use PointField::*;
    let buckets = |b: &Option<Buckets>| b.clone().unwrap_or_default();
    match (field, point) {
        (ValueDouble, Point::Number(p)) => Val::Float(match p.value {
            Some(Number::AsDouble(d)) => d,
            _ => 0.0,
        }),
        (ValueInt, Point::Number(p)) => Val::Int(match p.value {
            Some(Number::AsInt(i)) => i,
            _ => 0,
        }),
        (Exemplars, Point::Number(p)) => Val::pdata(Pdata::Exemplars(p.exemplars.clone())),
        (Exemplars, Point::Histogram(p)) => Val::pdata(Pdata::Exemplars(p.exemplars.clone())),
        (Exemplars, Point::Exponential(p)) => Val::pdata(Pdata::Exemplars(p.exemplars.clone())),
        (Count, Point::Histogram(p)) => Val::Int(p.count as i64),
        (Count, Point::Exponential(p)) => Val::Int(p.count as i64),
        (Count, Point::Summary(p)) => Val::Int(p.count as i64),
        (Sum, Point::Histogram(p)) => Val::Float(p.sum.unwrap_or_default()),
        (Sum, Point::Exponential(p)) => Val::Float(p.sum.unwrap_or_default()),
        (Sum, Point::Summary(p)) => Val::Float(p.sum),
        (BucketCounts, Point::Histogram(p)) => Val::Counts(p.bucket_counts.clone()),
        (ExplicitBounds, Point::Histogram(p)) => Val::Bounds(p.explicit_bounds.clone()),
        (Scale, Point::Exponential(p)) => Val::Int(p.scale.into()),
        (ZeroCount, Point::Exponential(p)) => Val::Int(p.zero_count as i64),
        (Positive, Point::Exponential(p)) => Val::pdata(Pdata::Buckets(buckets(&p.positive))),
        (Negative, Point::Exponential(p)) => Val::pdata(Pdata::Buckets(buckets(&p.negative))),
        (PositiveOffset, Point::Exponential(p)) => Val::Int(buckets(&p.positive).offset.into()),
        (NegativeOffset, Point::Exponential(p)) => Val::Int(buckets(&p.negative).offset.into()),
        (PositiveBucketCounts, Point::Exponential(p)) => {
            Val::Counts(buckets(&p.positive).bucket_counts)
        }
        (NegativeBucketCounts, Point::Exponential(p)) => {
            Val::Counts(buckets(&p.negative).bucket_counts)
        }
        (QuantileValues, Point::Summary(p)) => {
            Val::pdata(Pdata::Quantiles(p.quantile_values.clone()))
        }
        _ => Val::Nil,
    }
}

/// The fields every kind of data point has, to change.
struct CommonMut<'p> {
    attributes: &'p mut Vec<KeyValue>,
    start: &'p mut u64,
    time: &'p mut u64,
    flags: &'p mut u32,
}

fn common_mut<'p>(point: &'p mut PointMut) -> CommonMut<'p> {
    match point {
        PointMut::Number(p) => CommonMut {
            attributes: &mut p.attributes,
            start: &mut p.start_time_unix_nano,
            time: &mut p.time_unix_nano,
            flags: &mut p.flags,
        },
        PointMut::Histogram(p) => CommonMut {
            attributes: &mut p.attributes,
            start: &mut p.start_time_unix_nano,
            time: &mut p.time_unix_nano,
            flags: &mut p.flags,
        },
        PointMut::Exponential(p) => CommonMut {
            attributes: &mut p.attributes,
            start: &mut p.start_time_unix_nano,
            time: &mut p.time_unix_nano,
            flags: &mut p.flags,
        },
        PointMut::Summary(p) => CommonMut {
            attributes: &mut p.attributes,
            start: &mut p.start_time_unix_nano,
            time: &mut p.time_unix_nano,
            flags: &mut p.flags,
        },
    }
}

pub(super) fn set(
    field: PointField,
    mut point: PointMut,
    keys: &[Key],
    val: Val,
) -> Result<(), String> {
    use PointField::*;
    let c = common_mut(&mut point);
    match field {
        Attributes => return keys::set_attrs(c.attributes, keys, val),
        StartTimeUnixNano => put_u64(c.start, &val),
        TimeUnixNano => put_u64(c.time, &val),
        StartTime => put_time(c.start, &val),
        Time => put_time(c.time, &val),
        Flags => {
            if let Val::Int(f) = val {
                *c.flags = f as u32;
            }
        }
        _ => set_specific(field, point, val),
    }
    Ok(())
}

fn set_specific(field: PointField, point: PointMut, val: Val) {
    use PointField::*;
    match (field, point, val) {
        (ValueDouble, PointMut::Number(p), Val::Float(d)) => p.value = Some(Number::AsDouble(d)),
        (ValueInt, PointMut::Number(p), Val::Int(i)) => p.value = Some(Number::AsInt(i)),
        (Exemplars, point, Val::Pdata(e)) => {
            let Pdata::Exemplars(e) = *e else { return };
            match point {
                PointMut::Number(p) => p.exemplars = e,
                PointMut::Histogram(p) => p.exemplars = e,
                PointMut::Exponential(p) => p.exemplars = e,
                PointMut::Summary(_) => {}
            }
        }
        (Count, PointMut::Histogram(p), Val::Int(n)) => p.count = n as u64,
        (Count, PointMut::Exponential(p), Val::Int(n)) => p.count = n as u64,
        (Count, PointMut::Summary(p), Val::Int(n)) => p.count = n as u64,
        (Sum, PointMut::Histogram(p), Val::Float(s)) => p.sum = Some(s),
        (Sum, PointMut::Exponential(p), Val::Float(s)) => p.sum = Some(s),
        (Sum, PointMut::Summary(p), Val::Float(s)) => p.sum = s,
        (BucketCounts, PointMut::Histogram(p), Val::Counts(c)) => p.bucket_counts = c,
        (ExplicitBounds, PointMut::Histogram(p), Val::Bounds(b)) => p.explicit_bounds = b,
        (Scale, PointMut::Exponential(p), Val::Int(s)) => p.scale = s as i32,
        (ZeroCount, PointMut::Exponential(p), Val::Int(n)) => p.zero_count = n as u64,
        (Positive | Negative, PointMut::Exponential(p), Val::Pdata(b)) => {
            let Pdata::Buckets(b) = *b else { return };
            *if field == Positive { &mut p.positive } else { &mut p.negative } = Some(b);
        }
        (PositiveOffset, PointMut::Exponential(p), Val::Int(o)) => {
            p.positive.get_or_insert_default().offset = o as i32
        }
        (NegativeOffset, PointMut::Exponential(p), Val::Int(o)) => {
            p.negative.get_or_insert_default().offset = o as i32
        }
        (PositiveBucketCounts, PointMut::Exponential(p), Val::Counts(c)) => {
            p.positive.get_or_insert_default().bucket_counts = c
        }
        (NegativeBucketCounts, PointMut::Exponential(p), Val::Counts(c)) => {
            p.negative.get_or_insert_default().bucket_counts = c
        }
        (QuantileValues, PointMut::Summary(p), Val::Pdata(q)) => {
            if let Pdata::Quantiles(q) = *q {
                p.quantile_values = q;
            }
        }
        _ => {}
    }
}
