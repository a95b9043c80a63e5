//! `jaegerremotesampling` to `otelcol.extension.jaeger_remote_sampling`.
//! The Collector always has both servers; its remote client has no
//! defaults, unlike Flow's.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::reader::Src;
use super::super::shared::client::{self, ClientDefaults};
use super::super::shared::server::{self, GrpcDefaults};

const GRPC: GrpcDefaults =
    GrpcDefaults { endpoint: "0.0.0.0:14250", transport: "tcp", read_buffer: 0 };
const NO_DEFAULTS: ClientDefaults = ClientDefaults { compression: "", write_buffer: 0 };

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    let mut grpc = Body::new("grpc");
    server::grpc(&src.child("grpc"), &mut grpc, GRPC, GRPC);
    body.pointer(Some(grpc));
    let mut http = Body::new("http");
    server::http(&src.child("http"), &mut http, "0.0.0.0:5778", "0.0.0.0:5778");
    body.pointer(Some(http));
    let source = src.child("source");
    let mut s = Body::new("source");
    let remote = source.child("remote");
    if remote.present() {
        s.pointer(Some(client::grpc(ctx, &remote, "remote", true, NO_DEFAULTS)));
    }
    s.string("file", &source.str("file", ""), "");
    s.dur("reload_interval", source.dur("reload_interval", 0), 0);
    body.nested(s, Parent::Required);
    body
}
