//! `jaeger` to `otelcol.receiver.jaeger`: each protocol given becomes a
//! block of `protocols`, against its own Flow defaults.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::Signal;
use super::super::reader::Src;
use super::super::shared::server::{self, GrpcDefaults};

const GRPC: GrpcDefaults =
    GrpcDefaults { endpoint: "0.0.0.0:14250", transport: "tcp", read_buffer: 0 };

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let protocols = src.child("protocols");
    let mut p = Body::new("protocols");
    let grpc = protocols.child("grpc");
    if grpc.present() {
        let mut b = Body::new("grpc");
        server::grpc(&grpc, &mut b, GRPC, GRPC);
        p.pointer(Some(b));
    }
    let http = protocols.child("thrift_http");
    if http.present() {
        let mut b = Body::new("thrift_http");
        server::http(&http, &mut b, "0.0.0.0:14268", "0.0.0.0:14268");
        p.pointer(Some(b));
    }
    p.pointer(udp(&protocols, "thrift_binary", "0.0.0.0:6832"));
    p.pointer(udp(&protocols, "thrift_compact", "0.0.0.0:6831"));
    let mut body = ctx.body();
    body.nested(p, Parent::Required);
    body.nested(ctx.output(&[Signal::Traces]), Parent::Required);
    body
}

/// A Thrift UDP protocol: the Collector's packet size is 65,000 bytes,
/// Flow's 65 KiB, so it always shows.
fn udp(protocols: &Src, key: &str, endpoint: &str) -> Option<Body> {
    let src = protocols.child(key);
    if !src.present() {
        return None;
    }
    let mut b = Body::new(key);
    b.string("endpoint", &src.str("endpoint", endpoint), endpoint);
    b.int("queue_size", src.int("queue_size", 1000), 1000);
    let packet = src.int("max_packet_size", 65_000).max(0) as u64;
    b.bytes("max_packet_size", packet, 65 * 1024);
    b.int("workers", src.int("workers", 10), 10);
    let socket = src.int("socket_buffer_size", 0).max(0) as u64;
    b.bytes("socket_buffer_size", socket, 0);
    Some(b)
}
