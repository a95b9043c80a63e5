//! otelcol.processor.batch as the controller builds it: a batch that
//! fills is handed on by the call that filled it, the rest when `timeout`
//! is up, bytes are joined as bytes, and what it holds goes when it stops.

mod support;

use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use river_otelcol::consumer::{Data, Encoded};
use river_runtime::component::Registration;
use support::input;

const TABLE: &[Registration] = &[river_otelcol::batch::PROCESSOR_BATCH];

fn spans(names: &[&str]) -> Data {
    let spans = names.iter().map(|n| Span { name: (*n).into(), ..Default::default() });
    Data::Traces(ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans { spans: spans.collect(), ..Default::default() }],
            ..Default::default()
        }],
    })
}

fn names(data: &Data) -> Vec<String> {
    let Data::Traces(request) = data else { panic!("not traces") };
    let spans = request.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| &s.spans);
    spans.map(|s| s.name.clone()).collect()
}

#[tokio::test(start_paused = true)]
async fn a_full_batch_goes_at_once_the_rest_at_its_timeout() {
    let body = "send_batch_size = 3\ntimeout = \"10s\"";
    let (built, ctx, sink) = support::build(TABLE, "otelcol.processor.batch", body, &["traces"]);
    let _batch = built.unwrap();
    let batch = input(&ctx);
    batch.0.consume(spans(&["a", "b"])).await.unwrap();
    assert!(sink.0.lock().is_empty(), "two of three: held");
    let bytes = Encoded::from_data(&spans(&["c", "d"]));
    batch.0.consume_encoded(bytes).await.unwrap();
    // Handed on by the call that filled it: no other task had to run.
    assert_eq!(sink.0.lock().iter().map(names).collect::<Vec<_>>(), [["a", "b", "c", "d"]]);
    batch.0.consume(spans(&["e"])).await.unwrap();
    tokio::time::sleep(Duration::from_secs(9)).await;
    assert_eq!(sink.0.lock().len(), 1, "e waits for its timeout");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(names(&sink.0.lock()[1]), ["e"]);
}

#[tokio::test(start_paused = true)]
async fn what_it_holds_goes_when_it_stops_and_then_it_refuses() {
    let body = "send_batch_size = 100\ntimeout = \"1h\"";
    let (built, ctx, sink) = support::build(TABLE, "otelcol.processor.batch", body, &["traces"]);
    let _batch = built.unwrap();
    let batch = input(&ctx);
    batch.0.consume(spans(&["a"])).await.unwrap();
    ctx.cancel.cancel();
    for _ in 0..100 {
        if !sink.0.lock().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(sink.0.lock().iter().map(names).collect::<Vec<_>>(), [["a"]]);
    let refused = batch.0.consume(spans(&["b"])).await.unwrap_err();
    assert_eq!(refused.message, "otelcol.processor.batch has stopped");
}
