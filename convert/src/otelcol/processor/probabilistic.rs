//! `probabilistic_sampler` to `otelcol.processor.probabilistic_sampler`:
//! logs and traces only.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::Signal;
use super::super::reader::Src;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    body.float("sampling_percentage", src.float("sampling_percentage", 0.0), 0.0);
    body.int("hash_seed", src.int("hash_seed", 0), 0);
    let source = src.str("attribute_source", "traceID");
    body.string("attribute_source", &source, "traceID");
    body.string("from_attribute", &src.str("from_attribute", ""), "");
    body.string("sampling_priority", &src.str("sampling_priority", ""), "");
    body.nested(ctx.output(&[Signal::Logs, Signal::Traces]), Parent::Required);
    body
}
