use std::time::Duration;

use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use opentelemetry_proto::tonic::trace::v1::{span::SpanKind, Span, Status};

use super::graph::Graph;
use super::store::Store;
use super::{Settings, State};
use crate::attributes::{as_string, text};

fn state(max_items: usize) -> State {
    let settings = Settings {
        bounds: vec![0.01, 0.1, 1.0],
        dimensions: vec!["region".into()],
        cache_loop: Duration::from_secs(60),
        expiration_loop: Duration::from_secs(2),
        flush_interval: Duration::ZERO,
        ttl: Duration::from_millis(50),
        max_items,
    };
    State {
        store: Store::new(settings.ttl, settings.max_items),
        graph: Graph::new(settings.bounds.clone(), 5),
        settings,
    }
}

fn span(kind: SpanKind, id: u8, parent: u8, millis: u64) -> Span {
    Span {
        trace_id: vec![7; 16],
        span_id: vec![id; 8],
        parent_span_id: if parent == 0 { vec![] } else { vec![parent; 8] },
        kind: kind as i32,
        start_time_unix_nano: 0,
        end_time_unix_nano: millis * 1_000_000,
        ..Default::default()
    }
}

/// Feeds (service, span) pairs; the complete edges get counted.
fn feed(state: &mut State, spans: &[(&str, Span)]) {
    for (service, span) in spans {
        let resource = [text("region", &format!("{service}-eu"))];
        if let Ok(Some(edge)) = state.add(service, &resource, span) {
            state.graph.record(&edge);
        }
    }
}

/// A sum's point: the metric, its labels, its value.
type Point = (String, Vec<(String, String)>, i64);

fn sums(state: &State) -> Vec<Point> {
    let request = state.graph.metrics(9).unwrap();
    let metrics = &request.resource_metrics[0].scope_metrics[0].metrics;
    let mut out = Vec::new();
    for m in metrics {
        let Some(metric::Data::Sum(sum)) = &m.data else { continue };
        for p in &sum.data_points {
            let attrs =
                p.attributes.iter().map(|kv| (kv.key.clone(), as_string(kv.value.as_ref())));
            let Some(number_data_point::Value::AsInt(v)) = p.value else { panic!() };
            out.push((m.name.clone(), attrs.collect(), v));
        }
    }
    out
}

#[test]
fn a_client_and_its_server_make_an_edge_either_order() {
    let mut state = state(100);
    let mut failing = span(SpanKind::Server, 3, 2, 40);
    failing.status = Some(Status { code: 2, ..Default::default() });
    feed(
        &mut state,
        &[("web", span(SpanKind::Client, 1, 0, 50)), ("api", span(SpanKind::Server, 9, 1, 30))],
    );
    feed(&mut state, &[("api", failing), ("web", span(SpanKind::Client, 2, 0, 60))]);
    let labels = vec![
        ("client".to_owned(), "web".to_owned()),
        ("server".to_owned(), "api".to_owned()),
        ("connection_type".to_owned(), String::new()),
        ("client_region".to_owned(), "web-eu".to_owned()),
        ("server_region".to_owned(), "api-eu".to_owned()),
    ];
    assert_eq!(
        sums(&state),
        [
            ("traces_service_graph_request_total".to_owned(), labels.clone(), 2),
            ("traces_service_graph_request_failed_total".to_owned(), labels, 1),
        ]
    );
    let request = state.graph.metrics(9).unwrap();
    let metrics = &request.resource_metrics[0].scope_metrics[0].metrics;
    let Some(metric::Data::Histogram(server)) = &metrics[2].data else { panic!() };
    assert_eq!(metrics[2].name, "traces_service_graph_request_server_seconds");
    let point = &server.data_points[0];
    assert_eq!((point.count, point.bucket_counts.clone()), (2, vec![0, 2, 0, 0]));
    assert_eq!(point.start_time_unix_nano, 5);
}

#[test]
fn databases_and_queues_and_what_never_pairs() {
    let mut state = state(2);
    let mut query = span(SpanKind::Client, 4, 0, 5);
    query.attributes.push(text("db.name", "orders"));
    feed(&mut state, &[("api", query)]);
    feed(
        &mut state,
        &[
            ("api", span(SpanKind::Producer, 5, 0, 1)),
            ("worker", span(SpanKind::Consumer, 6, 5, 2)),
        ],
    );
    let got = sums(&state);
    let edge = |name: &str| {
        got.iter()
            .find(|(m, l, _)| m == "traces_service_graph_request_total" && l[1].1 == name)
            .cloned()
    };
    assert_eq!(edge("orders").unwrap().1[2], ("connection_type".into(), "database".into()));
    assert_eq!(edge("worker").unwrap().1[2], ("connection_type".into(), "messaging_system".into()));
    // A client whose server never comes waits, then expires; a full store takes no more.
    assert!(state.add("web", &[], &span(SpanKind::Client, 10, 0, 1)).unwrap().is_none());
    assert!(state.add("web", &[], &span(SpanKind::Client, 11, 0, 1)).unwrap().is_none());
    assert!(state.add("web", &[], &span(SpanKind::Client, 12, 0, 1)).is_err(), "max_items 2");
    std::thread::sleep(Duration::from_millis(60));
    assert_eq!(state.store.expire(), 2);
    assert_eq!(state.store.len(), 0);
}
