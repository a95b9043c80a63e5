//! Static mode's discovery processor (`traces.configs[].scrape_configs`)
//! to `otelcol.processor.discovery`. Each scrape config's discoveries and
//! `relabel_configs` become components of their own ahead of it, labelled
//! with the processor's label and the job name; the processor reads only
//! those of a scrape config, so its other settings are left out.

use crate::finding::{Finding, Severity};
use crate::otelcol::pipeline::SIGNALS;
use crate::otelcol::reader::Src;
use crate::otelcol::{Body, Ctx, Parent};
use crate::prometheus::{self, Blocks};
use crate::river::{self, Value};
use crate::yaml::{self, Node};

/// `otelcol.processor.discovery`'s default pod associations.
const POD_ASSOCIATIONS: [&str; 5] = ["ip", "net.host.ip", "k8s.pod.ip", "hostname", "connection"];

/// What the processor reads of a scrape config besides its discoveries.
const READ: [&str; 3] = ["job_name", "static_configs", "relabel_configs"];

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut blocks = Blocks::default();
    let mut findings = Vec::new();
    let mut targets = Vec::new();
    for job in scrape_configs(src, &mut findings) {
        targets.extend(job_targets(job, &ctx.label, &mut blocks, &mut findings));
    }
    for finding in findings {
        src.sink().push(finding);
    }
    for block in blocks.in_order() {
        ctx.ahead(block);
    }
    let mut body = ctx.body();
    body.raw("targets", prometheus::join_targets(targets));
    body.string("operation_type", &src.str("operation_type", "upsert"), "upsert");
    body.strings("pod_associations", src.strings("pod_associations"), Some(&POD_ASSOCIATIONS));
    body.nested(ctx.output(&SIGNALS), Parent::Required);
    body
}

/// The scrape configs, each a mapping.
fn scrape_configs<'a>(src: &Src<'a>, findings: &mut Vec<Finding>) -> Vec<&'a Node> {
    let Some(node) = src.get("scrape_configs") else { return Vec::new() };
    if !yaml::is_sequence(node) {
        let message = "`traces.configs[].scrape_configs` must be a list of scrape configs";
        findings.push(Finding::new(Severity::Critical, message));
        return Vec::new();
    }
    yaml::items(Some(node))
}

/// The sources of one scrape config's targets: its discoveries and static
/// targets, or the output of its relabel rules over them.
fn job_targets(
    job: &Node,
    processor: &str,
    blocks: &mut Blocks,
    findings: &mut Vec<Finding>,
) -> Vec<Value> {
    // Prometheus refuses a scrape config without a name, and static mode
    // the instance with it.
    let Some(name) = yaml::str_at(job, "job_name").filter(|n| !n.is_empty()) else {
        let message = "failed to load otelConfig from agent traces config: a scrape config of `traces.configs[].scrape_configs` has no `job_name`";
        findings.push(Finding::new(Severity::Critical, message));
        return Vec::new();
    };
    let path = format!("traces.configs[].scrape_configs[{name}]");
    for key in yaml::keys(job) {
        if !READ.contains(&key.as_str()) && !prometheus::is_discovery(&key) {
            let message = format!(
                "`{path}.{key}` is left out: static mode's discovery processor reads only a \
                 scrape config's discoveries and relabel_configs"
            );
            findings.push(Finding::new(Severity::Warning, message));
        }
    }
    let label = river::sanitize_label(&format!("{processor}_{name}"));
    let sources = prometheus::target_sources(job, &label, &path, blocks, findings);
    let joined = prometheus::join_targets(sources.clone());
    match prometheus::discovery_relabel(job, &label, &joined, blocks) {
        Some(output) => vec![output],
        None => sources,
    }
}
