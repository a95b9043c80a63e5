//! How each policy decides on a whole trace (the collector's
//! `internal/sampling` evaluators).

use std::collections::HashSet;

use opentelemetry_proto::tonic::common::v1::{any_value, KeyValue};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, Span};
use regex::Regex;

use super::hashing::hash64;
use super::store::Trace;
use crate::attributes::get;
use crate::ottl::item::{Item, Kind};
use crate::ottl::{any_holds, Condition, ErrorMode};

/// What one policy says about a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Sampled,
    NotSampled,
    /// A decision of an `invert_match` policy.
    InvertSampled,
    InvertNotSampled,
}

/// A string attribute's values: exact, or unanchored patterns.
pub enum Matcher {
    Exact(HashSet<String>),
    Patterns(Vec<Regex>),
}

impl Matcher {
    fn matches(&self, text: &str) -> bool {
        match self {
            Matcher::Exact(values) => values.contains(text),
            Matcher::Patterns(patterns) => patterns.iter().any(|p| p.is_match(text)),
        }
    }
}

/// One sub-policy of a `composite` policy, with its share of the rate.
pub struct Share {
    pub policy: Evaluator,
    pub allocated: i64,
    pub spent: i64,
}

/// A policy, ready to evaluate.
pub enum Evaluator {
    Always,
    Latency { lower_ms: i64, upper_ms: i64 },
    Numeric { key: String, min: i64, max: i64, invert: bool },
    Probabilistic { salt: String, threshold: u64 },
    StatusCode(Vec<i32>),
    StringAttribute { key: String, matcher: Matcher, invert: bool },
    RateLimiting { per_second: i64, second: u64, spent: i64 },
    SpanCount { min: i64, max: i64 },
    Boolean { key: String, value: bool },
    Ottl { spans: Vec<Condition>, events: Vec<Condition>, mode: ErrorMode },
    TraceState { key: String, values: HashSet<String> },
    And(Vec<Evaluator>),
    Composite { max_total: i64, second: u64, shares: Vec<Share> },
}

/// Whether any span of the trace satisfies `check`.
fn any_span(trace: &Trace, check: impl FnMut(&Span) -> bool) -> bool {
    spans(&trace.batches).any(check)
}

fn spans(batches: &[ResourceSpans]) -> impl Iterator<Item = &Span> {
    batches.iter().flat_map(|rs| &rs.scope_spans).flat_map(|ss| &ss.spans)
}

fn resource(rs: &ResourceSpans) -> &[KeyValue] {
    rs.resource.as_ref().map_or(&[], |r| &r.attributes)
}

/// `hasResourceOrSpanWithCondition`, and its inverted twin
/// (`invertHasResourceOrSpanWithCondition`): inverted, every resource
/// and span must pass, and one that does not is an inverted "not sampled".
fn resource_or_span(trace: &Trace, invert: bool, check: impl Fn(&[KeyValue]) -> bool) -> Decision {
    for rs in &trace.batches {
        let mut spans = rs.scope_spans.iter().flat_map(|ss| &ss.spans);
        if invert {
            if !check(resource(rs)) || !spans.all(|s| check(&s.attributes)) {
                return Decision::InvertNotSampled;
            }
        } else if check(resource(rs)) || spans.any(|s| check(&s.attributes)) {
            return Decision::Sampled;
        }
    }
    if invert {
        Decision::InvertSampled
    } else {
        Decision::NotSampled
    }
}

fn sampled_if(yes: bool) -> Decision {
    if yes {
        Decision::Sampled
    } else {
        Decision::NotSampled
    }
}

/// pdata's `Int()`, `Str()` and `Bool()`: the value of that type, else
/// its zero.
fn int_of(attributes: &[KeyValue], key: &str) -> Option<i64> {
    get(attributes, key).map(|v| match v.value {
        Some(any_value::Value::IntValue(i)) => i,
        _ => 0,
    })
}

