//! `otlp` to `otelcol.receiver.otlp`: a protocol is on when its key is
//! there, even empty.

use super::super::ctx::Ctx;
use super::super::encode::Body;
use super::super::pipeline::SIGNALS;
use super::super::reader::Src;
use super::super::shared::server::{self, GrpcDefaults};

/// The Collector's gRPC defaults for OTLP (0.96 listens on all addresses).
const UP: GrpcDefaults =
    GrpcDefaults { endpoint: "0.0.0.0:4317", transport: "tcp", read_buffer: 512 * 1024 };
/// Flow's: the same.
const FLOW: GrpcDefaults = UP;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let protocols = src.child("protocols");
    let mut body = ctx.body();
    let grpc = protocols.child("grpc");
    if grpc.present() {
        let mut b = Body::new("grpc");
        server::grpc(&grpc, &mut b, UP, FLOW);
        body.pointer(Some(b));
    }
    let http = protocols.child("http");
    if http.present() {
        let mut b = Body::new("http");
        server::http(&http, &mut b, "0.0.0.0:4318", "0.0.0.0:4318");
        for (key, default) in [
            ("traces_url_path", "/v1/traces"),
            ("metrics_url_path", "/v1/metrics"),
            ("logs_url_path", "/v1/logs"),
        ] {
            b.string(key, &http.str(key, default), default);
        }
        body.pointer(Some(b));
    }
    body.nested(ctx.output(&SIGNALS), super::super::encode::Parent::Required);
    body
}
