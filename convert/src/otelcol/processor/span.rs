//! `span` to `otelcol.processor.span`: match properties, renaming and the
//! status to set.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::Signal;
use super::super::reader::Src;
use super::matching;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    matching::include_exclude(src, &mut body);
    let name = src.child("name");
    let mut n = Body::new("name");
    n.strings("from_attributes", name.strings("from_attributes"), None);
    n.string("separator", &name.str("separator", ""), "");
    let to = name.child("to_attributes");
    if to.present() {
        let mut t = Body::new("to_attributes");
        t.req_strings("rules", to.strings("rules"));
        t.boolean("break_after_match", to.boolean("break_after_match", false), false);
        n.pointer(Some(t));
    }
    body.nested(n, Parent::Zero);
    let status = src.child("status");
    if status.present() {
        let mut s = Body::new("status");
        s.req_string("code", &status.str("code", ""));
        s.string("description", &status.str("description", ""), "");
        body.pointer(Some(s));
    }
    body.nested(ctx.output(&[Signal::Traces]), Parent::Required);
    body
}