fn bool_of(attributes: &[KeyValue], key: &str) -> Option<bool> {
    get(attributes, key).map(|v| matches!(v.value, Some(any_value::Value::BoolValue(true))))
}

fn str_of<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a str> {
    get(attributes, key).map(|v| match &v.value {
        Some(any_value::Value::StringValue(s)) => s.as_str(),
        _ => "",
    })
}

impl Evaluator {
    /// The decision on `trace` (id `id`) in second `second` of the run;
    /// an error is a policy that could not decide.
    pub fn evaluate(
        &mut self,
        id: &[u8],
        trace: &mut Trace,
        second: u64,
    ) -> Result<Decision, String> {
        let decision = match self {
            Evaluator::Always => Decision::Sampled,
            Evaluator::Latency { lower_ms, upper_ms } => {
                sampled_if(latency(trace, *lower_ms, *upper_ms))
            }
            Evaluator::Numeric { key, min, max, invert } => {
                let inside =
                    |a: &[KeyValue]| int_of(a, key).is_some_and(|v| v >= *min && v <= *max);
                // Inverted, a resource or span passes when it is outside.
                resource_or_span(trace, *invert, |a| inside(a) != *invert)
            }
            Evaluator::Probabilistic { salt, threshold } => {
                sampled_if(hash64(salt, id) <= *threshold)
            }
            Evaluator::StatusCode(codes) => sampled_if(any_span(trace, |s| {
                codes.contains(&s.status.as_ref().map_or(0, |st| st.code))
            })),
            Evaluator::StringAttribute { key, matcher, invert } => {
                string_attribute(trace, key, matcher, *invert)
            }
            Evaluator::RateLimiting { per_second, second: current, spent } => {
                sampled_if(rate_limit(trace, *per_second, second, current, spent))
            }
            Evaluator::SpanCount { min, max } => {
                let count = trace.span_count as i64;
                sampled_if(count >= *min && (*max == 0 || count <= *max))
            }
            Evaluator::Boolean { key, value } => {
                resource_or_span(trace, false, |a| bool_of(a, key) == Some(*value))
            }
            Evaluator::Ottl { spans, events, mode } => ottl(trace, spans, events, *mode)?,
            Evaluator::TraceState { key, values } => sampled_if(any_span(trace, |s| {
                trace_state(&s.trace_state, key).is_some_and(|v| values.contains(v))
            })),
            Evaluator::And(policies) => and(policies, id, trace, second)?,
            Evaluator::Composite { max_total, second: current, shares } => {
                composite(id, trace, second, *max_total, current, shares)?
            }
        };
        Ok(decision)
    }
}

/// `rate_limiting`: sampled while the spans sampled in this second,
/// this trace's included, stay under the limit.
fn rate_limit(trace: &Trace, limit: i64, second: u64, current: &mut u64, spent: &mut i64) -> bool {
    if *current != second {
        (*current, *spent) = (second, 0);
    }
    let after = *spent + trace.span_count as i64;
    let keep = after < limit;
    if keep {
        *spent = after;
    }
    keep
}

/// `and`: sampled when no sub-policy says "not sampled" (inverted or not).
fn and(
    policies: &mut [Evaluator],
    id: &[u8],
    trace: &mut Trace,
    second: u64,
) -> Result<Decision, String> {
    for policy in policies {
        let decision = policy.evaluate(id, trace, second)?;
        if matches!(decision, Decision::NotSampled | Decision::InvertNotSampled) {
            return Ok(Decision::NotSampled);
        }
    }
    Ok(Decision::Sampled)
}

/// The trace's duration, from its earliest start to its latest end as
/// the spans are walked, checked after each span as the collector does.
fn latency(trace: &Trace, lower_ms: i64, upper_ms: i64) -> bool {
    let (mut first, mut last) = (0u64, 0u64);
    any_span(trace, |s| {
        if first == 0 || s.start_time_unix_nano < first {
            first = s.start_time_unix_nano;
        }
        if last == 0 || s.end_time_unix_nano > last {
            last = s.end_time_unix_nano;
        }
        let ms = (last as i64).wrapping_sub(first as i64) / 1_000_000;
        if upper_ms == 0 {
            ms >= lower_ms
        } else {
            lower_ms < ms && ms <= upper_ms
        }
    })
}

