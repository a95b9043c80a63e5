//! otelcol.processor.transform: the examples of its reference page, run;
//! `error_mode` both ways; the metric functions; refusals at load.

use opentelemetry_proto::tonic::metrics::v1::{
    metric::Data as M, number_data_point::Value as N, Gauge, Histogram, HistogramDataPoint, Metric,
    NumberDataPoint, Sum, Summary, SummaryDataPoint,
};

use super::*;

const NAME: &str = "otelcol.processor.transform";

#[tokio::test]
async fn sets_an_attribute_that_does_not_exist() {
    let p = build(
        NAME,
        r#"error_mode = "ignore"
	trace_statements {
		context = "span"
		statements = [
			// Accessing a map with a key that does not exist will return nil.
			`set(attributes["test"], "pass") where attributes["test"] == nil`,
		]
	}"#,
    )
    .unwrap();
    let data = traces(vec![], vec![span("a", vec![]), span("b", vec![kv("test", s("fail"))])]);
    let out = spans(&p.send(data).await.unwrap().unwrap());
    assert_eq!(attr(&out[0].attributes, "test").as_deref(), Some("pass"));
    assert_eq!(attr(&out[1].attributes, "test").as_deref(), Some("fail"));
}

#[tokio::test]
async fn renames_a_resource_attribute_both_ways() {
    let by_set = r#"error_mode = "ignore"
	trace_statements {
		context = "resource"
		statements = [
			`set(attributes["namespace"], attributes["k8s.namespace.name"])`,
			`delete_key(attributes, "k8s.namespace.name")`,
		]
	}"#;
    let by_pattern = r#"error_mode = "ignore"
	trace_statements {
		context = "resource"
		statements = [
			`replace_all_patterns(attributes, "key", "k8s\\.namespace\\.name", "namespace")`,
		]
	}"#;
    for body in [by_set, by_pattern] {
        let p = build(NAME, body).unwrap();
        let data = traces(vec![kv("k8s.namespace.name", s("prod"))], vec![span("a", vec![])]);
        let out = resource_attrs(&p.send(data).await.unwrap().unwrap());
        assert_eq!(attr(&out, "namespace").as_deref(), Some("prod"));
        assert_eq!(attr(&out, "k8s.namespace.name"), None);
    }
}

#[tokio::test]
async fn copies_the_log_body_and_combines_attributes() {
    let p = build(
        NAME,
        r#"error_mode = "ignore"
	log_statements {
		context = "log"
		statements = [
			`set(attributes["body"], body)`,
		]
	}
	trace_statements {
		context = "resource"
		statements = [
			// The Concat function combines any number of strings, separated by a delimiter.
			`set(attributes["test"], Concat([attributes["foo"], attributes["bar"]], " "))`,
		]
	}"#,
    )
    .unwrap();
    let out = records(&p.send(logs(vec![log("hello", 9, vec![])])).await.unwrap().unwrap());
    assert_eq!(attr(&out[0].attributes, "body").as_deref(), Some("hello"));
    let data = traces(vec![kv("foo", s("a")), kv("bar", s("b"))], vec![span("x", vec![])]);
    let out = resource_attrs(&p.send(data).await.unwrap().unwrap());
    assert_eq!(attr(&out, "test").as_deref(), Some("a b"));
}

#[tokio::test]
async fn parses_json_logs() {
    let p = build(
        NAME,
        r#"error_mode = "ignore"
	log_statements {
		context = "log"
		statements = [
			// Parse body as JSON and merge the resulting map with the cache map, ignoring non-json bodies.
			// cache is a field exposed by OTTL that is a temporary storage place for complex operations.
			`merge_maps(cache, ParseJSON(body), "upsert") where IsMatch(body, "^\\{")`,
			// Set attributes using the values merged into cache.
			// If the attribute doesn't exist in cache then nothing happens.
			`set(attributes["attr1"], cache["attr1"])`,
			`set(attributes["attr2"], cache["attr2"])`,
			// To access nested maps you can chain index ([]) operations.
			// If nested or attr3 do no exist in cache then nothing happens.
			`set(attributes["nested.attr3"], cache["nested"]["attr3"])`,
		]
	}"#,
    )
    .unwrap();
    let body = r#"{"name": "log", "attr1": "example value 1", "attr2": "example value 2", "nested": {"attr3": "example value 3"}}"#;
    let data = logs(vec![log(body, 9, vec![]), log("plain text", 9, vec![])]);
    let out = records(&p.send(data).await.unwrap().unwrap());
    let a = &out[0].attributes;
    assert_eq!(attr(a, "attr1").as_deref(), Some("example value 1"));
    assert_eq!(attr(a, "attr2").as_deref(), Some("example value 2"));
    assert_eq!(attr(a, "nested.attr3").as_deref(), Some("example value 3"));
    assert!(out[1].attributes.is_empty(), "the cache is each record's own");
}

