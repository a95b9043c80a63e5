//! `prometheus.relabel`: applies relabel rules to every sample passing
//! through and forwards what is kept. Its receiver stays the same across
//! updates; the rules and destinations behind it are swapped.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use river_analyzer::Object;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::metrics::AtomicF64;
use river_runtime::relabel::{self as rules, Rule};
use river_runtime::series::{Appender, Fanout, Metadata, MetadataSource, MetricsReceiver, Sample};

struct Settings {
    rules: Vec<Rule>,
    forward_to: Vec<MetricsReceiver>,
    max_cache_size: usize,
}

struct Relabeler {
    settings: RwLock<Settings>,
    /// Results by input label set: relabelling the same series again and
    /// again is the common case.
    cache: Mutex<HashMap<Labels, Option<Labels>>>,
    processed: Arc<AtomicF64>,
    written: Arc<AtomicF64>,
    cache_hits: Arc<AtomicF64>,
    cache_misses: Arc<AtomicF64>,
    cache_size: Arc<AtomicF64>,
    fanout: Fanout,
}

struct PrometheusRelabel {
    inner: Arc<Relabeler>,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    Ok(Settings {
        rules: rules::rules_from(&args.blocks("rule").cloned().collect::<Vec<_>>())?,
        forward_to: super::forward_to(args)?,
        max_cache_size: args.get::<u64>("max_cache_size")? as usize,
    })
}

/// `prometheus.relabel`.
pub const RELABEL: Registration =
    Registration { name: "prometheus.relabel", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let inner = Arc::new(Relabeler {
        settings: RwLock::new(settings(args)?),
        cache: Mutex::default(),
        processed: ctx.metrics.counter(
            "agent_prometheus_relabel_metrics_processed",
            "Samples processed by relabelling.",
        ),
        written: ctx.metrics.counter(
            "agent_prometheus_relabel_metrics_written",
            "Samples written on after relabelling.",
        ),
        cache_hits: ctx.metrics.counter(
            "agent_prometheus_relabel_cache_hits",
            "Series whose relabelling result came from the cache.",
        ),
        cache_misses: ctx.metrics.counter(
            "agent_prometheus_relabel_cache_misses",
            "Series relabelled afresh (not in the cache).",
        ),
        cache_size: ctx
            .metrics
            .gauge("agent_prometheus_relabel_cache_size", "Series in the relabelling cache."),
        fanout: Fanout::new(&ctx),
    });
    let receiver = MetricsReceiver(inner.clone());
    ctx.export(Object::from_iter([("receiver".to_owned(), receiver.to_value())]));
    Ok(Arc::new(PrometheusRelabel { inner }))
}

impl Component for PrometheusRelabel {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let new = settings(args)?;
        *self.inner.settings.write() = new;
        self.inner.cache.lock().clear();
        self.inner.cache_size.set(0.0);
        Ok(())
    }
}

impl Appender for Relabeler {
    fn append(&self, samples: &[Sample]) {
        let settings = self.settings.read();
        let mut cache = self.cache.lock();
        let mut out = Vec::with_capacity(samples.len());
        let mut hits = 0;
        for sample in samples {
            let result = match cache.get(&sample.labels) {
                Some(result) => {
                    hits += 1;
                    result.clone()
                }
                None => {
                    let result = rules::process(&sample.labels, &settings.rules);
                    if cache.len() >= settings.max_cache_size {
                        cache.clear();
                    }
                    cache.insert(sample.labels.clone(), result.clone());
                    result
                }
            };
            if let Some(labels) = result.filter(|l| !l.is_empty()) {
                out.push(Sample { labels, ..sample.clone() });
            }
        }
        self.cache_size.set(cache.len() as f64);
        drop(cache);
        self.cache_hits.add(hits as f64);
        self.cache_misses.add((samples.len() - hits) as f64);
        self.processed.add(samples.len() as f64);
        self.written.add(out.len() as f64);
        self.fanout.send(&settings.forward_to, out);
    }

    /// Metadata describes metric families, not series: it passes through
    /// unchanged, as the reference's relabel component passes it.
    fn update_metadata(&self, source: MetadataSource, metadata: &Arc<[Metadata]>) {
        let settings = self.settings.read();
        self.fanout.send_metadata(&settings.forward_to, source, metadata);
    }
}
