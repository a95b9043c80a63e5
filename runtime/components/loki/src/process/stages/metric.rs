//! One metric of `stage.metrics` (`metric.counter`, `metric.gauge`,
//! `metric.histogram`): its settings, checked as the reference checks
//! them, and what an entry does to it.

use std::sync::Arc;
use std::time::Duration;

use river_runtime::args::{ArgError, Args};
use river_runtime::metrics::{AtomicF64, Histogram, Registry};

use crate::process::pipeline::{as_string, Item};

/// Prometheus's default histogram buckets, for a histogram given none.
const DEFAULT_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// What an entry does to a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    Inc,
    Dec,
    Add(f64),
    Sub(f64),
    Set(f64),
    Observe(f64),
}

pub struct Metric {
    kind: Kind,
    name: String,
    help: String,
    source: String,
    value: String,
    action: String,
    match_all: bool,
    count_entry_bytes: bool,
    buckets: Vec<f64>,
    pub max_idle: Duration,
}

/// A series of one metric for one label set.
pub enum Series {
    Value(Arc<AtomicF64>),
    Histogram(Arc<Histogram>),
}

impl Series {
    pub fn record(&self, action: Action) {
        match (self, action) {
            (Series::Histogram(h), Action::Observe(v)) => h.observe(v),
            (Series::Value(v), Action::Inc) => v.add(1.0),
            (Series::Value(v), Action::Dec) => v.add(-1.0),
            (Series::Value(v), Action::Add(n)) => v.add(n),
            (Series::Value(v), Action::Sub(n)) => v.add(-n),
            (Series::Value(v), Action::Set(n)) => v.set(n),
            _ => {}
        }
    }
}

impl Metric {
    pub fn build(block_name: &str, block: &Args) -> Result<Metric, ArgError> {
        let kind = match block_name {
            "metric.counter" => Kind::Counter,
            "metric.gauge" => Kind::Gauge,
            _ => Kind::Histogram,
        };
        let name: String = block.require("name")?;
        let source: String = block.get("source")?;
        let metric = Metric {
            kind,
            help: block.get("description")?,
            source: if source.is_empty() { name.clone() } else { source },
            name: format!("{}{name}", block.get::<String>("prefix")?),
            value: block.get("value")?,
            action: if kind == Kind::Histogram {
                String::new()
            } else {
                block.require("action")?
            },
            match_all: kind == Kind::Counter && block.get("match_all")?,
            count_entry_bytes: kind == Kind::Counter && block.get("count_entry_bytes")?,
            buckets: if kind == Kind::Histogram { block.require("buckets")? } else { Vec::new() },
            max_idle: block.get("max_idle_duration")?,
        };
        metric.check(block)?;
        Ok(metric)
    }

    /// The reference's checks of a metric's settings.
    fn check(&self, block: &Args) -> Result<(), ArgError> {
        let actions: &[&str] = match self.kind {
            Kind::Counter => &["inc", "add"],
            Kind::Gauge => &["set", "inc", "dec", "add", "sub"],
            Kind::Histogram => &[""],
        };
        if !actions.contains(&self.action.as_str()) {
            let why =
                format!("action must be one of {}, not {:?}", actions.join(", "), self.action);
            return Err(block.invalid("action", why));
        }
        if self.max_idle < Duration::from_secs(1) {
            let why = "max_idle_duration must be greater or equal to 1s";
            return Err(block.invalid("max_idle_duration", why));
        }
        if self.match_all && !self.value.is_empty() {
            return Err(block.invalid("match_all", "match_all cannot be combined with value"));
        }
        if self.count_entry_bytes && (!self.match_all || self.action != "add") {
            let why = "count_entry_bytes needs match_all and action \"add\"";
            return Err(block.invalid("count_entry_bytes", why));
        }
        Ok(())
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Counter => "metric.counter",
            Kind::Gauge => "metric.gauge",
            Kind::Histogram => "metric.histogram",
        }
    }

    /// A series of this metric in `registry`.
    pub fn series(&self, registry: &Registry) -> Series {
        match self.kind {
            Kind::Counter => Series::Value(registry.counter(&self.name, &self.help)),
            Kind::Gauge => Series::Value(registry.gauge(&self.name, &self.help)),
            Kind::Histogram => {
                let bounds =
                    if self.buckets.is_empty() { &DEFAULT_BUCKETS[..] } else { &self.buckets };
                Series::Histogram(registry.histogram(&self.name, &self.help, bounds))
            }
        }
    }

    /// What `item` does to this metric, if anything.
    pub fn action(&self, item: &Item) -> Option<Action> {
        if self.match_all {
            let bytes = item.entry.line.len() as f64;
            return Some(if self.count_entry_bytes { Action::Add(bytes) } else { Action::Inc });
        }
        let value = item.extracted.get(&self.source)?;
        if !self.value.is_empty() && as_string(value)? != self.value {
            return None;
        }
        // A value that is not a number does nothing, as in the reference.
        let number =
            || as_string(value)?.trim().parse::<f64>().ok().or(value.as_bool().map(f64::from));
        match (self.kind, self.action.as_str()) {
            (Kind::Histogram, _) => number().map(Action::Observe),
            (_, "inc") => Some(Action::Inc),
            (_, "dec") => Some(Action::Dec),
            (Kind::Counter, "add") => number().filter(|n| *n >= 0.0).map(Action::Add),
            (_, "add") => number().map(Action::Add),
            (_, "sub") => number().map(Action::Sub),
            (_, "set") => number().map(Action::Set),
            _ => None,
        }
    }
}
