//! `zipkin` to `otelcol.receiver.zipkin`: traces only.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::Signal;
use super::super::reader::Src;
use super::super::shared::server;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    let tags = src.boolean("parse_string_tags", false);
    body.boolean("parse_string_tags", tags, false);
    let mut http = Body::new("");
    server::http(src, &mut http, "0.0.0.0:9411", "0.0.0.0:9411");
    body.squash(http);
    body.nested(ctx.output(&[Signal::Traces]), Parent::Required);
    body
}
