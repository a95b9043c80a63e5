//! Settings many components share (TLS, queues, retries, gRPC and HTTP
//! servers and clients), in the field order of Flow's structs. The
//! Collector's defaults differ per component, so callers pass them.

pub(crate) mod client;
pub(crate) mod server;

use super::encode::{Body, Parent};
use super::reader::Src;

/// The TLS settings both sides share, into `body`.
pub(crate) fn tls_setting(src: &Src, body: &mut Body) {
    body.string("ca_pem", &src.str("ca_pem", ""), "");
    body.string("ca_file", &src.str("ca_file", ""), "");
    body.string("cert_pem", &src.str("cert_pem", ""), "");
    body.string("cert_file", &src.str("cert_file", ""), "");
    body.string("key_pem", &src.str("key_pem", ""), "");
    body.string("key_file", &src.str("key_file", ""), "");
    body.string("min_version", &src.str("min_version", ""), "");
    body.string("max_version", &src.str("max_version", ""), "");
    body.dur("reload_interval", src.dur("reload_interval", 0), 0);
    body.strings("cipher_suites", src.strings("cipher_suites"), None);
    let system = src.boolean("include_system_ca_certs_pool", false);
    body.boolean("include_system_ca_certs_pool", system, false);
}

/// A server's `tls` block, when the source has one.
pub(crate) fn tls_server(src: &Src) -> Option<Body> {
    let tls = src.child("tls");
    if !tls.present() {
        return None;
    }
    let mut body = Body::new("tls");
    tls_setting(&tls, &mut body);
    body.string("client_ca_file", &tls.str("client_ca_file", ""), "");
    Some(body)
}

/// A client's `tls` block (a struct, not a pointer, in Flow's arguments).
pub(crate) fn tls_client(src: &Src) -> Body {
    let tls = src.child("tls");
    let mut body = Body::new("tls");
    tls_setting(&tls, &mut body);
    body.boolean("insecure", tls.boolean("insecure", false), false);
    let skip = tls.boolean("insecure_skip_verify", false);
    body.boolean("insecure_skip_verify", skip, false);
    body.string("server_name", &tls.str("server_name_override", ""), "");
    body
}

/// `sending_queue` (or `queue`): the Collector's defaults are Flow's.
pub(crate) fn queue(src: &Src, key: &str, name: &str) -> (Body, Parent) {
    let q = src.child(key);
    let mut body = Body::new(name);
    body.boolean("enabled", q.boolean("enabled", true), true);
    body.int("num_consumers", q.int("num_consumers", 10), 10);
    body.int("queue_size", q.int("queue_size", 1000), 1000);
    (body, Parent::Typed)
}

/// The retry settings' values, in Flow's field order.
pub(crate) struct Retry {
    pub enabled: bool,
    pub initial_interval: u64,
    pub randomization_factor: f64,
    pub multiplier: f64,
    pub max_interval: u64,
    pub max_elapsed_time: u64,
}

pub(crate) const SECOND: u64 = 1_000_000_000;

pub(crate) const RETRY: Retry = Retry {
    enabled: true,
    initial_interval: 5 * SECOND,
    randomization_factor: 0.5,
    multiplier: 1.5,
    max_interval: 30 * SECOND,
    max_elapsed_time: 300 * SECOND,
};

/// `retry_on_failure` (or `retry`), the Collector's defaults being `up`.
pub(crate) fn retry(src: &Src, key: &str, name: &str, up: &Retry) -> (Body, Parent) {
    let r = src.child(key);
    let d = &RETRY;
    let mut body = Body::new(name);
    body.boolean("enabled", r.boolean("enabled", up.enabled), d.enabled);
    let initial = r.dur("initial_interval", up.initial_interval);
    body.dur("initial_interval", initial, d.initial_interval);
    let factor = r.float("randomization_factor", up.randomization_factor);
    body.float("randomization_factor", factor, d.randomization_factor);
    body.float("multiplier", r.float("multiplier", up.multiplier), d.multiplier);
    body.dur("max_interval", r.dur("max_interval", up.max_interval), d.max_interval);
    let elapsed = r.dur("max_elapsed_time", up.max_elapsed_time);
    body.dur("max_elapsed_time", elapsed, d.max_elapsed_time);
    (body, Parent::Typed)
}
