//! `memory_limiter` to `otelcol.processor.memory_limiter`: limits in MiB
//! become sizes.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::SIGNALS;
use super::super::reader::Src;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    let interval = src.dur("check_interval", 0);
    body.block
        .attr("check_interval", crate::river::Value::Str(crate::river::go_duration(interval)));
    let mib = |key: &str| (src.int(key, 0).max(0) as u64) << 20;
    body.bytes("limit", mib("limit_mib"), 0);
    body.bytes("spike_limit", mib("spike_limit_mib"), 0);
    body.int("limit_percentage", src.int("limit_percentage", 0), 0);
    body.int("spike_limit_percentage", src.int("spike_limit_percentage", 0), 0);
    body.nested(ctx.output(&SIGNALS), Parent::Required);
    body
}
