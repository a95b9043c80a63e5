//! Prometheus configuration (as the reference reads it: Prometheus 2.49)
//! to River: discoveries, relabelling, `prometheus.scrape` per job, and
//! one `prometheus.remote_write`, in the reference's order (discoveries,
//! discovery relabels, scrapes, metric relabels, remote write).

mod global;
mod remote_write;
mod scrape;
mod targets;

pub(crate) use global::Global;
pub(crate) use remote_write::block as remote_write_block;
pub(crate) use scrape::{convert_job, discovery_relabel, JobCx};
pub(crate) use targets::{is_discovery, join as join_targets, sources as target_sources};

use std::collections::HashSet;

use crate::finding::{Finding, Severity};
use crate::river::{self, Block, Provenance};
use crate::yaml::{self, Node};
use crate::Conversion;

/// The blocks, grouped as the reference writes them.
#[derive(Default)]
pub(crate) struct Blocks {
    pub discovery: Vec<Block>,
    pub discovery_relabel: Vec<Block>,
    pub scrape: Vec<Block>,
    pub relabel: Vec<Block>,
    pub remote_write: Vec<Block>,
}

impl Blocks {
    pub(crate) fn in_order(self) -> Vec<Block> {
        [self.discovery, self.discovery_relabel, self.scrape, self.relabel, self.remote_write]
            .into_iter()
            .flatten()
            .collect()
    }

    fn groups(&mut self) -> [&mut Vec<Block>; 5] {
        [
            &mut self.discovery,
            &mut self.discovery_relabel,
            &mut self.scrape,
            &mut self.relabel,
            &mut self.remote_write,
        ]
    }

    /// How many blocks each group holds, for `mark_since`.
    pub(crate) fn counts(&mut self) -> [usize; 5] {
        self.groups().map(|g| g.len())
    }

    /// Gives every block added since `counts` gave `before` the provenance.
    pub(crate) fn mark_since(&mut self, before: [usize; 5], provenance: &Provenance) {
        for (group, start) in self.groups().into_iter().zip(before) {
            river::set_provenance(&mut group[start..], provenance);
        }
    }
}

const TOP_LEVEL: [&str; 9] = [
    "global",
    "scrape_configs",
    "remote_write",
    "alerting",
    "rule_files",
    "remote_read",
    "storage",
    "tracing",
    "scrape_config_files",
];

pub(crate) fn convert(name: &str, source: &str, annotate: Option<&str>) -> Conversion {
    let root = match settings(name, source) {
        Ok(root) => root,
        Err(done) => return done,
    };
    let mut findings = Vec::new();
    unconverted(&root, &mut findings);
    let global = Global::read(yaml::get(&root, "global"), &mut findings);
    let mut blocks = Blocks::default();
    let receiver = remote_write::remote_write(&root, &global, &mut blocks, &mut findings);
    if let Some(node) = yaml::get(&root, "remote_write") {
        river::set_provenance(&mut blocks.remote_write, &Provenance::of("remote_write", node));
    }
    let jobs = yaml::items(yaml::get(&root, "scrape_configs"));
    let cx = JobCx {
        global: &global,
        receiver: &receiver,
        label_of: &|name| name.to_owned(),
        extra_targets: &[],
    };
    for (i, job) in jobs.iter().enumerate() {
        let before = blocks.counts();
        convert_job(job, &cx, &mut blocks, &mut findings);
        blocks.mark_since(before, &Provenance::of(format!("scrape_configs[{i}]"), job));
    }
    let dangling = !blocks.scrape.is_empty() && blocks.remote_write.is_empty();
    let all = blocks.in_order();
    findings.extend(same_names(&jobs, &all));
    if findings.iter().any(|f| f.severity == Severity::Critical) {
        return Conversion { output: None, findings };
    }
    if dangling {
        // The reference has the jobs send there all the same.
        let message = format!(
            "there is no `remote_write`: the scrape jobs send to `{receiver}`, which the output \
             does not define; add it"
        );
        findings.push(Finding::new(Severity::Warning, message));
    }
    // Settings that give no component (`global` alone, `{}`) give empty
    // output, as in the reference.
    Conversion { output: Some(river::print(&all, annotate)), findings }
}

