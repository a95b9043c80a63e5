//! `spanmetrics` to `otelcol.connector.spanmetrics`: metrics out. Without
//! a histogram of either kind the reference writes explicit buckets, and
//! it gives `events` the span dimensions, as it does here too.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::Signal;
use super::super::reader::Src;
use super::super::shared::SECOND;
use super::servicegraph::{default_buckets, durations};
use crate::river::Value;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    let dimensions = src.items("dimensions");
    let dims: Vec<(String, Option<String>)> = dimensions
        .iter()
        .map(|d| (d.str("name", ""), d.has("default").then(|| d.str("default", ""))))
        .collect();
    for d in &dims {
        body.nested(dimension(d), Parent::Required);
    }
    body.strings("exclude_dimensions", src.strings("exclude_dimensions"), None);
    body.int("dimensions_cache_size", src.int("dimensions_cache_size", 1000), 1000);
    let resource = src.int("resource_metrics_cache_size", 1000);
    body.int("resource_metrics_cache_size", resource, 1000);
    let keys = src.strings("resource_metrics_key_attributes");
    body.strings("resource_metrics_key_attributes", keys, None);
    let temporality = src.str("aggregation_temporality", "AGGREGATION_TEMPORALITY_CUMULATIVE");
    let temporality = temporality.trim_start_matches("AGGREGATION_TEMPORALITY_");
    body.string("aggregation_temporality", temporality, "CUMULATIVE");
    body.nested(histogram(&src.child("histogram")), Parent::Required);
    let flush = src.dur("metrics_flush_interval", 15 * SECOND);
    body.dur("metrics_flush_interval", flush, 15 * SECOND);
    body.string("namespace", &src.str("namespace", ""), "");
    let exemplars = src.child("exemplars");
    let mut e = Body::new("exemplars");
    e.boolean("enabled", exemplars.boolean("enabled", false), false);
    if let Some(max) = exemplars.node("max_per_data_point") {
        e.raw("max_per_data_point", super::super::reader::scalar_value(max));
    }
    body.nested(e, Parent::Zero);
    let events = src.child("events");
    let mut ev = Body::new("events");
    ev.boolean("enabled", events.boolean("enabled", false), false);
    for d in &dims {
        ev.nested(dimension(d), Parent::Required);
    }
    events.get("dimensions");
    body.nested(ev, Parent::Zero);
    body.nested(ctx.output(&[Signal::Metrics]), Parent::Required);
    body
}

fn dimension((name, default): &(String, Option<String>)) -> Body {
    let mut d = Body::new("dimension");
    d.req_string("name", name);
    if let Some(default) = default {
        d.raw("default", Value::Str(default.clone()));
    }
    d
}

fn histogram(src: &Src) -> Body {
    let mut h = Body::new("histogram");
    h.boolean("disable", src.boolean("disable", false), false);
    h.string("unit", &src.str("unit", "ms"), "ms");
    let exponential = src.child("exponential");
    let explicit = src.child("explicit");
    if exponential.present() {
        let mut e = Body::new("exponential");
        e.int("max_size", exponential.int("max_size", 160), 160);
        h.pointer(Some(e));
    }
    if explicit.present() || !exponential.present() {
        let mut e = Body::new("explicit");
        let buckets = explicit.durations("buckets").map(durations).unwrap_or_else(default_buckets);
        e.list("buckets", Some(buckets), Some(default_buckets()));
        h.pointer(Some(e));
    }
    h
}
