//! otelcol.processor.filter: the examples of its reference page, run;
//! exactly what matches is dropped, with the containers it empties;
//! `error_mode` both ways.

use opentelemetry_proto::tonic::metrics::v1::{
    metric::Data as M, number_data_point::Value as N, Gauge, Histogram, HistogramDataPoint, Metric,
    NumberDataPoint,
};
use opentelemetry_proto::tonic::trace::v1::span::Event;

use super::*;

const NAME: &str = "otelcol.processor.filter";

#[tokio::test]
async fn drops_spans_with_a_span_attribute() {
    let p = build(
        NAME,
        r#"error_mode = "ignore"
	traces {
		span = [
			"attributes[\"container.name\"] == \"app_container_1\"",
		]
	}"#,
    )
    .unwrap();
    let data = traces(
        vec![],
        vec![
            span("a", vec![kv("container.name", s("app_container_1"))]),
            span("b", vec![kv("container.name", s("app_container_2"))]),
            span("c", vec![]),
        ],
    );
    let out = spans(&p.send(data).await.unwrap().unwrap());
    let names: Vec<&str> = out.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["b", "c"]);
    // All dropped: the batch is not handed on.
    let data = traces(vec![], vec![span("a", vec![kv("container.name", s("app_container_1"))])]);
    assert_eq!(p.send(data).await.unwrap(), None);
    // Logs and metrics, which it does not filter, pass untouched.
    let data = logs(vec![]);
    assert_eq!(p.send(data.clone()).await.unwrap(), Some(data));
}

fn gauge(name: &str, points: Vec<NumberDataPoint>) -> Metric {
    Metric {
        name: name.into(),
        data: Some(M::Gauge(Gauge { data_points: points })),
        ..Default::default()
    }
}

fn point(value: i64, attributes: Vec<KeyValue>) -> NumberDataPoint {
    NumberDataPoint { value: Some(N::AsInt(value)), attributes, ..Default::default() }
}

#[tokio::test]
async fn drops_metrics_on_either_of_two_criteria() {
    // The reference's example lacks the comma between the two conditions,
    // which River requires.
    let p = build(
        NAME,
        r#"error_mode = "ignore"
	metrics {
		metric = [
			"name == \"my.metric\" and resource.attributes[\"my_label\"] == \"abc123\"",
			"type == METRIC_DATA_TYPE_HISTOGRAM",
		]
	}"#,
    )
    .unwrap();
    let histogram = Metric {
        name: "h".into(),
        data: Some(M::Histogram(Histogram {
            data_points: vec![HistogramDataPoint::default()],
            aggregation_temporality: 2,
        })),
        ..Default::default()
    };
    let list = vec![
        gauge("my.metric", vec![point(1, vec![])]),
        gauge("other", vec![point(1, vec![])]),
        histogram,
    ];
    let out =
        p.send(metrics(vec![kv("my_label", s("abc123"))], list.clone())).await.unwrap().unwrap();
    let names: Vec<String> = metric_list(&out).into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["other"]);
    let out = p.send(metrics(vec![kv("my_label", s("xyz"))], list)).await.unwrap().unwrap();
    let names: Vec<String> = metric_list(&out).into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["my.metric", "other"]);
}

const NON_HTTP_AND_SENSITIVE: &str = r#"error_mode = "ignore"
	traces {
		span = [
			"attributes[\"http.request.method\"] == nil",
		]
	}
	logs {
		log_record = [
			"IsMatch(body, \".*password.*\")",
			"severity_number < SEVERITY_NUMBER_WARN",
		]
	}"#;

#[tokio::test]
async fn drops_non_http_spans_and_sensitive_logs() {
    let p = build(NAME, NON_HTTP_AND_SENSITIVE).unwrap();
    let data = traces(
        vec![],
        vec![span("db", vec![]), span("get", vec![kv("http.request.method", s("GET"))])],
    );
    let out = spans(&p.send(data).await.unwrap().unwrap());
    assert_eq!(out.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["get"]);
    let data = logs(vec![
        log("my password is x", 17, vec![]),
        log("debugging", 5, vec![]),
        log("disk full", 13, vec![]),
        log("crash", 17, vec![]),
    ]);
    let out = records(&p.send(data).await.unwrap().unwrap());
    let bodies: Vec<String> = out.iter().map(|r| as_string(r.body.as_ref())).collect();
    assert_eq!(bodies, ["disk full", "crash"]);
}