/// The reference's last example, without its receiver and exporter.
const VARIOUS: &str = r#"error_mode = "ignore"
	trace_statements {
		context = "resource"
		statements = [
			`keep_keys(attributes, ["service.name", "service.namespace", "cloud.region", "process.command_line"])`,
			`replace_pattern(attributes["process.command_line"], "password\\=[^\\s]*(\\s?)", "password=***")`,
			`limit(attributes, 100, [])`,
			`truncate_all(attributes, 4096)`,
		]
	}
	trace_statements {
		context = "span"
		statements = [
			`set(status.code, 1) where attributes["http.path"] == "/health"`,
			`set(name, attributes["http.route"])`,
			`replace_match(attributes["http.target"], "/user/*/list/*", "/user/{userId}/list/{listId}")`,
			`limit(attributes, 100, [])`,
			`truncate_all(attributes, 4096)`,
		]
	}
	metric_statements {
		context = "resource"
		statements = [
			`keep_keys(attributes, ["host.name"])`,
			`truncate_all(attributes, 4096)`,
		]
	}
	metric_statements {
		context = "metric"
		statements = [
			`set(description, "Sum") where type == "Sum"`,
		]
	}
	metric_statements {
		context = "datapoint"
		statements = [
			`limit(attributes, 100, ["host.name"])`,
			`truncate_all(attributes, 4096)`,
			`convert_sum_to_gauge() where metric.name == "system.processes.count"`,
			`convert_gauge_to_sum("cumulative", false) where metric.name == "prometheus_metric"`,
		]
	}
	log_statements {
		context = "resource"
		statements = [
			`keep_keys(attributes, ["service.name", "service.namespace", "cloud.region"])`,
		]
	}
	log_statements {
		context = "log"
		statements = [
			`set(severity_text, "FAIL") where body == "request failed"`,
			`replace_all_matches(attributes, "/user/*/list/*", "/user/{userId}/list/{listId}")`,
			`replace_all_patterns(attributes, "value", "/account/\\d{4}", "/account/{accountId}")`,
			`set(body, attributes["http.route"])`,
		]
	}"#;

#[tokio::test]
async fn the_various_transformations_example_on_traces_and_logs() {
    let p = build(NAME, VARIOUS).unwrap();
    let resource = vec![
        kv("service.name", s("api")),
        kv("host.name", s("h")),
        kv("process.command_line", s("run --password=hunter2 --v")),
    ];
    let attrs = vec![
        kv("http.path", s("/health")),
        kv("http.route", s("/users/{id}")),
        kv("http.target", s("/user/1/list/2")),
    ];
    let out = p.send(traces(resource, vec![span("GET", attrs)])).await.unwrap().unwrap();
    let r = resource_attrs(&out);
    assert_eq!(attr(&r, "host.name"), None);
    assert_eq!(attr(&r, "process.command_line").as_deref(), Some("run --password=***--v"));
    let span = &spans(&out)[0];
    assert_eq!(span.status.as_ref().map(|s| s.code), Some(1));
    assert_eq!(span.name, "/users/{id}");
    assert_eq!(
        attr(&span.attributes, "http.target").as_deref(),
        Some("/user/{userId}/list/{listId}")
    );

    let attrs = vec![
        kv("http.route", s("/r")),
        kv("path", s("/user/7/list/9")),
        kv("account", s("/account/1234")),
    ];
    let out = p.send(logs(vec![log("request failed", 9, attrs)])).await.unwrap().unwrap();
    let record = &records(&out)[0];
    assert_eq!(record.severity_text, "FAIL");
    assert_eq!(attr(&record.attributes, "path").as_deref(), Some("/user/{userId}/list/{listId}"));
    assert_eq!(attr(&record.attributes, "account").as_deref(), Some("/account/{accountId}"));
    assert_eq!(as_string(record.body.as_ref()), "/r");
}

fn number(value: N) -> NumberDataPoint {
    NumberDataPoint {
        value: Some(value),
        attributes: vec![kv("host.name", s("h"))],
        ..Default::default()
    }
}

fn named(name: &str, data: M) -> Metric {
    Metric { name: name.into(), data: Some(data), ..Default::default() }
}

#[tokio::test]
async fn the_various_transformations_example_on_metrics() {
    let p = build(NAME, VARIOUS).unwrap();
    let sum = Sum {
        data_points: vec![number(N::AsInt(3)), number(N::AsInt(4))],
        aggregation_temporality: 2,
        is_monotonic: true,
    };
    let gauge = Gauge { data_points: vec![number(N::AsDouble(1.5))] };
    let data = metrics(
        vec![kv("host.name", s("h")), kv("os", s("linux"))],
        vec![
            named("system.processes.count", M::Sum(sum)),
            named("prometheus_metric", M::Gauge(gauge)),
        ],
    );
    let out = p.send(data).await.unwrap().unwrap();
    assert_eq!(attr(&resource_attrs(&out), "os"), None);
    let list = metric_list(&out);
    let Some(M::Gauge(g)) = &list[0].data else { panic!("not made a gauge: {:?}", list[0]) };
    assert_eq!(g.data_points.len(), 2);
    let Some(M::Sum(s)) = &list[1].data else { panic!("not made a sum: {:?}", list[1]) };
    assert_eq!((s.aggregation_temporality, s.is_monotonic), (2, false));
    // `type` is a number, never the string "Sum": the description stays.
    assert!(list.iter().all(|m| m.description.is_empty()));
}

