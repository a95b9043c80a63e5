//! `otlp` to `otelcol.exporter.otlp`.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::reader::Src;
use super::super::shared::{client, queue, retry, RETRY, SECOND};

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    body.dur("timeout", src.dur("timeout", 5 * SECOND), 5 * SECOND);
    let (q, parent) = queue(src, "sending_queue", "sending_queue");
    body.nested(q, parent);
    let (r, parent) = retry(src, "retry_on_failure", "retry_on_failure", &RETRY);
    body.nested(r, parent);
    let c = client::grpc(ctx, src, "client", true, client::OTLP);
    body.nested(c, Parent::Required);
    body
}
