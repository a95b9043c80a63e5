//! `servicegraph` to `otelcol.connector.servicegraph`: metrics out.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::Signal;
use super::super::reader::Src;
use super::super::shared::SECOND;
use crate::river::{self, Value};

const MS: u64 = 1_000_000;

/// Flow's default latency buckets, in milliseconds.
pub(crate) const BUCKETS_MS: [u64; 16] =
    [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000];

pub(crate) fn durations(v: Vec<u64>) -> Vec<Value> {
    v.into_iter().map(|d| Value::Str(river::go_duration(d))).collect()
}

pub(crate) fn default_buckets() -> Vec<Value> {
    durations(BUCKETS_MS.iter().map(|ms| ms * MS).collect())
}

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    let buckets = src.durations("latency_histogram_buckets").map(durations);
    body.list("latency_histogram_buckets", buckets, Some(default_buckets()));
    let dimensions = src.strings("dimensions").map(super::super::encode::strs);
    body.list("dimensions", dimensions, Some(Vec::new()));
    let store = src.child("store");
    let mut s = Body::new("store");
    s.int("max_items", store.int("max_items", 1000), 1000);
    s.dur("ttl", store.dur("ttl", 2 * SECOND), 2 * SECOND);
    body.nested(s, Parent::Typed);
    body.dur("cache_loop", src.dur("cache_loop", 60 * SECOND), 60 * SECOND);
    let expiration = src.dur("store_expiration_loop", 2 * SECOND);
    body.dur("store_expiration_loop", expiration, 2 * SECOND);
    let flush = src.dur("metrics_flush_interval", 0);
    body.dur("metrics_flush_interval", flush, 0);
    body.nested(ctx.output(&[Signal::Metrics]), Parent::Required);
    body
}
