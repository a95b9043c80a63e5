//! otelcol.processor.tail_sampling, on paused time: traces are held for
//! `decision_wait`, then kept or dropped whole by their policies.

use super::*;

const TAIL: &str = "otelcol.processor.tail_sampling";

/// A tail sampler that waits ten seconds, with `policies`.
fn tail(policies: &str) -> Built {
    build(TAIL, &format!("\tdecision_wait = \"10s\"\n{policies}"), &["traces"])
}

fn timed(trace: u64, name: &str, start_ms: u64, end_ms: u64) -> Span {
    Span {
        start_time_unix_nano: 1_700_000_000_000_000_000 + start_ms * 1_000_000,
        end_time_unix_nano: 1_700_000_000_000_000_000 + end_ms * 1_000_000,
        ..span(trace, name, vec![])
    }
}

fn with_status(mut span: Span, code: status::StatusCode) -> Span {
    span.status = Some(Status { code: code as i32, message: String::new() });
    span
}

fn with(mut span: Span, key: &str, value: any_value::Value) -> Span {
    span.attributes.push(kv(key, value));
    span
}

async fn wait(seconds: u64) {
    tokio::time::sleep(Duration::from_secs(seconds)).await;
}

/// The names of the spans handed on, in order.
fn names(p: &Built) -> Vec<String> {
    p.spans().into_iter().map(|s| s.name).collect()
}

const LATENCY: &str = r#"
	policy {
		name = "slow"
		type = "latency"
		latency {
			threshold_ms = 5000
		}
	}"#;

#[tokio::test(start_paused = true)]
async fn a_slow_trace_is_kept_whole_after_the_wait() {
    let p = tail(LATENCY);
    let batch = vec![timed(1, "a1", 0, 1000), timed(2, "b1", 0, 3000), timed(1, "a2", 2000, 7000)];
    p.send(traces("a", batch)).await;
    wait(9).await;
    assert!(p.take().is_empty(), "nothing before decision_wait");
    wait(2).await;
    let out = p.take();
    assert_eq!(out.len(), 1, "one trace, handed on in one piece");
    let names: Vec<String> = spans_of(&out[0]).into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["a1", "a2"]);
}

#[tokio::test(start_paused = true)]
async fn status_code_keeps_every_span_of_a_failed_trace() {
    let p = tail(
        "\tpolicy {\n\t\tname = \"errors\"\n\t\ttype = \"status_code\"\n\t\tstatus_code {\n\t\t\tstatus_codes = [\"ERROR\"]\n\t\t}\n\t}",
    );
    let batch = vec![
        with_status(timed(1, "ok", 0, 1), status::StatusCode::Ok),
        with_status(timed(1, "failed", 0, 1), status::StatusCode::Error),
        with_status(timed(2, "fine", 0, 1), status::StatusCode::Ok),
    ];
    p.send(traces("a", batch)).await;
    wait(11).await;
    assert_eq!(names(&p), ["ok", "failed"]);
}

#[tokio::test(start_paused = true)]
async fn string_attributes_match_by_regex_and_invert_vetoes() {
    let policies = r#"
	policy {
		name = "api"
		type = "string_attribute"
		string_attribute {
			key                    = "http.url"
			values                 = ["^/api/", "/v2"]
			enabled_regex_matching = true
			cache_max_size         = 10
		}
	}
	policy {
		name = "no-health"
		type = "string_attribute"
		string_attribute {
			key                    = "http.url"
			values                 = ["/health"]
			enabled_regex_matching = true
			invert_match           = true
		}
	}"#;
    let p = tail(policies);
    let url = |trace, name, url: &str| with(timed(trace, name, 0, 1), "http.url", s(url));
    let batch = vec![
        url(1, "api", "/api/users"),
        url(2, "api-and-health", "/api/x"),
        url(2, "health", "/health"),
        url(3, "other", "/other"),
    ];
    p.send(traces("a", batch)).await;
    wait(11).await;
    // Trace 2 has a /health span: vetoed, though "api" samples it. For
    // trace 3 "no-health" says "inverted sampled", but "api" said "not
    // sampled": dropped.
    assert_eq!(names(&p), ["api"]);
}

