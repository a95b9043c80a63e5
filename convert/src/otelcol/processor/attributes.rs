//! `attributes` to `otelcol.processor.attributes`: the match blocks, then
//! one `action` block per action.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::SIGNALS;
use super::super::reader::{scalar_value, Src};
use super::matching;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    matching::include_exclude(src, &mut body);
    for action in src.items("actions") {
        let mut a = Body::new("action");
        a.req_string("key", &action.str("key", ""));
        if let Some(value) = action.node("value") {
            a.raw("value", scalar_value(value));
        }
        for key in ["pattern", "from_attribute", "from_context", "converted_type"] {
            a.string(key, &action.str(key, ""), "");
        }
        a.req_string("action", &action.str("action", ""));
        body.nested(a, Parent::Required);
    }
    body.nested(ctx.output(&SIGNALS), Parent::Required);
    body
}