/// The mapping of settings, or the conversion already done: empty for a
/// file without settings, nothing with a Critical finding for one
/// Prometheus would not load.
fn settings(name: &str, source: &str) -> Result<Node, Conversion> {
    let root = match yaml::parse(name, source, "Prometheus") {
        Ok(Some(root)) if yaml::is_mapping(&root) => root,
        // Prometheus loads a file with no settings (empty, only comments,
        // `null`) as all defaults, which convert to nothing.
        Ok(None) => return Err(Conversion { output: Some(String::new()), findings: Vec::new() }),
        Ok(Some(root)) if yaml::is_null(&root) => {
            return Err(Conversion { output: Some(String::new()), findings: Vec::new() })
        }
        Ok(_) => return Err(nothing("the Prometheus config is not a mapping of settings")),
        Err(finding) => return Err(Conversion { output: None, findings: vec![finding] }),
    };
    let mut findings: Vec<Finding> = yaml::keys(&root)
        .into_iter()
        .filter(|key| !TOP_LEVEL.contains(&key.as_str()))
        .map(|key| Finding::new(Severity::Critical, format!("`{key}` is not a Prometheus setting")))
        .collect();
    findings.extend(yaml::misshapen(&root, &["scrape_configs", "remote_write"], &["global"]));
    if findings.is_empty() {
        Ok(root)
    } else {
        Err(Conversion { output: None, findings })
    }
}

fn nothing(message: &str) -> Conversion {
    Conversion { output: None, findings: vec![Finding::new(Severity::Critical, message)] }
}

/// The top-level settings Flow has no place for, each a finding when it
/// holds something: as in the reference, an empty `alerting`, `storage`
/// or list is no setting. Prometheus refuses `tracing` without an
/// endpoint.
fn unconverted(root: &Node, findings: &mut Vec<Finding>) {
    // Whether the list at `key`, or one of the lists in the mapping there,
    // has an item.
    let has = |key: &str, lists: &[&str]| {
        let Some(node) = yaml::get(root, key) else { return false };
        match lists {
            [] => !yaml::items(Some(node)).is_empty(),
            _ => lists.iter().any(|list| !yaml::items(yaml::get(node, list)).is_empty()),
        }
    };
    if has("alerting", &["alertmanagers", "alert_relabel_configs"]) {
        findings.push(Finding::unsupported("alerting"));
    }
    if has("rule_files", &[]) {
        findings.push(Finding::unsupported("rule_files"));
    }
    // Prometheus keeps even an empty `tsdb: {}` or `exemplars: {}` as set.
    let storage = yaml::get(root, "storage");
    if ["tsdb", "exemplars"].iter().any(|k| storage.and_then(|s| yaml::get(s, k)).is_some()) {
        findings.push(Finding::unsupported("storage"));
    }
    if let Some(tracing) = yaml::get(root, "tracing") {
        if yaml::str_at(tracing, "endpoint").is_none_or(|e| e.is_empty()) {
            let message = "`tracing` has no `endpoint`; Prometheus refuses it";
            findings.push(Finding::new(Severity::Critical, message));
        } else {
            findings.push(Finding::unsupported("tracing"));
        }
    }
    if has("remote_read", &[]) {
        findings.push(Finding::unsupported("remote_read"));
    }
    if has("scrape_config_files", &[]) {
        // The reference drops these silently; the jobs in those files are
        // not converted, which the user must know.
        findings.push(Finding::not_yet("scrape_config_files"));
    }
}

/// Prometheus refuses two scrape configs of one job name, and Flow two
/// components of one name, which different job names can give too (`a-b`
/// and `a_b`; `x` with two file discoveries, and `x_2`). The components of
/// a job name given twice are not reported again.
fn same_names(jobs: &[&Node], blocks: &[Block]) -> Vec<Finding> {
    let mut names = HashSet::new();
    let twice: Vec<String> = jobs
        .iter()
        .filter_map(|job| yaml::str_at(job, "job_name"))
        .filter(|name| !names.insert(name.clone()))
        .collect();
    let reported: HashSet<String> = twice.iter().map(|name| river::sanitize_label(name)).collect();
    let mut components = HashSet::new();
    let clashes = blocks
        .iter()
        .filter(|block| !block.label.as_ref().is_some_and(|label| reported.contains(label)))
        .map(|block| format!("{}.{}", block.name, block.label.as_deref().unwrap_or_default()))
        .filter(|name| !components.insert(name.clone()))
        .map(|name| format!("two components would be named `{name}`: rename a job it comes from"));
    let jobs = twice.iter().map(|name| format!("`scrape_configs`: two jobs are named {name:?}"));
    jobs.chain(clashes).map(|message| Finding::new(Severity::Critical, message)).collect()
}