#[tokio::test]
async fn span_events_and_data_points_go_one_by_one() {
    let p = build(
        NAME,
        r#"traces {
		span = [`name == "drop me"`]
		spanevent = [`name == "noise"`]
	}
	metrics {
		datapoint = [`attributes["env"] == "test"`, `value_int > 100`]
	}"#,
    )
    .unwrap();
    let event = |name: &str| Event { name: name.into(), ..Default::default() };
    let mut quiet = span("kept", vec![]);
    quiet.events = vec![event("noise"), event("signal"), event("noise")];
    let mut all_noise = span("kept too", vec![]);
    all_noise.events = vec![event("noise")];
    let data = traces(vec![], vec![span("drop me", vec![]), quiet, all_noise]);
    let out = spans(&p.send(data).await.unwrap().unwrap());
    assert_eq!(out.len(), 2, "a span whose events all go stays");
    assert_eq!(out[0].events.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["signal"]);
    assert!(out[1].events.is_empty());

    let test = || vec![kv("env", s("test"))];
    let list = vec![
        gauge("mixed", vec![point(1, test()), point(2, vec![]), point(500, vec![])]),
        gauge("all test", vec![point(1, test())]),
    ];
    let out = metric_list(&p.send(metrics(vec![], list)).await.unwrap().unwrap());
    assert_eq!(out.len(), 1, "a metric whose points all go goes too");
    let Some(M::Gauge(g)) = &out[0].data else { panic!() };
    assert_eq!(g.data_points.iter().map(|p| p.value).collect::<Vec<_>>(), [Some(N::AsInt(2))]);
}

#[tokio::test]
async fn has_attr_on_datapoint_looks_at_the_first_point_with_the_key() {
    let p = build(
        NAME,
        r#"metrics {
		metric = [`HasAttrKeyOnDatapoint("debug")`, `HasAttrOnDatapoint("env", "dev")`]
	}"#,
    )
    .unwrap();
    let list = vec![
        gauge("debug", vec![point(1, vec![]), point(1, vec![kv("debug", s("1"))])]),
        gauge("dev", vec![point(1, vec![kv("env", s("dev"))])]),
        gauge(
            "prod",
            vec![point(1, vec![kv("env", s("prod"))]), point(1, vec![kv("env", s("dev"))])],
        ),
    ];
    let out = metric_list(&p.send(metrics(vec![], list)).await.unwrap().unwrap());
    assert_eq!(out.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["prod"]);
}

const FAILING: &str = r#"logs {
		log_record = [`Substring(body, 0, 6) == "secret"`, `severity_number == 1`]
	}"#;

#[tokio::test]
async fn error_mode_propagate_refuses_and_ignore_keeps_the_item() {
    let data = || {
        logs(vec![
            log("tiny", 1, vec![]),
            log("secret stuff", 9, vec![]),
            log("ok text", 9, vec![]),
        ])
    };
    let p = build(NAME, FAILING).unwrap();
    let error = p.send(data()).await.unwrap_err();
    assert!(error.message.contains("failed to eval condition"), "{}", error.message);
    assert!(error.message.contains("cannot be greater than the length"), "{}", error.message);
    assert!(p.sink.0.lock().is_empty());

    let p = build(NAME, &format!("error_mode = \"ignore\"\n\t{FAILING}")).unwrap();
    let out = records(&p.send(data()).await.unwrap().unwrap());
    let bodies: Vec<String> = out.iter().map(|r| as_string(r.body.as_ref())).collect();
    // "tiny" fails the first condition and is not dropped by it; the
    // second still holds for it under `ignore`.
    assert_eq!(bodies, ["ok text"]);
}

#[test]
fn refuses_at_load_with_the_setting_placed() {
    let e = build(NAME, r#"logs { log_record = [`IsMatch(body, "(")`] }"#).err().expect("refused");
    assert!(e.starts_with("logs/log_record: condition 1"), "{e}");
    assert!(e.contains("the pattern supplied to IsMatch is not a valid regexp pattern"), "{e}");
    let e =
        build(NAME, r#"metrics { datapoint = [env("RIVER_OTTL_TEST_UNSET") + "value_int >"] }"#)
            .err()
            .expect("refused");
    assert!(e.starts_with("metrics/datapoint: condition 1"), "{e}");
}