#[tokio::test]
async fn metric_functions_add_metrics_at_the_end() {
    let p = build(
        NAME,
        r#"metric_statements {
		context = "metric"
		statements = [
			`extract_sum_metric(true) where name == "latency"`,
			`extract_count_metric(false) where name == "latency"`,
			`copy_metric(name = "latency.copy", unit = "s") where name == "latency"`,
		]
	}
	metric_statements {
		context = "datapoint"
		statements = [
			`convert_summary_count_val_to_sum("delta", true) where metric.name == "rpc"`,
			`convert_summary_sum_val_to_sum("cumulative", false) where metric.name == "rpc"`,
		]
	}"#,
    )
    .unwrap();
    let point = HistogramDataPoint { count: 4, sum: Some(2.5), ..Default::default() };
    let histogram = Histogram { data_points: vec![point], aggregation_temporality: 1 };
    let summary = Summary {
        data_points: vec![SummaryDataPoint { count: 3, sum: 9.0, ..Default::default() }],
    };
    let data = metrics(
        vec![],
        vec![named("latency", M::Histogram(histogram)), named("rpc", M::Summary(summary))],
    );
    let out = metric_list(&p.send(data).await.unwrap().unwrap());
    let names: Vec<&str> = out.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["latency", "rpc", "latency_sum", "latency_count", "latency.copy", "rpc_count", "rpc_sum"]
    );
    let value = |m: &Metric| match &m.data {
        Some(M::Sum(s)) => (s.data_points[0].value, s.aggregation_temporality, s.is_monotonic),
        other => panic!("not a sum: {other:?}"),
    };
    assert_eq!(value(&out[2]), (Some(N::AsDouble(2.5)), 1, true));
    assert_eq!(value(&out[3]), (Some(N::AsInt(4)), 1, false));
    assert_eq!(out[4].unit, "s");
    assert_eq!(value(&out[5]), (Some(N::AsInt(3)), 1, true));
    assert_eq!(value(&out[6]), (Some(N::AsDouble(9.0)), 2, false));
}

const FAILING: &str = r#"trace_statements {
		context = "span"
		statements = [
			`set(attributes["first"], "done")`,
			`set(attributes["x"], Substring(name, 0, 100))`,
			`set(attributes["last"], "done")`,
		]
	}"#;

#[tokio::test]
async fn error_mode_propagate_refuses_the_batch_and_ignore_goes_on() {
    let p = build(NAME, FAILING).unwrap();
    let error = p.send(traces(vec![], vec![span("short", vec![])])).await.unwrap_err();
    assert!(error.message.contains("failed to execute statement"), "{}", error.message);
    assert!(error.message.contains("Substring(name, 0, 100)"), "{}", error.message);
    assert!(p.sink.0.lock().is_empty(), "nothing handed on");

    for mode in ["ignore", "silent"] {
        let p = build(NAME, &format!("error_mode = \"{mode}\"\n\t{FAILING}")).unwrap();
        let out =
            spans(&p.send(traces(vec![], vec![span("short", vec![])])).await.unwrap().unwrap());
        assert_eq!(attr(&out[0].attributes, "first").as_deref(), Some("done"));
        assert_eq!(attr(&out[0].attributes, "x"), None);
        assert_eq!(attr(&out[0].attributes, "last").as_deref(), Some("done"), "{mode}");
    }
}

#[test]
fn refuses_at_load_with_the_setting_placed() {
    let refused = |body: &str| build(NAME, body).err().expect("refused");
    let e = refused(
        r#"trace_statements {
		context = "span"
		statements = [`set(name, "a")`, `replace_pattern(name, "(", "x")`]
	}"#,
    );
    assert!(e.starts_with("trace_statements/statements: statement 2"), "{e}");
    assert!(
        e.contains("the regex pattern supplied to replace_pattern is not a valid pattern"),
        "{e}"
    );
    // A statement the linter cannot see before running is still refused, in place.
    let e = refused(
        r#"log_statements {
		context = "log"
		statements = [`set(body, "x")`]
	}
	log_statements {
		context = "log"
		statements = [env("RIVER_OTTL_TEST_UNSET") + "set(body"]
	}"#,
    );
    assert!(e.starts_with("log_statements[1]/statements: statement 1 `set(body`"), "{e}");
    let e = refused(r#"error_mode = "loud""#);
    assert!(e.starts_with("error_mode: unknown error mode loud"), "{e}");
}
