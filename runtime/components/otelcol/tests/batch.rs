//! otelcol.processor.batch as the controller builds it: a batch that
//! fills is handed on by the call that filled it, the rest when `timeout`
//! is up, bytes are joined as bytes, and what it holds goes when it stops.

mod support;

use std::sync::Arc;
use std::time::Duration;

use river_otelcol::consumer::{ConsumerHandle, Encoded};
use river_runtime::component::{Component, Ctx, Registration};
use support::{input, span_names as names, spans, Collect};

const TABLE: &[Registration] = &[river_otelcol::batch::PROCESSOR_BATCH];

/// The processor built from `body`, its context and input, and what it
/// hands on.
fn batch(body: &str) -> (Arc<dyn Component>, Ctx, ConsumerHandle, Arc<Collect>) {
    let (built, ctx, sink) = support::build(TABLE, "otelcol.processor.batch", body, &["traces"]);
    let input = input(&ctx);
    (built.unwrap(), ctx, input, sink)
}

#[tokio::test(start_paused = true)]
async fn a_full_batch_goes_at_once_the_rest_at_its_timeout() {
    let (_batch, _ctx, batch, sink) = batch("send_batch_size = 3\ntimeout = \"10s\"");
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
    let (_batch, ctx, batch, sink) = batch("send_batch_size = 100\ntimeout = \"1h\"");
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
