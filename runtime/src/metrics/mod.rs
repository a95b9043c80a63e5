//! The process's own metrics: counters, gauges and histograms in families, one
//! registry for the process and one per component (dropped with it, so a
//! removed component's series go away), written together in Prometheus's
//! text format with each family's HELP and TYPE once.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use crate::labels::Labels;
use parking_lot::Mutex;

mod histogram;
pub mod process;

pub use histogram::{Histogram, LATENCY_BUCKETS, SIZE_BUCKETS};

/// A float that many threads add to or set.
#[derive(Debug, Default)]
pub struct AtomicF64(AtomicU64);

impl AtomicF64 {
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }

    pub fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }

    pub fn add(&self, delta: f64) {
        let mut current = self.0.load(Ordering::Relaxed);
        loop {
            let next = (f64::from_bits(current) + delta).to_bits();
            match self.0.compare_exchange_weak(current, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }
}

/// A family's type, as `# TYPE` names it. The process's own registries
/// use counters, gauges and histograms; exporters' scrapes (a textfile)
/// may hold the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
    Untyped,
    /// Samples named `<name>{quantile}`, `<name>_sum` and `<name>_count`.
    Summary,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
            Kind::Untyped => "untyped",
            Kind::Summary => "summary",
        }
    }
}

/// A metric name with its series, each told apart by its label values.
#[derive(Debug)]
pub struct Family {
    name: String,
    help: String,
    kind: Kind,
    label_names: Vec<String>,
    series: Mutex<BTreeMap<Vec<String>, Arc<AtomicF64>>>,
    /// The series of a histogram family, by label values.
    histograms: Mutex<BTreeMap<Vec<String>, Arc<Histogram>>>,
}

impl Family {
    /// The series for these label values (one per label name), created at
    /// zero on first use.
    pub fn with(&self, values: &[&str]) -> Arc<AtomicF64> {
        let key: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        let mut series = self.series.lock();
        series.entry(key).or_default().clone()
    }

    /// The histogram for these label values (in a histogram family),
    /// created empty, with these bucket bounds, on first use.
    pub fn histogram_with(&self, values: &[&str], bounds: &[f64]) -> Arc<Histogram> {
        let key: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        let mut series = self.histograms.lock();
        series.entry(key).or_insert_with(|| Arc::new(Histogram::new(bounds))).clone()
    }

    /// Forgets a series (a target that went away).
    pub fn remove(&self, values: &[&str]) {
        let key: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        self.series.lock().remove(&key);
    }
}

/// Families registered by one owner, with labels for all of them
/// (`component_id`).
#[derive(Debug, Default)]
pub struct Registry {
    const_labels: Labels,
    families: Mutex<Vec<Arc<Family>>>,
}

impl Registry {
    pub fn with_labels(const_labels: Labels) -> Registry {
        Registry { const_labels, families: Mutex::default() }
    }

    pub fn counter(&self, name: &str, help: &str) -> Arc<AtomicF64> {
        self.family(name, help, Kind::Counter, &[]).with(&[])
    }

    pub fn gauge(&self, name: &str, help: &str) -> Arc<AtomicF64> {
        self.family(name, help, Kind::Gauge, &[]).with(&[])
    }

    /// A histogram without labels of its own, with these bucket bounds.
    pub fn histogram(&self, name: &str, help: &str, bounds: &[f64]) -> Arc<Histogram> {
        self.family(name, help, Kind::Histogram, &[]).histogram_with(&[], bounds)
    }

    pub fn family(&self, name: &str, help: &str, kind: Kind, label_names: &[&str]) -> Arc<Family> {
        let mut families = self.families.lock();
        if let Some(existing) = families.iter().find(|f| f.name == name) {
            return existing.clone();
        }
        let family = Arc::new(Family {
            name: name.to_owned(),
            help: help.to_owned(),
            kind,
            label_names: label_names.iter().map(|n| (*n).to_owned()).collect(),
            series: Mutex::default(),
            histograms: Mutex::default(),
        });
        families.push(family.clone());
        family
    }
}

/// Every registry whose metrics `/metrics` shows; registries that were
/// dropped are skipped (and forgotten).
#[derive(Debug, Default)]
pub struct Gatherer {
    registries: Mutex<Vec<Weak<Registry>>>,
}

impl Gatherer {
    pub fn register(&self, registry: &Arc<Registry>) {
        self.registries.lock().push(Arc::downgrade(registry));
    }

    /// All metrics in the text exposition format.
    pub fn render(&self) -> String {
        let mut registries = self.registries.lock();
        registries.retain(|r| r.strong_count() > 0);
        let live: Vec<Arc<Registry>> = registries.iter().filter_map(Weak::upgrade).collect();
        drop(registries);
        // name -> (help, kind, lines)
        let mut out: BTreeMap<String, (String, Kind, Vec<String>)> = BTreeMap::new();
        for registry in &live {
            for family in registry.families.lock().iter() {
                let entry = out
                    .entry(family.name.clone())
                    .or_insert_with(|| (family.help.clone(), family.kind, Vec::new()));
                let labels = |values: &[String]| {
                    let mut labels = registry.const_labels.clone();
                    for (name, value) in family.label_names.iter().zip(values) {
                        labels.set(name, value);
                    }
                    labels
                };
                for (values, value) in family.series.lock().iter() {
                    entry.2.push(format!(
                        "{}{} {}",
                        family.name,
                        exposition_labels(&labels(values)),
                        format_value(value.get())
                    ));
                }
                for (values, histogram) in family.histograms.lock().iter() {
                    histogram.write(&family.name, &labels(values), &mut entry.2);
                }
            }
        }
        let mut text = String::new();
        for (name, (help, kind, lines)) in out {
            let _ = writeln!(text, "# HELP {name} {help}");
            let _ = writeln!(text, "# TYPE {name} {}", kind.as_str());
            for line in lines {
                text.push_str(&line);
                text.push('\n');
            }
        }
        text
    }
}

/// `{a="1",b="2"}` with the format's escapes, or nothing for no labels.
pub fn exposition_labels(labels: &Labels) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let mut out = String::from("{");
    for (i, (name, value)) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let escaped = value.replace('\\', r"\\").replace('"', "\\\"").replace('\n', r"\n");
        let _ = write!(out, "{name}=\"{escaped}\"");
    }
    out.push('}');
    out
}

/// A sample value as the text format writes it.
pub fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_of_several_registries_are_written_together() {
        let gatherer = Gatherer::default();
        let a = Arc::new(Registry::with_labels(Labels::from_pairs([("component_id", "a")])));
        let b = Arc::new(Registry::with_labels(Labels::from_pairs([("component_id", "b")])));
        gatherer.register(&a);
        gatherer.register(&b);
        a.counter("things_total", "Things seen.").add(2.0);
        b.counter("things_total", "Things seen.").add(3.5);
        let text = gatherer.render();
        assert_eq!(
            text,
            "# HELP things_total Things seen.\n# TYPE things_total counter\n\
             things_total{component_id=\"a\"} 2\nthings_total{component_id=\"b\"} 3.5\n"
        );
        drop(b);
        assert!(!gatherer.render().contains("component_id=\"b\""));
    }
}
