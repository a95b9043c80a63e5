//! `loki.relabel`: applies relabel rules to the labels of every entry
//! passing through and forwards what is kept; exports the rules too, for
//! sources' `relabel_rules`. Its receiver stays the same across updates;
//! the rules and destinations behind it are swapped.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use river_analyzer::{Object, Value};

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::logs::{fan_out, BoxFuture, Entry, LogsReceiver, LogsSink};
use river_runtime::metrics::AtomicF64;
use river_runtime::relabel::{self as rules, RelabelRules, Rule};

struct Settings {
    rules: Arc<Vec<Rule>>,
    forward_to: Vec<LogsReceiver>,
    max_cache_size: usize,
}

struct Relabeler {
    settings: RwLock<Settings>,
    live: river_runtime::live::LiveTap,
    /// Results by input label set: a stream's entries share their labels.
    cache: Mutex<HashMap<Labels, Option<Labels>>>,
    processed: Arc<AtomicF64>,
    written: Arc<AtomicF64>,
    cache_hits: Arc<AtomicF64>,
    cache_misses: Arc<AtomicF64>,
    cache_size: Arc<AtomicF64>,
}

struct LokiRelabel {
    ctx: Ctx,
    inner: Arc<Relabeler>,
    receiver: Value,
    /// The rules' blocks and the capsule exported for them: kept while the
    /// rules stay the same, so that their users are not updated.
    rules: Mutex<(Value, Value)>,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    Ok(Settings {
        rules: Arc::new(rules::rules_from(&args.blocks("rule").cloned().collect::<Vec<_>>())?),
        forward_to: crate::forward_to(args)?,
        max_cache_size: args.get::<u64>("max_cache_size")? as usize,
    })
}

/// `loki.relabel`.
pub const LOKI_RELABEL: Registration =
    Registration { name: "loki.relabel", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = settings(args)?;
    let m = &ctx.metrics;
    let rules_value = rules_capsule(&settings.rules);
    let inner = Arc::new(Relabeler {
        settings: RwLock::new(settings),
        live: ctx.live(),
        cache: Mutex::default(),
        processed: m.counter("loki_relabel_entries_processed", "Log entries processed."),
        written: m.counter("loki_relabel_entries_written", "Log entries forwarded."),
        cache_hits: m.counter("loki_relabel_cache_hits", "Relabelling results from the cache."),
        cache_misses: m.counter("loki_relabel_cache_misses", "Label sets relabelled afresh."),
        cache_size: m.gauge("loki_relabel_cache_size", "Label sets in the relabelling cache."),
    });
    let receiver = LogsReceiver(inner.clone()).to_value();
    let component = LokiRelabel {
        ctx: ctx.clone(),
        inner,
        receiver,
        rules: Mutex::new((rule_blocks(args), rules_value)),
    };
    component.export();
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(component))
}

fn rule_blocks(args: &Args) -> Value {
    Value::Array(args.blocks("rule").map(Args::to_value).collect())
}

fn rules_capsule(rules: &Arc<Vec<Rule>>) -> Value {
    Value::Capsule("RelabelRules", Arc::new(RelabelRules(rules.clone())))
}

impl LokiRelabel {
    fn export(&self) {
        let rules = self.rules.lock().1.clone();
        let exports = [("receiver".to_owned(), self.receiver.clone()), ("rules".to_owned(), rules)];
        self.ctx.export(Object::from_iter(exports));
    }
}

impl Component for LokiRelabel {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let new = settings(args)?;
        {
            let mut rules = self.rules.lock();
            let blocks = rule_blocks(args);
            if rules.0 != blocks {
                *rules = (blocks, rules_capsule(&new.rules));
            }
        }
        *self.inner.settings.write() = new;
        self.inner.cache.lock().clear();
        self.inner.cache_size.set(0.0);
        self.export();
        Ok(())
    }
}

impl Relabeler {
    /// The entry's labels after the rules (cached), `None` when dropped.
    fn relabel(&self, settings: &Settings, labels: &Labels) -> Option<Labels> {
        let mut cache = self.cache.lock();
        if let Some(result) = cache.get(labels) {
            self.cache_hits.add(1.0);
            return result.clone();
        }
        self.cache_misses.add(1.0);
        let result = rules::process(labels, &settings.rules).filter(|l| !l.is_empty());
        if cache.len() >= settings.max_cache_size {
            cache.clear();
        }
        if settings.max_cache_size > 0 {
            cache.insert(labels.clone(), result.clone());
        }
        self.cache_size.set(cache.len() as f64);
        result
    }
}

impl LogsSink for Relabeler {
    fn send(&self, entries: &[Entry]) {
        let settings = self.settings.read();
        let out = self.process(&settings, entries);
        self.live.logs(&out);
        fan_out(&settings.forward_to, &out);
    }

    /// Room downstream: the rules hold nothing back.
    fn room(&self) -> BoxFuture<'static, ()> {
        let to = self.settings.read().forward_to.clone();
        Box::pin(async move {
            for receiver in to {
                receiver.0.room().await;
            }
        })
    }

    fn send_after_room(&self, entries: &[Entry]) {
        let settings = self.settings.read();
        let out = self.process(&settings, entries);
        if out.is_empty() {
            return;
        }
        self.live.logs(&out);
        for receiver in &settings.forward_to {
            receiver.0.send_after_room(&out);
        }
    }
}

impl Relabeler {
    fn process(&self, settings: &Settings, entries: &[Entry]) -> Vec<Entry> {
        let out: Vec<Entry> = entries
            .iter()
            .filter_map(|e| {
                let labels = self.relabel(settings, &e.labels)?;
                Some(Entry { labels, ..e.clone() })
            })
            .collect();
        self.processed.add(entries.len() as f64);
        self.written.add(out.len() as f64);
        out
    }
}
