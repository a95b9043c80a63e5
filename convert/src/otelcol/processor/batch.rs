//! `batch` to `otelcol.processor.batch` (the Collector's defaults are
//! Flow's).

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::SIGNALS;
use super::super::reader::Src;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    body.dur("timeout", src.dur("timeout", 200_000_000), 200_000_000);
    body.int("send_batch_size", src.int("send_batch_size", 8192), 8192);
    body.int("send_batch_max_size", src.int("send_batch_max_size", 0), 0);
    body.strings("metadata_keys", src.strings("metadata_keys"), None);
    let limit = src.int("metadata_cardinality_limit", 1000);
    body.int("metadata_cardinality_limit", limit, 1000);
    body.nested(ctx.output(&SIGNALS), Parent::Required);
    body
}
