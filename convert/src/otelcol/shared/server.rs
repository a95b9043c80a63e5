//! gRPC and HTTP servers (receivers and the Jaeger sampling extension).

use super::super::encode::Body;
use super::super::reader::Src;
use super::tls_server;

/// What differs between servers: their endpoints and buffer defaults.
#[derive(Clone, Copy)]
pub(crate) struct GrpcDefaults {
    pub endpoint: &'static str,
    pub transport: &'static str,
    pub read_buffer: u64,
}

/// A gRPC server's settings into `body`: the Collector's values (`up`
/// where the source has none), against Flow's defaults `flow`.
pub(crate) fn grpc(src: &Src, body: &mut Body, up: GrpcDefaults, flow: GrpcDefaults) {
    body.string("endpoint", &src.str("endpoint", up.endpoint), flow.endpoint);
    body.string("transport", &src.str("transport", up.transport), flow.transport);
    body.pointer(tls_server(src));
    let max_recv = src.int("max_recv_msg_size_mib", 0).max(0) as u64;
    body.bytes("max_recv_msg_size", max_recv << 20, 0);
    let streams = src.int("max_concurrent_streams", 0);
    body.int("max_concurrent_streams", streams, 0);
    body.bytes(
        "read_buffer_size",
        src.int("read_buffer_size", up.read_buffer as i64).max(0) as u64,
        flow.read_buffer,
    );
    body.bytes("write_buffer_size", src.int("write_buffer_size", 0).max(0) as u64, 0);
    body.pointer(keepalive(src));
    body.boolean("include_metadata", src.boolean("include_metadata", false), false);
    if src.get("auth").is_some() {
        unsupported_auth(src);
    }
}

fn unsupported_auth(src: &Src) {
    let message = format!(
        "`{}.auth` is not converted: server authentication has no Flow equivalent here",
        src.path()
    );
    src.sink().push(crate::Finding::new(crate::Severity::Error, message));
}

fn keepalive(src: &Src) -> Option<Body> {
    let k = src.child("keepalive");
    if !k.present() {
        return None;
    }
    let mut body = Body::new("keepalive");
    let params = k.child("server_parameters");
    if params.present() {
        let mut p = Body::new("server_parameters");
        for key in [
            "max_connection_idle",
            "max_connection_age",
            "max_connection_age_grace",
            "time",
            "timeout",
        ] {
            p.dur(key, params.dur(key, 0), 0);
        }
        body.pointer(Some(p));
    }
    let policy = k.child("enforcement_policy");
    if policy.present() {
        let mut p = Body::new("enforcement_policy");
        p.dur("min_time", policy.dur("min_time", 0), 0);
        let without = policy.boolean("permit_without_stream", false);
        p.boolean("permit_without_stream", without, false);
        body.pointer(Some(p));
    }
    Some(body)
}

/// An HTTP server's settings into `body`.
pub(crate) fn http(src: &Src, body: &mut Body, up_endpoint: &str, flow_endpoint: &str) {
    body.string("endpoint", &src.str("endpoint", up_endpoint), flow_endpoint);
    body.pointer(tls_server(src));
    let cors = src.child("cors");
    if cors.present() {
        let mut c = Body::new("cors");
        c.strings("allowed_origins", cors.strings("allowed_origins"), None);
        c.strings("allowed_headers", cors.strings("allowed_headers"), None);
        c.int("max_age", cors.int("max_age", 0), 0);
        body.pointer(Some(c));
    }
    let size = src.int("max_request_body_size", 0).max(0) as u64;
    body.bytes("max_request_body_size", size, 0);
    body.boolean("include_metadata", src.boolean("include_metadata", false), false);
    if src.get("auth").is_some() {
        unsupported_auth(src);
    }
}
