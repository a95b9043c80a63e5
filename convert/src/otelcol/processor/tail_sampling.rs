//! `tail_sampling` to `otelcol.processor.tail_sampling`: one `policy`
//! block per policy, each kind's settings in a block written only when
//! set (Flow's policy structs have no defaults).

use super::super::ctx::Ctx;
use super::super::encode::{Body, Parent};
use super::super::pipeline::Signal;
use super::super::reader::Src;
use super::super::shared::SECOND;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    for policy in src.items("policies") {
        let mut p = Body::new("policy");
        shared(&policy, &mut p);
        composite(&policy.child("composite"), &mut p);
        and(&policy.child("and"), &mut p);
        body.nested(p, Parent::Required);
    }
    body.dur("decision_wait", src.dur("decision_wait", 30 * SECOND), 30 * SECOND);
    body.int("num_traces", src.int("num_traces", 50_000), 50_000);
    let expected = src.int("expected_new_traces_per_sec", 0);
    body.int("expected_new_traces_per_sec", expected, 0);
    body.nested(ctx.output(&[Signal::Traces]), Parent::Required);
    body
}

/// The settings every policy and sub-policy has.
fn shared(src: &Src, p: &mut Body) {
    p.req_string("name", &src.str("name", ""));
    p.req_string("type", &src.str("type", ""));
    let block = |key: &str, fill: &dyn Fn(&Src, &mut Body)| {
        let s = src.child(key);
        let mut b = Body::new(key);
        fill(&s, &mut b);
        b
    };
    let blocks = [
        block("latency", &|s, b| {
            b.req_int("threshold_ms", s.int("threshold_ms", 0));
            b.int("upper_threshold_ms", s.int("upper_threshold_ms", 0), 0);
        }),
        block("numeric_attribute", &|s, b| {
            b.req_string("key", &s.str("key", ""));
            b.req_int("min_value", s.int("min_value", 0));
            b.req_int("max_value", s.int("max_value", 0));
            b.boolean("invert_match", s.boolean("invert_match", false), false);
        }),
        block("probabilistic", &|s, b| {
            b.string("hash_salt", &s.str("hash_salt", ""), "");
            b.req_float("sampling_percentage", s.float("sampling_percentage", 0.0));
        }),
        block("status_code", &|s, b| b.req_strings("status_codes", s.strings("status_codes"))),
        block("string_attribute", &|s, b| {
            b.req_string("key", &s.str("key", ""));
            b.req_strings("values", s.strings("values"));
            let regex = s.boolean("enabled_regex_matching", false);
            b.boolean("enabled_regex_matching", regex, false);
            b.int("cache_max_size", s.int("cache_max_size", 0), 0);
            b.boolean("invert_match", s.boolean("invert_match", false), false);
        }),
        block("rate_limiting", &|s, b| b.req_int("spans_per_second", s.int("spans_per_second", 0))),
        block("span_count", &|s, b| {
            b.req_int("min_spans", s.int("min_spans", 0));
            b.int("max_spans", s.int("max_spans", 0), 0);
        }),
        block("boolean_attribute", &|s, b| {
            b.req_string("key", &s.str("key", ""));
            b.req_bool("value", s.boolean("value", false));
        }),
        block("ottl_condition", &|s, b| {
            b.req_string("error_mode", &s.str("error_mode", ""));
            b.strings("span", s.strings("span"), None);
            b.strings("spanevent", s.strings("spanevent"), None);
        }),
        block("trace_state", &|s, b| {
            b.req_string("key", &s.str("key", ""));
            b.req_strings("values", s.strings("values"));
        }),
    ];
    for b in blocks {
        p.nested(b, Parent::Zero);
    }
}

fn composite(src: &Src, p: &mut Body) {
    let mut c = Body::new("composite");
    let max = src.int("max_total_spans_per_second", 0);
    c.req_int("max_total_spans_per_second", max);
    c.req_strings("policy_order", src.strings("policy_order"));
    for sub in src.items("composite_sub_policy") {
        let mut s = Body::new("composite_sub_policy");
        shared(&sub, &mut s);
        and(&sub.child("and"), &mut s);
        c.nested(s, Parent::Required);
    }
    for rate in src.items("rate_allocation") {
        let mut r = Body::new("rate_allocation");
        r.req_string("policy", &rate.str("policy", ""));
        r.req_int("percent", rate.int("percent", 0));
        c.nested(r, Parent::Required);
    }
    p.nested(c, Parent::Zero);
}

fn and(src: &Src, p: &mut Body) {
    let mut a = Body::new("and");
    for sub in src.items("and_sub_policy") {
        let mut s = Body::new("and_sub_policy");
        shared(&sub, &mut s);
        a.nested(s, Parent::Required);
    }
    p.nested(a, Parent::Zero);
}
