//! `kafka` to `otelcol.receiver.kafka`: brokers, authentication and the
//! consumer's tuning blocks.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::SIGNALS;
use super::super::reader::Src;
use super::super::shared::{tls_setting, SECOND};

const MS: u64 = 1_000_000;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    let brokers = src.strings("brokers").unwrap_or_else(|| vec!["localhost:9092".into()]);
    body.req_strings("brokers", Some(brokers));
    body.req_string("protocol_version", &src.str("protocol_version", ""));
    body.string("topic", &src.str("topic", ""), "");
    body.string("encoding", &src.str("encoding", "otlp_proto"), "otlp_proto");
    body.string("group_id", &src.str("group_id", "otel-collector"), "otel-collector");
    body.string("client_id", &src.str("client_id", "otel-collector"), "otel-collector");
    body.string("initial_offset", &src.str("initial_offset", "latest"), "latest");
    let canonical = src.boolean("resolve_canonical_bootstrap_servers_only", false);
    body.boolean("resolve_canonical_bootstrap_servers_only", canonical, false);
    body.nested(authentication(&src.child("auth")), Parent::Zero);
    body.nested(metadata(&src.child("metadata")), Parent::Typed);
    let auto = src.child("autocommit");
    let mut a = Body::new("autocommit");
    a.boolean("enable", auto.boolean("enable", true), true);
    a.dur("interval", auto.dur("interval", SECOND), SECOND);
    body.nested(a, Parent::Typed);
    let marking = src.child("message_marking");
    let mut m = Body::new("message_marking");
    m.boolean("after_execution", marking.boolean("after", false), false);
    m.boolean("include_unsuccessful", marking.boolean("on_error", false), false);
    body.nested(m, Parent::Typed);
    let headers = src.child("header_extraction");
    let mut h = Body::new("header_extraction");
    h.boolean("extract_headers", headers.boolean("extract_headers", false), false);
    h.strings("headers", Some(headers.strings("headers").unwrap_or_default()), Some(&[]));
    body.nested(h, Parent::Typed);
    body.nested(ctx.output(&SIGNALS), Parent::Required);
    body
}

fn authentication(auth: &Src) -> Body {
    let mut body = Body::new("authentication");
    let plain = auth.child("plain_text");
    if plain.present() {
        let mut p = Body::new("plaintext");
        p.req_string("username", &plain.str("username", ""));
        p.req_string("password", &plain.str("password", ""));
        body.pointer(Some(p));
    }
    let sasl = auth.child("sasl");
    if sasl.present() {
        let mut s = Body::new("sasl");
        for key in ["username", "password", "mechanism"] {
            s.req_string(key, &sasl.str(key, ""));
        }
        s.int("version", sasl.int("version", 0), 0);
        let msk = sasl.child("aws_msk");
        let mut m = Body::new("aws_msk");
        m.req_string("region", &msk.str("region", ""));
        m.req_string("broker_addr", &msk.str("broker_addr", ""));
        m.zero = msk.str("region", "").is_empty() && msk.str("broker_addr", "").is_empty();
        s.nested(m, Parent::Zero);
        body.pointer(Some(s));
    }
    let tls = auth.child("tls");
    if tls.present() {
        let mut t = Body::new("tls");
        tls_setting(&tls, &mut t);
        t.boolean("insecure", tls.boolean("insecure", false), false);
        t.boolean("insecure_skip_verify", tls.boolean("insecure_skip_verify", false), false);
        t.string("server_name", &tls.str("server_name_override", ""), "");
        body.pointer(Some(t));
    }
    body.pointer(kerberos(&auth.child("kerberos")));
    body
}

fn kerberos(src: &Src) -> Option<Body> {
    if !src.present() {
        return None;
    }
    let mut k = Body::new("kerberos");
    k.string("service_name", &src.str("service_name", ""), "");
    k.string("realm", &src.str("realm", ""), "");
    k.boolean("use_keytab", src.boolean("use_keytab", false), false);
    k.req_string("username", &src.str("username", ""));
    k.string("password", &src.str("password", ""), "");
    k.string("config_file", &src.str("config_file", ""), "");
    k.string("keytab_file", &src.str("keytab_file", ""), "");
    Some(k)
}

/// `metadata`: its `retry` block has no defaults of its own, so it shows
/// whole once it differs from the metadata defaults.
fn metadata(src: &Src) -> Body {
    let mut body = Body::new("metadata");
    body.boolean("include_all_topics", src.boolean("full", true), true);
    let retry = src.child("retry");
    let (max, backoff) = (retry.int("max", 3), retry.dur("backoff", 250 * MS));
    let mut r = Body::new("retry");
    r.int("max_retries", max, 0);
    r.dur("backoff", backoff, 0);
    body.nested_when(r, (max, backoff) != (3, 250 * MS));
    body
}
