use super::*;

struct Collect(Mutex<Vec<SpanRecord>>);

impl SpanSink for Arc<Collect> {
    fn export(&self, spans: Arc<[SpanRecord]>) -> BoxFuture<'static, Result<(), String>> {
        self.0.lock().extend(spans.iter().cloned());
        Box::pin(async { Ok(()) })
    }
}

fn tracer_with(fraction: f64) -> (Arc<Tracer>, Arc<Collect>) {
    let tracer = Arc::new(Tracer::default());
    let sink = Arc::new(Collect(Mutex::default()));
    *tracer.sampler.write() = Some(Sampler::Ratio(Ratio::new(fraction)));
    tracer.sinks.write().push(Arc::new(sink.clone()));
    (tracer, sink)
}

#[test]
fn the_ratio_sampler_keeps_the_ids_the_go_sdk_keeps() {
    let id = |low: u64| {
        let mut id = [0u8; 16];
        id[8..].copy_from_slice(&low.to_be_bytes());
        id
    };
    let half = Ratio::new(0.5);
    // Half keeps ids whose low 64 bits, halved, are under 2^62.
    assert!(half.keeps(&id(0x7fff_ffff_ffff_ffff)));
    assert!(!half.keeps(&id(0x8000_0000_0000_0000)));
    assert!(Ratio::new(1.0).keeps(&id(u64::MAX)));
    assert!(!Ratio::new(0.0).keeps(&id(0)));
    assert!(Sampler::Ratio(Ratio::new(0.0)).decide("x").is_none());
}

#[tokio::test]
async fn children_follow_their_root_and_spans_reach_the_sinks() {
    let (tracer, sink) = tracer_with(1.0);
    {
        let mut root = tracer.root("GraphEvaluate", SpanKind::Internal);
        let mut child = root.child("EvaluateNode", SpanKind::Internal);
        child.set("node_id", || AttrValue::Str("local.file.a".into()));
        child.set_result(&Err::<(), _>("it failed"));
        drop(child);
        root.set_status(SpanStatus::Ok);
    }
    tracer.flush().await;
    let spans = sink.0.lock().clone();
    assert_eq!(spans.len(), 2);
    let (child, root) = (&spans[0], &spans[1]);
    assert_eq!((child.name, root.name), ("EvaluateNode", "GraphEvaluate"));
    assert_eq!(child.trace_id, root.trace_id);
    assert_eq!(child.parent_span_id, Some(root.span_id));
    assert_eq!(root.parent_span_id, None);
    assert_eq!(child.attributes, vec![("node_id", AttrValue::Str("local.file.a".into()))]);
    assert_eq!(child.status, SpanStatus::Error("it failed".into()));
    assert!(root.end >= child.end && child.start >= root.start);
}

#[tokio::test]
async fn a_fraction_keeps_about_that_share_and_unset_tracing_makes_nothing() {
    let (tracer, sink) = tracer_with(0.1);
    for _ in 0..5000 {
        let root = tracer.root("scrape", SpanKind::Client);
        let _child = root.child("inner", SpanKind::Internal);
    }
    tracer.flush().await;
    let kept = sink.0.lock().len() / 2;
    assert!((350..=650).contains(&kept), "{kept} of 5000 traces kept at 0.1");
    tracer.configure(None).unwrap();
    assert!(!tracer.root("scrape", SpanKind::Client).is_recording());
}

#[tokio::test]
async fn a_full_queue_drops_new_spans_instead_of_growing() {
    let (tracer, sink) = tracer_with(1.0);
    for _ in 0..MAX_QUEUE + 100 {
        drop(tracer.root("scrape", SpanKind::Client));
    }
    tracer.flush().await;
    assert_eq!(sink.0.lock().len(), MAX_QUEUE);
}