/// `string_attribute`: a resource's value always counts; a span's only
/// when it is not empty.
fn string_attribute(trace: &Trace, key: &str, matcher: &Matcher, invert: bool) -> Decision {
    let matched = |a: &[KeyValue], is_span: bool| {
        str_of(a, key).is_some_and(|v| !(is_span && v.is_empty()) && matcher.matches(v))
    };
    for rs in &trace.batches {
        let mut spans = rs.scope_spans.iter().flat_map(|ss| &ss.spans);
        if invert {
            if matched(resource(rs), false) || spans.any(|s| matched(&s.attributes, true)) {
                return Decision::InvertNotSampled;
            }
        } else if matched(resource(rs), false) || spans.any(|s| matched(&s.attributes, true)) {
            return Decision::Sampled;
        }
    }
    if invert {
        Decision::InvertSampled
    } else {
        Decision::NotSampled
    }
}

/// `composite`: the first sub-policy that samples and still has room in
/// its share of this second (and under the total) takes the trace.
fn composite(
    id: &[u8],
    trace: &mut Trace,
    second: u64,
    max_total: i64,
    current: &mut u64,
    shares: &mut [Share],
) -> Result<Decision, String> {
    if *current != second {
        *current = second;
        shares.iter_mut().for_each(|s| s.spent = 0);
    }
    for share in shares.iter_mut() {
        let decision = share.policy.evaluate(id, trace, second)?;
        if matches!(decision, Decision::Sampled | Decision::InvertSampled) {
            let after = share.spent + trace.span_count as i64;
            if after <= share.allocated && after <= max_total {
                share.spent = after;
                return Ok(Decision::Sampled);
            }
        }
    }
    Ok(Decision::NotSampled)
}

/// `ottl_condition`: sampled once a span, or an event of one, meets a
/// condition; a failing condition under `propagate` is the policy's error.
fn ottl(
    trace: &mut Trace,
    spans: &[Condition],
    events: &[Condition],
    mode: ErrorMode,
) -> Result<Decision, String> {
    for rs in &mut trace.batches {
        for ss in &mut rs.scope_spans {
            for span in &mut ss.spans {
                if !spans.is_empty() {
                    let kind = Kind::Span(&mut *span);
                    let item = Item::new(&mut rs.resource, Some(&mut ss.scope), kind);
                    if any_holds(spans, &item, mode)? {
                        return Ok(Decision::Sampled);
                    }
                }
                for event in 0..span.events.len() {
                    let kind = Kind::SpanEvent(&mut *span, event);
                    let item = Item::new(&mut rs.resource, Some(&mut ss.scope), kind);
                    if any_holds(events, &item, mode)? {
                        return Ok(Decision::Sampled);
                    }
                }
            }
        }
    }
    Ok(Decision::NotSampled)
}

/// The value of `key` in a W3C `tracestate`; none when the header does
/// not parse (as the collector's `ParseTraceState` fails).
fn trace_state<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let mut found = None;
    let mut seen = HashSet::new();
    for member in header.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        let (k, v) = member.split_once('=')?;
        if k.is_empty() || v.is_empty() || !seen.insert(k) || seen.len() > 32 {
            return None;
        }
        if k == key {
            found = Some(v);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_state_members_are_read_as_w3c_lists() {
        assert_eq!(trace_state("a=1, b=2", "b"), Some("2"));
        assert_eq!(trace_state("a=1,a=2", "a"), None, "a duplicate key does not parse");
        assert_eq!(trace_state("a", "a"), None);
        assert_eq!(trace_state("", "a"), None);
    }
}
