//! `loadbalancing` to `otelcol.exporter.loadbalancing`: the OTLP protocol
//! (the OTLP exporter's settings under other names) and the resolver.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::reader::Src;
use super::super::shared::{client, queue, retry, RETRY, SECOND};
use crate::river::Value;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    let otlp = src.child("protocol").child("otlp");
    let mut o = Body::new("otlp");
    o.dur("timeout", otlp.dur("timeout", 5 * SECOND), 5 * SECOND);
    let (q, parent) = queue(&otlp, "sending_queue", "queue");
    o.nested(q, parent);
    let (r, parent) = retry(&otlp, "retry_on_failure", "retry", &RETRY);
    o.nested(r, parent);
    o.nested(client::grpc(ctx, &otlp, "client", false, client::OTLP), Parent::Required);
    let mut protocol = Body::new("protocol");
    protocol.nested(o, Parent::Required);
    body.nested(protocol, Parent::Required);
    body.nested(resolver(&src.child("resolver")), Parent::Required);
    let key = src.str("routing_key", "");
    let key = if key.is_empty() { "traceID".to_owned() } else { key };
    body.string("routing_key", &key, "traceID");
    body
}

fn resolver(src: &Src) -> Body {
    let mut body = Body::new("resolver");
    let fixed = src.child("static");
    if fixed.present() {
        let mut s = Body::new("static");
        s.req_strings("hostnames", fixed.strings("hostnames"));
        body.pointer(Some(s));
    }
    let dns = src.child("dns");
    if dns.present() {
        let mut d = Body::new("dns");
        d.req_string("hostname", &dns.str("hostname", ""));
        d.string("port", &dns.str("port", "4317"), "4317");
        d.dur("interval", dns.dur("interval", 5 * SECOND), 5 * SECOND);
        d.dur("timeout", dns.dur("timeout", SECOND), SECOND);
        body.pointer(Some(d));
    }
    let k8s = src.child("k8s");
    if k8s.present() {
        let mut k = Body::new("kubernetes");
        k.req_string("service", &k8s.str("service", ""));
        let ports = k8s.strings("ports").unwrap_or_else(|| vec!["4317".into()]);
        let ports: Vec<Value> = ports.into_iter().map(Value::Num).collect();
        k.list("ports", Some(ports), Some(vec![Value::Num("4317".into())]));
        body.pointer(Some(k));
    }
    body
}
