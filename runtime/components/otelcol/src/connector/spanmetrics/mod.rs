//! `otelcol.connector.spanmetrics`: counts the spans it takes (traces in)
//! into R.E.D. metrics (metrics out), as the collector's spanmetrics
//! connector: a `calls` sum and a `duration` histogram (`ms` or `s`) per
//! resource and distinct set of dimensions (`service.name`, `span.name`,
//! `span.kind`, `status.code` less `exclude_dimensions`, then each
//! `dimension` from the span's attributes, else its resource's, else its
//! default), an `events` sum per span event when enabled, exemplars when
//! asked. Every `metrics_flush_interval` what was counted goes to
//! `output`'s metrics: cumulative (counts kept, from the resource's first
//! span) or delta (counts start again).

mod aggregate;
mod exponential;
mod metrics;
mod settings;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;

use crate::consumer::{
    BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Fanout, Output, Signal, Signals,
};
use aggregate::Aggregator;
use settings::Settings;

/// `otelcol.connector.spanmetrics`.
pub const CONNECTOR_SPANMETRICS: Registration = Registration {
    name: "otelcol.connector.spanmetrics",
    build,
    without_effect: &[(
        "dimensions_cache_size",
        "sizes the collector's cache of computed dimension sets; here each series keeps its own, so there is nothing to cache",
    )],
};

fn now_nanos() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

struct Input(Arc<Mutex<Aggregator>>);

impl Consumer for Input {
    fn signals(&self) -> Signals {
        Signals { traces: true, metrics: false, logs: false }
    }

    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        if let Data::Traces(request) = &data {
            let now = now_nanos();
            let mut aggregator = self.0.lock();
            for rs in &request.resource_spans {
                let spans: Vec<_> = rs.scope_spans.iter().flat_map(|s| &s.spans).collect();
                aggregator.add(rs.resource.as_ref(), &spans, now);
            }
        }
        Box::pin(async { Ok(()) })
    }
}

struct SpanMetrics {
    aggregator: Arc<Mutex<Aggregator>>,
    fanout: Fanout,
    interval: Arc<Mutex<Duration>>,
}

fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = Settings::from_args(args)?;
    let interval = Arc::new(Mutex::new(settings.flush_interval));
    let aggregator = Arc::new(Mutex::new(Aggregator::new(Arc::new(settings))));
    let fanout = Fanout::watched(&ctx, Output::with_signals(args, &[Signal::Metrics])?);
    let input = ConsumerHandle(Arc::new(Input(aggregator.clone())));
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    ctx.spawn(flush_loop(ctx.clone(), aggregator.clone(), fanout.clone(), interval.clone()));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(SpanMetrics { aggregator, fanout, interval }))
}

/// Hands on what was counted every flush interval (read afresh each time,
/// so that an update's new interval takes effect after the next flush).
async fn flush_loop(
    ctx: Ctx,
    aggregator: Arc<Mutex<Aggregator>>,
    fanout: Fanout,
    interval: Arc<Mutex<Duration>>,
) {
    let mut last_flush = now_nanos();
    loop {
        let wait = *interval.lock();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = ctx.cancel.cancelled() => return,
        }
        let now = now_nanos();
        let request = aggregator.lock().flush(now, last_flush);
        last_flush = now;
        let Some(request) = request else { continue };
        match fanout.consume(Data::Metrics(request)).await {
            Ok(()) => ctx.set_health(HealthKind::Healthy, "running"),
            Err(e) => ctx.set_health(HealthKind::Unhealthy, format!("metrics refused: {e}")),
        }
    }
}

impl Component for SpanMetrics {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = Settings::from_args(args)?;
        let output = Output::with_signals(args, &[Signal::Metrics])?;
        let mut aggregator = self.aggregator.lock();
        if *aggregator.settings != settings {
            // New dimensions or buckets make new series: start afresh.
            *self.interval.lock() = settings.flush_interval;
            *aggregator = Aggregator::new(Arc::new(settings));
        }
        self.fanout.set(output);
        Ok(())
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        let aggregator = self.aggregator.lock();
        let series: usize = aggregator.resources.values().map(|r| r.calls.len()).sum();
        Some(serde_json::json!({ "resources": aggregator.resources.len(), "series": series }))
    }
}

#[cfg(test)]
mod tests;
