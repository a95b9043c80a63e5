//! `logs`: each instance converted as a Promtail config of its own (its
//! clients, positions, scrape configs and target settings, with
//! `logs.global.file_watch_config`), its components labelled
//! `logs_<instance>_<job>` and its `loki.write`s `logs_<instance>`.

use crate::finding::{Finding, Severity};
use crate::otelcol::reader::Sink;
use crate::promtail;
use crate::river::Block;
use crate::yaml::{self, Node};

pub(crate) fn blocks(root: &Node, sink: &Sink) -> Vec<Block> {
    let Some(logs) = yaml::get(root, "logs") else { return Vec::new() };
    let global = yaml::get(logs, "global");
    let directory = yaml::str_at(logs, "positions_directory");
    let mut findings = Vec::new();
    let mut out = Vec::new();
    for (i, instance) in yaml::items(yaml::get(logs, "configs")).into_iter().enumerate() {
        let Some(name) = yaml::str_at(instance, "name").filter(|n| !n.is_empty()) else {
            let message = "failed to parse Static config: a logs instance has no `name`";
            findings.push(Finding::new(Severity::Critical, message));
            continue;
        };
        // Static mode keeps each instance's positions in its own file.
        let positions =
            directory.as_ref().map(|d| format!("{}/{name}.yml", d.trim_end_matches('/')));
        let prefix = format!("logs_{name}");
        let mut blocks = promtail::append(instance, global, &prefix, positions, &mut findings);
        // The jobs' and clients' own paths, under the instance's.
        crate::river::prefix_provenance(&mut blocks, &format!("logs.configs[{i}]."));
        out.extend(blocks);
    }
    for finding in findings {
        sink.push(finding);
    }
    out
}
