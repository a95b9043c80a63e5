//! `otelcol.processor.tail_sampling`: the collector's tail sampler.
//! Spans are held per trace; `decision_wait` after a trace's first span
//! its policies decide, and a sampled trace is handed on whole. Spans of
//! a decided trace that arrive later follow its decision while the trace
//! is remembered (the newest `num_traces` are).

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::ResourceSpans;
use parking_lot::Mutex;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use tokio::sync::Notify;
use tokio::time::Instant;

mod config;
pub mod evaluate;
mod hashing;
mod store;

use config::{policies, Policy};
use evaluate::Decision;
use store::{by_trace, Fate, Store, Trace};

use crate::consumer::{
    BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Fanout, Output, Signals,
};

const CACHE: &str =
    "sizes a cache of regexp match results; matching gives the same results without it";

/// `otelcol.processor.tail_sampling`.
pub const PROCESSOR_TAIL_SAMPLING: Registration = Registration {
    name: "otelcol.processor.tail_sampling",
    build,
    without_effect: &[
        (
            "expected_new_traces_per_sec",
            "sizes the first allocation of the collector's batches of new trace ids",
        ),
        ("policy/string_attribute/cache_max_size", CACHE),
        ("policy/and/and_sub_policy/string_attribute/cache_max_size", CACHE),
        ("policy/composite/composite_sub_policy/string_attribute/cache_max_size", CACHE),
    ],
};

struct Settings {
    wait: Duration,
    limit: usize,
    policies: Vec<Policy>,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let wait: Duration = args.get("decision_wait")?;
    if wait.as_millis() == 0 {
        return Err(args
            .invalid("decision_wait", "decision_wait must be greater than zero")
            .into());
    }
    let limit: u64 = args.get("num_traces")?;
    if limit == 0 {
        return Err(args.invalid("num_traces", "num_traces must be greater than zero").into());
    }
    let _: u64 = args.get("expected_new_traces_per_sec")?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    Ok(Settings { wait, limit, policies: policies(args)? })
}

/// What the input and the deciding task share.
struct Shared {
    state: Mutex<(Store, Settings)>,
    /// Wakes the task when a trace arrives (its due time may be sooner).
    arrived: Notify,
    fanout: Fanout,
    /// Rate limits count spans per second since this instant.
    start: Instant,
}

struct Input(Arc<Shared>);

impl Consumer for Input {
    fn signals(&self) -> Signals {
        Signals { traces: true, metrics: false, logs: false }
    }

    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        // The collector's processor has no pipeline but traces.
        let Data::Traces(request) = data else { return Box::pin(async { Ok(()) }) };
        let forward = self.0.receive(request.resource_spans);
        Box::pin(async move {
            if !forward.is_empty() {
                send(&self.0.fanout, forward).await;
            }
            Ok(())
        })
    }
}

impl Shared {
    /// Files received spans under their traces; returns those whose
    /// trace is already sampled.
    fn receive(&self, resources: Vec<ResourceSpans>) -> Vec<ResourceSpans> {
        let mut forward = Vec::new();
        let mut state = self.state.lock();
        let (store, settings) = &mut *state;
        let due = Instant::now() + settings.wait;
        for group in resources.into_iter().flat_map(by_trace) {
            let (id, spans) = group;
            if let Fate::Forward(spans) = store.add(id, spans, due, settings.limit) {
                forward.push(spans);
            }
        }
        drop(state);
        self.arrived.notify_one();
        forward
    }

    /// Decides every trace that is due, and hands on the sampled ones.
    async fn decide_due(&self) {
        let now = Instant::now();
        let second = now.duration_since(self.start).as_secs();
        let mut sampled = Vec::new();
        {
            let mut state = self.state.lock();
            let (store, settings) = &mut *state;
            while let Some(id) = store.take_due(now) {
                let Some(trace) = store.get_mut(&id) else { continue };
                let keep = decide(&mut settings.policies, &id, trace, second);
                trace.decision = Some(keep);
                let batches = std::mem::take(&mut trace.batches);
                if keep {
                    sampled.push(batches);
                }
            }
        }
        for trace in sampled {
            send(&self.fanout, trace).await;
        }
    }
}

/// The final decision from every policy's (`makeDecision`): an inverted
/// "not sampled" vetoes; else any "sampled" samples, as does an inverted
/// "sampled" when no policy said "not sampled". A policy's error counts
/// as no decision.
fn decide(policies: &mut [Policy], id: &[u8], trace: &mut Trace, second: u64) -> bool {
    let mut seen = Vec::with_capacity(policies.len());
    for policy in policies.iter_mut() {
        match policy.evaluator.evaluate(id, trace, second) {
            Ok(decision) => seen.push(decision),
            Err(error) => {
                tracing::debug!(policy = %policy.name, %error, "sampling policy error");
            }
        }
    }
    let has = |d: Decision| seen.contains(&d);
    if has(Decision::InvertNotSampled) {
        false
    } else {
        has(Decision::Sampled) || (has(Decision::InvertSampled) && !has(Decision::NotSampled))
    }
}

async fn send(fanout: &Fanout, resource_spans: Vec<ResourceSpans>) {
    let data = Data::Traces(ExportTraceServiceRequest { resource_spans });
    if let Err(e) = fanout.consume(data).await {
        tracing::warn!(err = %e, "the next component refused a sampled trace, dropped");
    }
}

struct TailSampling(Arc<Shared>);

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = settings(args)?;
    let fanout = Fanout::watched(&ctx, Output::from_args(args)?);
    let shared = Arc::new(Shared {
        state: Mutex::new((Store::default(), settings)),
        arrived: Notify::new(),
        fanout,
        start: Instant::now(),
    });
    let input = ConsumerHandle(Arc::new(Input(shared.clone())));
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    ctx.spawn(run(ctx.clone(), shared.clone()));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(TailSampling(shared)))
}

impl Component for TailSampling {
    /// New settings and policies apply to the decisions still to come;
    /// the traces held stay.
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = settings(args)?;
        self.0.fanout.set(Output::from_args(args)?);
        self.0.state.lock().1 = settings;
        Ok(())
    }
}

/// Sleeps until the next trace is due, decides, and so on. Traces held
/// when the component stops are dropped, as the collector's are.
async fn run(ctx: Ctx, shared: Arc<Shared>) {
    loop {
        let due = shared.state.lock().0.next_due();
        let timer = async {
            match due {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = timer => shared.decide_due().await,
            _ = shared.arrived.notified() => {}
            _ = ctx.cancel.cancelled() => break,
        }
    }
}
