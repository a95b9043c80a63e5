//! `otelcol.receiver.prometheus`: a `MetricsReceiver` whose samples become
//! OTLP metrics, handed to `output`'s metrics. A resource per `job` and
//! `instance` (`service.name`, `service.instance.id`, `net.host.name`,
//! `net.host.port`, as the reference's receiver); each family's type comes
//! from the metadata its scrape reported: counters become cumulative
//! monotonic sums, histograms and summaries are put together from their
//! `_bucket`, `_sum`, `_count` and quantile series, the rest are gauges.
//! Stale markers are points without a recorded value. Native histogram
//! samples are not converted yet (they are counted in debug info).

mod convert;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::RwLock;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::series::{
    Appender, Metadata, MetadataSource, MetricType, MetricsReceiver, Sample,
};
use tokio::sync::mpsc;

pub use convert::convert;

use crate::consumer::{Data, Fanout, Output};

/// `otelcol.receiver.prometheus`.
pub const RECEIVER_PROMETHEUS: Registration =
    Registration { name: "otelcol.receiver.prometheus", build, without_effect: &[] };

struct Receiver {
    sender: mpsc::UnboundedSender<Data>,
    /// What each scrape loop said about its families.
    sources: RwLock<HashMap<MetadataSource, Arc<[Metadata]>>>,
    /// Every family's type, from all of them.
    types: RwLock<HashMap<String, MetricType>>,
    skipped: Arc<AtomicU64>,
}

impl Appender for Receiver {
    fn append(&self, samples: &[Sample]) {
        let (request, skipped) = convert(samples, &self.types.read());
        self.skipped.fetch_add(skipped as u64, Ordering::Relaxed);
        if !request.resource_metrics.is_empty() {
            let _ = self.sender.send(Data::Metrics(request));
        }
    }

    fn update_metadata(&self, source: MetadataSource, metadata: &Arc<[Metadata]>) {
        let mut sources = self.sources.write();
        if metadata.is_empty() {
            sources.remove(&source);
        } else {
            sources.insert(source, metadata.clone());
        }
        let types = sources.values().flat_map(|m| m.iter()).map(|m| (m.family.clone(), m.kind));
        *self.types.write() = types.collect();
    }
}

struct ReceiverPrometheus {
    fanout: Fanout,
    skipped: Arc<AtomicU64>,
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let fanout = Fanout::watched(&ctx, Output::from_args(args)?);
    let (sender, received) = mpsc::unbounded_channel();
    let skipped = Arc::new(AtomicU64::new(0));
    let receiver = Receiver {
        sender,
        sources: RwLock::default(),
        types: RwLock::default(),
        skipped: skipped.clone(),
    };
    let receiver = MetricsReceiver(Arc::new(receiver));
    ctx.export(Object::from_iter([("receiver".to_owned(), receiver.to_value())]));
    ctx.spawn(run(ctx.clone(), fanout.clone(), received));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(ReceiverPrometheus { fanout, skipped }))
}

impl Component for ReceiverPrometheus {
    fn update(&self, args: &Args) -> Result<(), Error> {
        self.fanout.set(Output::from_args(args)?);
        Ok(())
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        let skipped = self.skipped.load(Ordering::Relaxed);
        Some(serde_json::json!({ "native_histogram_samples_skipped": skipped }))
    }
}

/// Hands on what was converted; when stopping, what is left too.
async fn run(ctx: Ctx, fanout: Fanout, mut received: mpsc::UnboundedReceiver<Data>) {
    loop {
        let data = tokio::select! {
            data = received.recv() => data,
            _ = ctx.cancel.cancelled() => None,
        };
        let Some(data) = data else { break };
        send(&fanout, data).await;
    }
    received.close();
    while let Ok(data) = received.try_recv() {
        send(&fanout, data).await;
    }
}

async fn send(fanout: &Fanout, data: Data) {
    let items = data.items();
    if let Err(e) = fanout.consume(data).await {
        tracing::warn!(err = %e, items, "the next component refused metrics, dropped");
    }
}
