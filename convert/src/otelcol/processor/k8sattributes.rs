//! `k8sattributes` to `otelcol.processor.k8sattributes`. The Collector
//! extracts eight metadata fields by default where Flow extracts none, so
//! they show; its default excluded pods are Flow's.

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::SIGNALS;
use super::super::reader::Src;

const METADATA: [&str; 8] = [
    "container.image.name",
    "container.image.tag",
    "k8s.deployment.name",
    "k8s.namespace.name",
    "k8s.node.name",
    "k8s.pod.name",
    "k8s.pod.start_time",
    "k8s.pod.uid",
];

const EXCLUDED: [&str; 2] = ["jaeger-agent", "jaeger-collector"];

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    body.string("auth_type", &src.str("auth_type", "serviceAccount"), "");
    body.boolean("passthrough", src.boolean("passthrough", false), false);
    let extract = src.child("extract");
    let mut e = Body::new("extract");
    let metadata =
        extract.strings("metadata").unwrap_or_else(|| METADATA.map(String::from).to_vec());
    e.strings("metadata", Some(metadata), None);
    fields(&extract, "annotations", "annotation", &mut e);
    fields(&extract, "labels", "label", &mut e);
    body.nested(e, Parent::Zero);
    let filter = src.child("filter");
    let mut f = Body::new("filter");
    f.string("node", &filter.str("node", ""), "");
    f.string("namespace", &filter.str("namespace", ""), "");
    for (key, block) in [("fields", "field"), ("labels", "label")] {
        for item in filter.items(key) {
            let mut b = Body::new(block);
            b.req_string("key", &item.str("key", ""));
            b.req_string("value", &item.str("value", ""));
            b.string("op", &item.str("op", ""), "");
            f.nested(b, Parent::Required);
        }
    }
    body.nested(f, Parent::Zero);
    for association in src.items("pod_association") {
        let mut a = Body::new("pod_association");
        for source in association.items("sources") {
            let mut s = Body::new("source");
            s.req_string("from", &source.str("from", ""));
            s.string("name", &source.str("name", ""), "");
            a.nested(s, Parent::Required);
        }
        body.nested(a, Parent::Required);
    }
    exclude(src, &mut body);
    body.nested(ctx.output(&SIGNALS), Parent::Required);
    body
}

fn fields(extract: &Src, key: &str, block: &str, into: &mut Body) {
    for item in extract.items(key) {
        let mut b = Body::new(block);
        for (from, to) in [
            ("tag_name", "tag_name"),
            ("key", "key"),
            ("key_regex", "key_regex"),
            ("regex", "regex"),
            ("from", "from"),
        ] {
            b.string(to, &item.str(from, ""), "");
        }
        into.nested(b, Parent::Required);
    }
}

/// `exclude`: written only when its pods differ from the default two.
fn exclude(src: &Src, body: &mut Body) {
    let exclude = src.child("exclude");
    let pods: Vec<String> = if exclude.has("pods") {
        exclude.items("pods").iter().map(|p| p.str("name", "")).collect()
    } else {
        EXCLUDED.map(String::from).to_vec()
    };
    let mut e = Body::new("exclude");
    for pod in &pods {
        let mut p = Body::new("pod");
        p.req_string("name", pod);
        e.nested(p, Parent::Required);
    }
    body.nested_when(e, pods != EXCLUDED);
}
