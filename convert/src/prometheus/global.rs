//! `global`: what every scrape job inherits (interval, timeout, limits)
//! and the external labels of remote write, settled as Prometheus settles
//! them when it loads the file.

use crate::finding::{Finding, Severity};
use crate::river::{self, SECOND};
use crate::yaml::{self, duration, Node};

/// The limits a job inherits where it sets none (or 0): the first six are
/// arguments of `prometheus.scrape`, in its order; Flow has no
/// `keep_dropped_targets`.
pub(crate) const LIMITS: [&str; 7] = [
    "body_size_limit",
    "sample_limit",
    "target_limit",
    "label_limit",
    "label_name_length_limit",
    "label_value_length_limit",
    "keep_dropped_targets",
];

/// Prometheus's (and so Flow's) interval and timeout when `global` sets
/// none.
pub(crate) const DEFAULT_INTERVAL: u64 = 60 * SECOND;
pub(crate) const DEFAULT_TIMEOUT: u64 = 10 * SECOND;

pub(crate) struct Global {
    pub scrape_interval: u64,
    pub scrape_timeout: u64,
    /// Sorted by name, as Prometheus keeps labels.
    pub external_labels: Vec<(String, String)>,
    /// The value of each of `LIMITS`; 0 is none.
    pub limits: [u64; 7],
}

impl Global {
    pub(crate) fn read(node: Option<&Node>, findings: &mut Vec<Finding>) -> Global {
        Global::read_except(node, &[], findings)
    }

    /// As `read`, passing over the keys in `skip` (static mode's
    /// `metrics.global` also holds `remote_write`, and reports
    /// `evaluation_interval` itself).
    pub(crate) fn read_except(
        node: Option<&Node>,
        skip: &[&str],
        findings: &mut Vec<Finding>,
    ) -> Global {
        let mut global = Global {
            scrape_interval: DEFAULT_INTERVAL,
            scrape_timeout: DEFAULT_TIMEOUT,
            external_labels: Vec::new(),
            limits: [0; 7],
        };
        let Some(node) = node else { return global };
        let mut timeout = 0;
        for (key, value) in yaml::entries(node) {
            if skip.contains(&key.as_str()) {
                continue;
            }
            let path = format!("global.{key}");
            match key.as_str() {
                // 0 is no setting: the default stays.
                "scrape_interval" => match duration(value, &path, findings) {
                    0 => {}
                    interval => global.scrape_interval = interval,
                },
                "scrape_timeout" => timeout = duration(value, &path, findings),
                "external_labels" => global.external_labels = labels(value),
                "scrape_protocols" => protocols(value, &path, findings),
                _ => read_other(&key, value, &path, &mut global, findings),
            }
        }
        global.scrape_timeout =
            settle_timeout(timeout, global.scrape_interval, DEFAULT_TIMEOUT, "global", findings);
        global
    }
}

/// The limits, and the settings only Prometheus's rule evaluation and
/// query log use: they are findings only when they differ from
/// Prometheus's defaults, which change nothing.
fn read_other(key: &str, value: &Node, path: &str, global: &mut Global, f: &mut Vec<Finding>) {
    if let Some(i) = LIMITS.iter().position(|limit| *limit == key) {
        global.limits[i] = limit(key, value, path, f);
        return;
    }
    let differs = match key {
        "evaluation_interval" => !matches!(duration(value, path, f), 0 | DEFAULT_INTERVAL),
        "query_log_file" => yaml::str_of(value).is_some_and(|file| !file.is_empty()),
        _ => {
            let message = format!("`{path}` is not a Prometheus setting");
            return f.push(Finding::new(Severity::Critical, message));
        }
    };
    if differs {
        f.push(Finding::unsupported(path));
    }
}

/// One of `LIMITS`: a size for `body_size_limit`, else a count.
pub(crate) fn limit(key: &str, value: &Node, path: &str, findings: &mut Vec<Finding>) -> u64 {
    if key == "body_size_limit" {
        yaml::byte_size(value, path, findings)
    } else {
        yaml::uint(value, path, findings)
    }
}

fn labels(node: &Node) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = yaml::entries(node)
        .into_iter()
        .filter_map(|(name, value)| Some((name, yaml::str_of(value)?)))
        .collect();
    labels.sort();
    labels
}

/// A scrape timeout as Prometheus settles it: a timeout longer than its
/// interval is refused (Critical); none (0) is the `inherited` timeout,
/// cut to the interval.
pub(crate) fn settle_timeout(
    timeout: u64,
    interval: u64,
    inherited: u64,
    at: &str,
    findings: &mut Vec<Finding>,
) -> u64 {
    if timeout > interval {
        let message = format!(
            "`{at}.scrape_timeout` ({}) is longer than its scrape_interval ({}); Prometheus refuses it",
            river::go_duration(timeout),
            river::go_duration(interval)
        );
        findings.push(Finding::new(Severity::Critical, message));
    }
    if timeout == 0 {
        inherited.min(interval)
    } else {
        timeout
    }
}

/// Prometheus's scrape protocols, best first.
const PROTOCOLS: [&str; 4] =
    ["PrometheusProto", "OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText0.0.4"];

/// What Prometheus asks for when `scrape_protocols` is not set, which is
/// also what Flow asks for unless `enable_protobuf_negotiation` is on.
const DEFAULT_PROTOCOLS: [&str; 3] =
    ["OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText0.0.4"];

/// `scrape_protocols` (global or a job's): Critical where Prometheus
/// refuses the list, a Warning where it differs from the default, since
/// the reference leaves it out and Flow only has
/// `enable_protobuf_negotiation`, which stays off.
pub(crate) fn protocols(node: &Node, path: &str, findings: &mut Vec<Finding>) {
    let list: Vec<String> = yaml::items(Some(node)).into_iter().filter_map(yaml::str_of).collect();
    let mut seen = std::collections::HashSet::new();
    let refused = if list.is_empty() {
        Some("an empty list".to_owned())
    } else if let Some(unknown) = list.iter().find(|p| !PROTOCOLS.contains(&p.as_str())) {
        Some(format!("{unknown:?}, which is none of {}", PROTOCOLS.join(", ")))
    } else {
        list.iter().find(|p| !seen.insert(p.to_lowercase())).map(|p| format!("{p:?} twice"))
    };
    if let Some(why) = refused {
        let message = format!("`{path}` has {why}; Prometheus refuses it");
        findings.push(Finding::new(Severity::Critical, message));
    } else if list != DEFAULT_PROTOCOLS {
        findings.push(Finding::new(
            Severity::Warning,
            format!(
                "`{path}` is left out, as by the reference converter: prometheus.scrape asks \
                 for the text formats, or for protobuf first with \
                 `enable_protobuf_negotiation = true`; set that by hand if wanted"
            ),
        ));
    }
}