#[tokio::test(start_paused = true)]
async fn numeric_attributes_match_on_spans_and_resources() {
    let p = tail(
        "\tpolicy {\n\t\tname = \"n\"\n\t\ttype = \"numeric_attribute\"\n\t\tnumeric_attribute {\n\t\t\tkey = \"key1\"\n\t\t\tmin_value = 50\n\t\t\tmax_value = 100\n\t\t}\n\t}",
    );
    let n = |v| any_value::Value::IntValue(v);
    let batch = vec![
        with(timed(1, "in", 0, 1), "key1", n(75)),
        with(timed(2, "out", 0, 1), "key1", n(101)),
    ];
    p.send(traces("a", batch)).await;
    let mut resource = traces("b", vec![timed(3, "resource", 0, 1)]);
    if let Data::Traces(r) = &mut resource {
        r.resource_spans[0].resource.as_mut().unwrap().attributes.push(kv("key1", n(50)));
    }
    p.send(resource).await;
    wait(11).await;
    assert_eq!(names(&p), ["in", "resource"]);
}

const AND_COMPOSITE: &str = r#"
	policy {
		name = "both"
		type = "and"
		and {
			and_sub_policy {
				name = "n"
				type = "numeric_attribute"
				numeric_attribute {
					key       = "key1"
					min_value = 50
					max_value = 100
				}
			}
			and_sub_policy {
				name = "s"
				type = "string_attribute"
				string_attribute {
					key    = "key2"
					values = ["value1", "value2"]
				}
			}
		}
	}"#;

#[tokio::test(start_paused = true)]
async fn and_needs_every_sub_policy() {
    let p = tail(AND_COMPOSITE);
    let n = any_value::Value::IntValue(60);
    let batch = vec![
        with(with(timed(1, "both", 0, 1), "key1", n.clone()), "key2", s("value2")),
        with(timed(2, "number-only", 0, 1), "key1", n),
        with(timed(3, "string-only", 0, 1), "key2", s("value1")),
    ];
    p.send(traces("a", batch)).await;
    wait(11).await;
    assert_eq!(names(&p), ["both"]);
}

#[tokio::test(start_paused = true)]
async fn composite_gives_each_sub_policy_its_share_of_the_rate() {
    let policies = r#"
	policy {
		name = "c"
		type = "composite"
		composite {
			max_total_spans_per_second = 10
			policy_order               = ["marked", "rest"]
			composite_sub_policy {
				name = "marked"
				type = "boolean_attribute"
				boolean_attribute {
					key   = "marked"
					value = true
				}
			}
			composite_sub_policy {
				name = "rest"
				type = "always_sample"
			}
			rate_allocation {
				policy  = "marked"
				percent = 50
			}
			rate_allocation {
				policy  = "rest"
				percent = 30
			}
		}
	}"#;
    let p = tail(policies);
    let marked =
        |trace, name| with(timed(trace, name, 0, 1), "marked", any_value::Value::BoolValue(true));
    // Marked traces of 3 spans: the first fits in "marked"'s 5 spans a
    // second, the second does not, and "rest" (3 a second) takes it.
    // The third fits nowhere any more.
    let mut batch = Vec::new();
    for (trace, name) in [(1, "m1"), (2, "m2"), (3, "m3")] {
        batch.extend([marked(trace, name), timed(trace, name, 0, 1), timed(trace, name, 0, 1)]);
    }
    p.send(traces("a", batch)).await;
    wait(11).await;
    let mut kept = names(&p);
    kept.dedup();
    assert_eq!(kept, ["m1", "m2"]);
}

#[tokio::test(start_paused = true)]
async fn rate_limiting_counts_spans_per_second() {
    let p = tail(
        "\tpolicy {\n\t\tname = \"r\"\n\t\ttype = \"rate_limiting\"\n\t\trate_limiting {\n\t\t\tspans_per_second = 5\n\t\t}\n\t}",
    );
    let batch: Vec<Span> = (1..=4)
        .flat_map(|t| [timed(t, &format!("t{t}"), 0, 1), timed(t, &format!("t{t}"), 0, 1)])
        .collect();
    p.send(traces("a", batch)).await;
    wait(11).await;
    let mut kept = names(&p);
    kept.dedup();
    assert_eq!(kept, ["t1", "t2"], "2 + 2 spans fit under 5 a second, 6 do not");
    // A second later the count starts again.
    let batch: Vec<Span> = (5..=6)
        .flat_map(|t| [timed(t, &format!("t{t}"), 0, 1), timed(t, &format!("t{t}"), 0, 1)])
        .collect();
    p.send(traces("a", batch)).await;
    wait(11).await;
    let mut kept = names(&p);
    kept.dedup();
    assert_eq!(kept, ["t5", "t6"]);
}

