//! The gRPC client of the OTLP, load-balancing and Jaeger sampling
//! components.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::reader::Src;
use super::tls_client;
use crate::finding::{Finding, Severity};

/// The Collector's defaults for a client (they differ per component).
#[derive(Clone, Copy)]
pub(crate) struct ClientDefaults {
    pub compression: &'static str,
    pub write_buffer: u64,
}

/// The OTLP exporter's client defaults in the Collector.
pub(crate) const OTLP: ClientDefaults =
    ClientDefaults { compression: "gzip", write_buffer: 512 * 1024 };

/// A gRPC client's block: `endpoint` first unless `endpoint` is false
/// (the load balancer's has none).
pub(crate) fn grpc(ctx: &Ctx, src: &Src, name: &str, endpoint: bool, up: ClientDefaults) -> Body {
    let mut body = Body::new(name);
    if endpoint {
        body.req_string("endpoint", &src.str("endpoint", ""));
    }
    body.string("compression", &src.str("compression", up.compression), "gzip");
    body.nested(tls_client(src), Parent::Zero);
    let keepalive = src.child("keepalive");
    if keepalive.present() {
        let mut k = Body::new("keepalive");
        k.dur("ping_wait", keepalive.dur("time", 0), 0);
        k.dur("ping_response_timeout", keepalive.dur("timeout", 0), 0);
        let without = keepalive.boolean("permit_without_stream", false);
        k.boolean("ping_without_stream", without, false);
        body.pointer(Some(k));
    }
    let read = src.int("read_buffer_size", 0).max(0) as u64;
    body.bytes("read_buffer_size", read, 0);
    let write = src.int("write_buffer_size", up.write_buffer as i64).max(0) as u64;
    body.bytes("write_buffer_size", write, 512 * 1024);
    body.boolean("wait_for_ready", src.boolean("wait_for_ready", false), false);
    body.string_map("headers", Some(src.string_map("headers").unwrap_or_default()), true);
    let balancer = src.str("balancer_name", "");
    let balancer = if balancer.is_empty() { "pick_first".to_owned() } else { balancer };
    body.string("balancer_name", &balancer, "pick_first");
    body.string("authority", &src.str("authority", ""), "");
    auth(ctx, src, &mut body);
    body
}

/// `auth`: the handler of the converted extension it names.
pub(crate) fn auth(ctx: &Ctx, src: &Src, body: &mut Body) {
    let a = src.child("auth");
    if !a.present() {
        return;
    }
    let id = a.str("authenticator", "");
    match ctx.extension(&id, "handler") {
        Some(handler) => body.raw("auth", handler),
        None => {
            let message = format!("`{}.auth`: the authenticator {id:?} is not a converted extension; set `auth` by hand", src.path());
            src.sink().push(Finding::new(Severity::Error, message));
        }
    }
}
