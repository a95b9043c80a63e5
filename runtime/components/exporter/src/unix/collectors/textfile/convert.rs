//! Parsed textfile families into the scrape, as node_exporter re-creates
//! them: a family without help gets "Metric read from <files>", every
//! series gets every label name of its family (empty where it had none),
//! and a summary's or histogram's lines come together per series.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::parse::{Family, Line, Type};
use crate::exposition::{Exposition, Kind};

pub fn families(parsed: &[(PathBuf, BTreeMap<String, Family>)], out: &mut Exposition) {
    let mut files_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (path, families) in parsed {
        for name in families.keys() {
            files_of.entry(name).or_default().push(path.display().to_string());
        }
    }
    for (_, families) in parsed {
        for (name, family) in families.iter().filter(|(_, f)| !f.lines.is_empty()) {
            let help = family.help.clone().unwrap_or_else(|| {
                format!("Metric read from {}", files_of[name.as_str()].join(", "))
            });
            family_into(name, &help, family, out);
        }
    }
}

fn family_into(name: &str, help: &str, family: &Family, out: &mut Exposition) {
    let kind = match family.kind {
        Type::Counter => Kind::Counter,
        Type::Gauge => Kind::Gauge,
        Type::Untyped => Kind::Untyped,
        Type::Summary => Kind::Summary,
        Type::Histogram => Kind::Histogram,
    };
    let names: BTreeSet<&str> = family
        .lines
        .iter()
        .flat_map(|l| l.labels.iter().map(|(n, _)| n.as_str()))
        .filter(|n| {
            !matches!(kind, Kind::Summary | Kind::Histogram) || (*n != "le" && *n != "quantile")
        })
        .collect();
    let target = out.family(name, help, kind);
    if !matches!(kind, Kind::Summary | Kind::Histogram) {
        for line in &family.lines {
            target.sample(&filled(&line.labels, &names), line.value);
        }
        return;
    }
    for series in group(&family.lines, &names) {
        series.write(kind, target);
    }
}

/// The line's labels, with every name of the family (empty when absent).
fn filled<'a>(
    labels: &'a [(String, String)],
    names: &BTreeSet<&'a str>,
) -> Vec<(&'a str, &'a str)> {
    let mut pairs: Vec<(&str, &str)> = names
        .iter()
        .map(|n| (*n, labels.iter().find(|(l, _)| l == n).map_or("", |(_, v)| v.as_str())))
        .collect();
    pairs.extend(
        labels
            .iter()
            .filter(|(n, _)| n == "le" || n == "quantile")
            .map(|(n, v)| (n.as_str(), v.as_str())),
    );
    pairs
}

/// One series of a summary or histogram.
struct Series<'a> {
    labels: Vec<(&'a str, &'a str)>,
    /// (quantile or upper bound, value), in the file's order.
    points: Vec<(f64, f64)>,
    sum: f64,
    count: f64,
}

fn group<'a>(lines: &'a [Line], names: &BTreeSet<&'a str>) -> Vec<Series<'a>> {
    let mut all: Vec<Series<'a>> = Vec::new();
    for line in lines {
        let mut labels = filled(&line.labels, names);
        let bound = labels.iter().find(|(n, _)| *n == "le" || *n == "quantile").map(|(_, v)| *v);
        labels.retain(|(n, _)| *n != "le" && *n != "quantile");
        let index = match all.iter().position(|s| s.labels == labels) {
            Some(i) => i,
            None => {
                all.push(Series { labels, points: Vec::new(), sum: 0.0, count: 0.0 });
                all.len() - 1
            }
        };
        let series = &mut all[index];
        match line.suffix {
            "_sum" => series.sum = line.value,
            "_count" => series.count = line.value,
            _ => {
                if let Some(bound) = bound.and_then(parse_bound) {
                    series.points.push((bound, line.value));
                }
            }
        }
    }
    all
}

fn parse_bound(text: &str) -> Option<f64> {
    match text {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => text.parse().ok(),
    }
}

impl Series<'_> {
    /// Quantiles or buckets in ascending order (a histogram always ends
    /// with `+Inf`, counting every observation), then sum and count.
    fn write(mut self, kind: Kind, target: &mut crate::exposition::Family) {
        self.points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (label, suffix) =
            if kind == Kind::Histogram { ("le", "_bucket") } else { ("quantile", "") };
        if kind == Kind::Histogram && self.points.last().is_none_or(|p| p.0 != f64::INFINITY) {
            self.points.push((f64::INFINITY, self.count));
        }
        for (bound, value) in &self.points {
            let text = river_runtime::metrics::format_value(*bound);
            let mut labels = self.labels.clone();
            labels.push((label, &text));
            target.part(suffix, &labels, *value);
        }
        target.part("_sum", &self.labels, self.sum);
        target.part("_count", &self.labels, self.count);
    }
}
