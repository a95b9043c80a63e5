//! `metrics`: each instance converted as a Prometheus config of its own
//! (`metrics.global` with the instance's scrape configs and remote
//! writes), its components labelled `metrics_<instance>_<job>` and its
//! remote write `metrics_<instance>`. An endpoint without a name gets the
//! one static mode gives it (`hash.rs`).

pub(crate) mod go_json;
pub(crate) mod hash;

use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::prometheus::{self, Blocks, Global, JobCx};
use crate::river::{self, Block};
use crate::yaml::{self, Node};

/// What the metrics instances leave for the integrations: the global
/// remote writes with the names the first instance using them gave.
#[derive(Default)]
pub(crate) struct Shared {
    pub global_names: Vec<Option<String>>,
}

pub(crate) fn blocks(root: &Node, sink: &Sink) -> (Vec<Block>, Shared) {
    let mut shared = Shared::default();
    let Some(metrics) = yaml::get(root, "metrics") else { return (Vec::new(), shared) };
    let global_node = yaml::get(metrics, "global");
    let global_rw = yaml::items(global_node.and_then(|g| yaml::get(g, "remote_write")));
    shared.global_names = vec![None; global_rw.len()];
    let mut findings = Vec::new();
    let global = read_global(global_node, &mut findings);
    let mut out = Vec::new();
    for (i, instance) in yaml::items(yaml::get(metrics, "configs")).into_iter().enumerate() {
        let Some(name) = yaml::str_at(instance, "name").filter(|n| !n.is_empty()) else {
            let message = "failed to parse Static config: a metrics instance has no `name`";
            findings.push(Finding::new(Severity::Critical, message));
            continue;
        };
        let own = yaml::items(yaml::get(instance, "remote_write"));
        let endpoints = if own.is_empty() {
            named(&global_rw, &name, Some(&mut shared.global_names))
        } else {
            named(&own, &name, None)
        };
        let mut blocks = instance_blocks(instance, &name, &global, &endpoints, &mut findings);
        let from = river::Provenance::of(format!("metrics.configs[{i}]"), instance);
        river::set_provenance(&mut blocks, &from);
        out.extend(blocks);
    }
    for finding in findings {
        sink.push(finding);
    }
    (out, shared)
}

/// `metrics.global` as Prometheus's `global`.
pub(crate) fn read_global(node: Option<&Node>, findings: &mut Vec<Finding>) -> Global {
    Global::read_except(node, &["remote_write", "evaluation_interval"], findings)
}

/// Each endpoint with the name static mode gives it when it has none;
/// names given to the global list stay with it (static mode names those
/// entries in place, once).
fn named<'a>(
    endpoints: &[&'a Node],
    instance: &str,
    mut given: Option<&mut Vec<Option<String>>>,
) -> Vec<(&'a Node, Option<String>)> {
    let mut out = Vec::new();
    for (i, endpoint) in endpoints.iter().enumerate() {
        if yaml::str_at(endpoint, "name").is_some_and(|n| !n.is_empty()) {
            out.push((*endpoint, None));
            continue;
        }
        let name = match given.as_deref_mut() {
            Some(names) => {
                names[i].get_or_insert_with(|| hash::generated_name(instance, endpoint)).clone()
            }
            None => hash::generated_name(instance, endpoint),
        };
        out.push((*endpoint, Some(name)));
    }
    out
}

fn instance_blocks(
    instance: &Node,
    name: &str,
    global: &Global,
    endpoints: &[(&Node, Option<String>)],
    findings: &mut Vec<Finding>,
) -> Vec<Block> {
    let label = river::sanitize_label(&format!("metrics_{name}"));
    let receiver = format!("prometheus.remote_write.{label}.receiver");
    let label_of = |job: &str| format!("metrics_{name}_{job}");
    let cx = JobCx { global, receiver: &receiver, label_of: &label_of, extra_targets: &[] };
    let mut blocks = Blocks::default();
    for job in yaml::items(yaml::get(instance, "scrape_configs")) {
        prometheus::convert_job(job, &cx, &mut blocks, findings);
    }
    blocks.remote_write.extend(prometheus::remote_write_block(&label, endpoints, global, findings));
    blocks.in_order()
}