#[tokio::test(start_paused = true)]
async fn late_spans_follow_the_decision_while_it_is_remembered() {
    let p = build(
        TAIL,
        &format!("\tdecision_wait = \"10s\"\n\tnum_traces = 3\n{LATENCY}"),
        &["traces"],
    );
    p.send(traces("a", vec![timed(1, "slow", 0, 6000), timed(2, "quick", 0, 10)])).await;
    wait(11).await;
    assert_eq!(names(&p), ["slow"]);
    // Late spans: the sampled trace's go on at once, the other's are dropped.
    p.send(traces("a", vec![timed(1, "slow-late", 0, 1), timed(2, "quick-late", 0, 1)])).await;
    assert_eq!(names(&p), ["slow-late"]);
    // Two more traces: trace 1, the oldest, is forgotten (num_traces = 3),
    // and a late span of it is a new trace, decided anew.
    p.send(traces("a", vec![timed(3, "x", 0, 1), timed(4, "y", 0, 1)])).await;
    p.send(traces("a", vec![timed(1, "slow-later", 0, 1)])).await;
    assert!(p.take().is_empty(), "held again, not forwarded at once");
    wait(11).await;
    assert!(names(&p).is_empty(), "a 1 ms trace is not slow");
}

#[tokio::test(start_paused = true)]
async fn ottl_conditions_sample_spans_and_events() {
    let policies = r#"
	policy {
		name = "ottl"
		type = "ottl_condition"
		ottl_condition {
			error_mode = "ignore"
			span       = ["attributes[\"k\"] == \"v\""]
			spanevent  = ["name == \"boom\""]
		}
	}"#;
    let p = tail(policies);
    let mut evented = timed(2, "evented", 0, 1);
    evented.events.push(opentelemetry_proto::tonic::trace::v1::span::Event {
        name: "boom".into(),
        ..Default::default()
    });
    let batch = vec![with(timed(1, "attr", 0, 1), "k", s("v")), evented, timed(3, "none", 0, 1)];
    p.send(traces("a", batch)).await;
    wait(11).await;
    assert_eq!(names(&p), ["attr", "evented"]);
}

/// The docs' example, every policy type at once (its output block and
/// the `tracing` block beside it left out): always_sample keeps all.
#[tokio::test(start_paused = true)]
async fn the_docs_example_loads_and_runs() {
    let example = include_str!("docs_example.river");
    let p = build(TAIL, example, &["traces"]);
    p.send(traces("a", vec![timed(1, "a", 0, 1), timed(2, "b", 0, 1)])).await;
    wait(11).await;
    assert_eq!(names(&p), ["a", "b"]);
}

#[test]
fn tail_sampling_configs_are_refused_as_the_collector_refuses_them() {
    let refused = |body: &str| refusal(TAIL, body);
    assert_eq!(refused("\tdecision_wait = \"0s\"\n\tpolicy {\n\t\tname = \"a\"\n\t\ttype = \"always_sample\"\n\t}"), "decision_wait: decision_wait must be greater than zero");
    let message = refused("\tpolicy {\n\t\tname = \"a\"\n\t\ttype = \"status_code\"\n\t\tstatus_code {\n\t\t\tstatus_codes = [\"BAD\"]\n\t\t}\n\t}");
    assert!(
        message.ends_with("status_codes: unknown status code \"BAD\", supported: OK, ERROR, UNSET"),
        "{message}"
    );
    let twice = "\tpolicy {\n\t\tname = \"a\"\n\t\ttype = \"always_sample\"\n\t}\n";
    assert!(refused(&twice.repeat(2)).ends_with("name: duplicate policy name \"a\""));
    let message = refused("\tpolicy {\n\t\tname = \"a\"\n\t\ttype = \"latency\"\n\t}");
    assert!(message.ends_with("type: a policy of type latency needs a latency block"), "{message}");
    let message = refused("\tpolicy {\n\t\tname = \"a\"\n\t\ttype = \"ottl_condition\"\n\t\tottl_condition {\n\t\t\terror_mode = \"ignore\"\n\t\t}\n\t}");
    assert!(
        message.ends_with("span: expected at least one OTTL condition to filter on"),
        "{message}"
    );
}
