//! `integrations` (version 1): each one that is on and scraped becomes its
//! `prometheus.exporter.*` (`exporter.rs`), then the scrape job static
//! mode runs for it (`integrations/<name>`, with a `job` label rule),
//! converted as a Prometheus job sending to one `prometheus.remote_write
//! "integrations"`, written with the first.

mod exporter;

use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::prometheus::{self, Blocks, Global, JobCx};
use crate::river::{Block, Value};
use crate::statics::flow::{json, json_str, map};
use crate::statics::metrics::{self, Shared};
use crate::yaml::{self, Node};

/// Settings of the integrations manager itself, not integrations.
const MANAGER: [&str; 8] = [
    "scrape_integrations",
    "prometheus_remote_write",
    "metrics_instance",
    "replace_instance_label",
    "use_hostname_label",
    "integration_restart_backoff",
    "http_tls_config",
    "instance",
];

pub(crate) fn blocks(root: &Node, shared: &Shared, sink: &Sink) -> Vec<Block> {
    let Some(integrations) = yaml::get(root, "integrations") else { return Vec::new() };
    let scrape_all = yaml::bool_at(integrations, "scrape_integrations").unwrap_or(true);
    let mut findings = Vec::new();
    let metrics_global = yaml::get(root, "metrics").and_then(|m| yaml::get(m, "global"));
    let global = metrics::read_global(metrics_global, &mut Vec::new());
    let endpoints = remote_writes(integrations, metrics_global, shared);
    let mut remote_write_done = false;
    let mut out = Vec::new();
    for (name, config) in yaml::entries(integrations) {
        if MANAGER.contains(&name.as_str()) {
            continue;
        }
        if !wanted(&name, config, scrape_all, &mut findings) {
            continue;
        }
        if endpoints.is_empty() {
            // Its scrape would send nowhere: nothing is written for it.
            findings.push(Finding::new(Severity::Error, "The converter does not support handling integrations which are not connected to a remote_write."));
            continue;
        }
        let Some(exporter) = exporter::block(&name, config, &mut findings) else { continue };
        let label = exporter.label.clone().unwrap_or_default();
        let targets = [Value::Ref(format!("{}.{label}.targets", exporter.name))];
        out.push(exporter);
        let job = Pipeline { name: &name, config, integrations, global: &global };
        let remote_write = if remote_write_done { &[][..] } else { &endpoints[..] };
        out.extend(job.blocks(&targets, remote_write, &mut findings));
        remote_write_done = true;
    }
    for finding in findings {
        sink.push(finding);
    }
    out
}

/// Whether an integration is on and scraped; a finding when not.
fn wanted(name: &str, config: &Node, scrape_all: bool, findings: &mut Vec<Finding>) -> bool {
    if !yaml::bool_at(config, "enabled").unwrap_or(false) {
        let message =
            format!("disabled integrations do nothing and are not included in the output: {name}.");
        findings.push(Finding::new(Severity::Warning, message));
        return false;
    }
    if !yaml::bool_at(config, "scrape_integration").unwrap_or(scrape_all) {
        let message = format!("The converter does not support handling integrations which are not being scraped: {name}.");
        findings.push(Finding::new(Severity::Error, message));
        return false;
    }
    true
}

/// `integrations.prometheus_remote_write`, or else the metrics' global
/// remote writes with the names their first instance gave them.
fn remote_writes<'a>(
    integrations: &'a Node,
    metrics_global: Option<&'a Node>,
    shared: &Shared,
) -> Vec<(&'a Node, Option<String>)> {
    let own = yaml::items(yaml::get(integrations, "prometheus_remote_write"));
    if !own.is_empty() {
        return own.into_iter().map(|n| (n, None)).collect();
    }
    let global = yaml::items(metrics_global.and_then(|g| yaml::get(g, "remote_write")));
    let names = shared.global_names.iter().cloned().chain(std::iter::repeat(None));
    global.into_iter().zip(names).collect()
}

/// One integration's scrape job, as static mode builds it.
struct Pipeline<'a> {
    name: &'a str,
    config: &'a Node,
    integrations: &'a Node,
    global: &'a Global,
}

impl Pipeline<'_> {
    fn blocks(
        &self,
        targets: &[Value],
        endpoints: &[(&Node, Option<String>)],
        findings: &mut Vec<Finding>,
    ) -> Vec<Block> {
        let text = self.job_yaml();
        let root = match yaml::parse(&format!("integrations.{}", self.name), &text, "scrape job") {
            Ok(Some(root)) => root,
            Ok(None) => return Vec::new(),
            Err(finding) => {
                findings.push(finding);
                return Vec::new();
            }
        };
        let label_of = |job: &str| match job.strip_prefix("integrations/") {
            Some("") | None => "integrations".to_owned(),
            Some(rest) => format!("integrations_{rest}"),
        };
        let receiver = "prometheus.remote_write.integrations.receiver";
        let cx =
            JobCx { global: self.global, receiver, label_of: &label_of, extra_targets: targets };
        let mut blocks = Blocks::default();
        prometheus::convert_job(&root, &cx, &mut blocks, findings);
        let rw = prometheus::remote_write_block("integrations", endpoints, self.global, findings);
        blocks.remote_write.extend(rw);
        blocks.in_order()
    }

    /// The scrape config: the integration's relabel rules, then its
    /// `instance` and the `job` label unless a rule sets `job`.
    fn job_yaml(&self) -> String {
        let job_name = format!("integrations/{}", self.name);
        let mut rules: Vec<String> =
            yaml::items(yaml::get(self.config, "relabel_configs")).into_iter().map(json).collect();
        if let Some(instance) = yaml::str_at(self.config, "instance") {
            rules.push(rule("instance", &instance));
        }
        let sets_job = yaml::items(yaml::get(self.config, "relabel_configs"))
            .into_iter()
            .any(|r| yaml::str_at(r, "target_label").as_deref() == Some("job"));
        if !sets_job {
            rules.push(rule("job", &job_name));
        }
        let mut fields = vec![
            ("job_name".to_owned(), json_str(&job_name)),
            ("relabel_configs".to_owned(), format!("[{}]", rules.join(", "))),
        ];
        for key in ["metric_relabel_configs", "scrape_interval", "scrape_timeout"] {
            if let Some(node) = yaml::get(self.config, key) {
                fields.push((key.to_owned(), json(node)));
            }
        }
        if let Some(tls) = yaml::get(self.integrations, "http_tls_config") {
            fields.push(("tls_config".to_owned(), json(tls)));
        }
        map(&fields)
    }
}

fn rule(target: &str, replacement: &str) -> String {
    let fields = [
        ("target_label".to_owned(), json_str(target)),
        ("replacement".to_owned(), json_str(replacement)),
    ];
    map(&fields)
}
