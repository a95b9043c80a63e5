//! One scrape's metrics, gathered into families and written in the text
//! exposition format as client_golang writes them: families sorted by
//! name, each with `# HELP` and `# TYPE`, samples sorted by their label
//! values. A family asked for twice is the same family, so collectors can
//! add to one family from several places.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use river_runtime::labels::Labels;
use river_runtime::metrics::{exposition_labels, format_value};

pub use river_runtime::metrics::Kind;

/// The samples of one metric name.
#[derive(Debug)]
pub struct Family {
    help: String,
    kind: Kind,
    /// Each sample: labels, value, and the suffix of its name (`_bucket`,
    /// `_sum`, `_count` in a histogram; empty otherwise).
    samples: Vec<(Labels, f64, &'static str)>,
}

impl Family {
    /// Adds a sample with these labels (name, value), in any order.
    pub fn sample(&mut self, labels: &[(&str, &str)], value: f64) -> &mut Family {
        let labels = Labels::from_pairs(labels.iter().copied());
        self.samples.push((labels, value, ""));
        self
    }

    /// Adds one line of a summary or histogram: `suffix` is `_bucket`,
    /// `_sum`, `_count` or empty (a quantile). The lines of one series are
    /// written in the order added.
    pub fn part(
        &mut self,
        suffix: &'static str,
        labels: &[(&str, &str)],
        value: f64,
    ) -> &mut Family {
        let labels = Labels::from_pairs(labels.iter().copied());
        self.samples.push((labels, value, suffix));
        self
    }
}

/// The families of one scrape.
#[derive(Debug, Default)]
pub struct Exposition {
    families: BTreeMap<String, Family>,
}

impl Exposition {
    pub fn new() -> Exposition {
        Exposition::default()
    }

    pub fn counter(&mut self, name: &str, help: &str) -> &mut Family {
        self.family(name, help, Kind::Counter)
    }

    pub fn gauge(&mut self, name: &str, help: &str) -> &mut Family {
        self.family(name, help, Kind::Gauge)
    }

    pub fn untyped(&mut self, name: &str, help: &str) -> &mut Family {
        self.family(name, help, Kind::Untyped)
    }

    /// The family `name`, made on first use with this help and kind.
    pub fn family(&mut self, name: &str, help: &str, kind: Kind) -> &mut Family {
        // Collectors ask for a family per sample: the name is copied only
        // the first time.
        if !self.families.contains_key(name) {
            let family = Family { help: help.to_owned(), kind, samples: Vec::new() };
            self.families.insert(name.to_owned(), family);
        }
        self.families.get_mut(name).expect("inserted above")
    }

    /// Adds `other`'s samples to this scrape, family by family (the first
    /// help and kind of a name win, as in `family`): how work gathered on
    /// several threads comes together.
    pub fn merge(&mut self, other: Exposition) {
        for (name, family) in other.families {
            match self.families.entry(name) {
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(family);
                }
                std::collections::btree_map::Entry::Occupied(mut slot) => {
                    slot.get_mut().samples.extend(family.samples);
                }
            }
        }
    }

    /// Whether a family of this name has samples.
    pub fn has(&self, name: &str) -> bool {
        self.families.get(name).is_some_and(|f| !f.samples.is_empty())
    }

    /// The text exposition; families without samples are left out.
    pub fn render(mut self) -> String {
        let mut text = String::new();
        for (name, family) in &mut self.families {
            if family.samples.is_empty() {
                continue;
            }
            // A stable sort on the series' labels (without `le` and
            // `quantile`) keeps each histogram's lines in their order.
            family.samples.sort_by(|a, b| label_values(&a.0).cmp(label_values(&b.0)));
            let help = family.help.replace('\\', r"\\").replace('\n', r"\n");
            let _ = writeln!(text, "# HELP {name} {help}");
            let _ = writeln!(text, "# TYPE {name} {}", family.kind.as_str());
            for (labels, value, suffix) in &family.samples {
                let _ = writeln!(
                    text,
                    "{name}{suffix}{} {}",
                    exposition_labels(labels),
                    format_value(*value)
                );
            }
        }
        text
    }
}

/// The labels a sample sorts by, compared as they come (no copy per
/// comparison: a scrape sorts thousands of samples).
fn label_values(labels: &Labels) -> impl Iterator<Item = (&str, &str)> {
    labels.iter().filter(|(name, _)| *name != "le" && *name != "quantile")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_sorted_and_share_a_name() {
        let mut out = Exposition::new();
        out.gauge("node_load1", "1m load average.").sample(&[], 0.5);
        out.counter("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.")
            .sample(&[("cpu", "1"), ("mode", "idle")], 2.0);
        out.counter("node_cpu_seconds_total", "ignored")
            .sample(&[("cpu", "0"), ("mode", "idle")], 1.0);
        out.gauge("node_empty", "Nothing.");
        assert_eq!(
            out.render(),
            "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n\
             # TYPE node_cpu_seconds_total counter\n\
             node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1\n\
             node_cpu_seconds_total{cpu=\"1\",mode=\"idle\"} 2\n\
             # HELP node_load1 1m load average.\n\
             # TYPE node_load1 gauge\n\
             node_load1 0.5\n"
        );
    }
}
