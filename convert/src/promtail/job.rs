//! One Promtail scrape config: its discoveries and static targets, the
//! file pipeline that tails what they find, and the shared pieces its log
//! sources ask for (`loki.process`, `discovery.relabel`, `loki.relabel`),
//! each made once, when first asked for, as the reference does: that
//! decides the order of the blocks.

use super::{stages, unknown_key, Context};
use crate::discovery::{discovery, simple, CONSULAGENT};
use crate::finding::{Finding, Severity};
use crate::http_client::tls_config;
use crate::relabel;
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};

/// The discoveries Promtail has, in the order the reference writes them.
const DISCOVERIES: [&str; 14] = [
    "azure",
    "consul",
    "digitalocean",
    "dockerswarm",
    "dns",
    "ec2",
    "file",
    "gce",
    "kubernetes",
    "marathon",
    "nerve",
    "openstack",
    "serverset",
    "triton",
];

/// What a scrape config may hold besides `<kind>_sd_configs`.
const KEYS: [&str; 18] = [
    "job_name",
    "pipeline_stages",
    "journal",
    "syslog",
    "gcplog",
    "loki_push_api",
    "windows_events",
    "kafka",
    "azure_event_hubs",
    "gelf",
    "cloudflare",
    "heroku_drain",
    "relabel_configs",
    "static_configs",
    "consulagent_sd_configs",
    "docker_sd_configs",
    "encoding",
    "decompression",
];

/// The settings of a scrape config that must be lists.
pub(super) const LISTS: [&str; 5] = [
    "pipeline_stages",
    "relabel_configs",
    "static_configs",
    "consulagent_sd_configs",
    "docker_sd_configs",
];

/// The Critical finding for a setting a scrape config cannot have.
pub(super) fn check_keys(file: &str, node: &Node) -> Option<Finding> {
    let known: Vec<String> = DISCOVERIES.iter().map(|k| format!("{k}_sd_configs")).collect();
    let mut all: Vec<&str> = known.iter().map(String::as_str).collect();
    all.extend(KEYS);
    unknown_key(file, node, &all, "a setting of a Promtail scrape config")
}

pub(crate) struct Job<'a> {
    pub node: &'a Node,
    pub label: String,
    pub context: &'a Context,
    pub out: &'a mut Vec<Block>,
    pub findings: &'a mut Vec<Finding>,
    /// The exports of its discoveries, then its static targets.
    targets: Vec<Value>,
    process: Option<Value>,
    relabel: Option<(Value, Value)>,
    loki_relabel: Option<Value>,
}

/// Starts converting a scrape config: its discoveries and file pipeline;
/// its log sources follow (`sources::convert`). `None` without a name.
pub(super) fn start<'a>(
    node: &'a Node,
    context: &'a Context,
    out: &'a mut Vec<Block>,
    findings: &'a mut Vec<Finding>,
) -> Option<Job<'a>> {
    let Some(name) = yaml::str_at(node, "job_name").filter(|n| !n.is_empty()) else {
        findings.push(Finding::new(Severity::Critical, "a scrape config has no `job_name`"));
        return None;
    };
    let mut job = Job {
        node,
        label: river::sanitize_label(&context.label(&name)),
        context,
        out,
        findings,
        targets: Vec::new(),
        process: None,
        relabel: None,
        loki_relabel: None,
    };
    job.discoveries();
    job.consulagent();
    job.file_pipeline();
    Some(job)
}

impl<'a> Job<'a> {
    /// `label`, `label_2`, ... for the items of one kind.
    pub fn indexed(&self, index: usize) -> String {
        if index == 0 {
            self.label.clone()
        } else {
            format!("{}_{}", self.label, index + 1)
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Node> {
        yaml::get(self.node, key)
    }

    fn discoveries(&mut self) {
        for kind in DISCOVERIES {
            let key = format!("{kind}_sd_configs");
            for (i, config) in yaml::items(self.get(&key)).into_iter().enumerate() {
                let label = self.indexed(i);
                let at = format!("scrape_configs[{}].{key}[{i}]", self.label);
                match discovery(kind, config, &label, &at, self.findings) {
                    Some(block) => {
                        self.targets.push(Value::Ref(format!("{}.{label}.targets", block.name)));
                        self.out.push(block);
                    }
                    None => self
                        .findings
                        .push(Finding::not_yet(&format!("{key} of job {}", self.label))),
                }
            }
        }
        let statics: Vec<Value> =
            yaml::items(self.get("static_configs")).into_iter().flat_map(static_targets).collect();
        if !statics.is_empty() {
            self.targets.push(Value::List(statics));
        }
    }

    /// Consul agent discoveries, after the others; `node_meta` has no
    /// place in `discovery.consulagent`.
    fn consulagent(&mut self) {
        let configs = yaml::items(self.get("consulagent_sd_configs"));
        for (i, config) in configs.into_iter().enumerate() {
            let label = self.indexed(i);
            let own = ["tls_config", "node_meta", "allow_stale"];
            let at = format!("scrape_configs[{}].consulagent_sd_configs[{i}]", self.label);
            let name = "discovery.consulagent";
            let mut block = simple(config, name, &label, CONSULAGENT, &own, &at, self.findings);
            if let Some(tls) =
                yaml::get(config, "tls_config").map(tls_config).filter(|t| !t.is_empty())
            {
                block.block(tls);
            }
            if yaml::get(config, "node_meta").is_some_and(|m| !yaml::keys(m).is_empty()) {
                self.findings.push(Finding::new(Severity::Warning, format!("`consulagent_sd_configs.node_meta` of job {}: discovery.consulagent does not filter on node metadata, so it is left out", self.label)));
            }
            self.targets.push(Value::Ref(format!("discovery.consulagent.{label}.targets")));
            self.out.push(block);
        }
    }

    /// All the job's targets as one expression.
    fn joined_targets(&self) -> Value {
        match self.targets.as_slice() {
            [] => Value::List(Vec::new()),
            [one] => one.clone(),
            many => Value::Call("concat", many.to_vec()),
        }
    }

    /// Files to tail, when the job discovers any targets.
    fn file_pipeline(&mut self) {
        if self.targets.is_empty() {
            return;
        }
        let (path_targets, _) = self.relabel();
        let mut matcher = Block::new("local.file_match", Some(&self.label));
        matcher.attr("path_targets", path_targets);
        matcher.attr_str("sync_period", self.context.sync_period.clone());
        self.out.push(matcher);
        let forward_to = self.receivers();
        let mut source = Block::new("loki.source.file", Some(&self.label));
        source.attr("targets", Value::Ref(format!("local.file_match.{}.targets", self.label)));
        source.attr("forward_to", forward_to);
        source.attr_str("encoding", yaml::str_at(self.node, "encoding").filter(|e| !e.is_empty()));
        if let Some(config) = self.get("decompression") {
            source.block(decompression(config, self.findings));
        }
        if let Some((min, max)) = &self.context.file_watch {
            let mut watch = Block::new("file_watch", None);
            watch.attr("min_poll_frequency", Value::Str(min.clone()));
            watch.attr("max_poll_frequency", Value::Str(max.clone()));
            source.block(watch);
        }
        source.attr("legacy_positions_file", Value::Str(self.context.positions_file.clone()));
        self.out.push(source);
    }

    /// Where the job's log entries go: its `loki.process` when it has
    /// pipeline stages (made on first use), else straight to the clients.
    pub fn receivers(&mut self) -> Value {
        if let Some(receivers) = &self.process {
            return receivers.clone();
        }
        let stages = yaml::items(self.get("pipeline_stages"));
        let writers = Value::List(self.context.writers.clone());
        let receivers = if stages.is_empty() {
            writers
        } else {
            let mut block = Block::new("loki.process", Some(&self.label));
            block.attr("forward_to", writers);
            stages::convert(&stages, &mut block, self.findings);
            self.out.push(block);
            Value::List(vec![Value::Ref(format!("loki.process.{}.receiver", self.label))])
        };
        self.process = Some(receivers.clone());
        receivers
    }

    /// The relabelled targets and the rules for sources, from one
    /// `discovery.relabel` made on first use (`null` rules without any).
    pub fn relabel(&mut self) -> (Value, Value) {
        if let Some(relabel) = &self.relabel {
            return relabel.clone();
        }
        let rules = relabel::rules(yaml::items(self.get("relabel_configs")), "rule");
        let relabel = if rules.is_empty() {
            (self.joined_targets(), Value::Null)
        } else {
            let mut block = Block::new("discovery.relabel", Some(&self.label));
            block.attr("targets", self.joined_targets());
            for rule in rules {
                block.block(rule);
            }
            self.out.push(block);
            let at = format!("discovery.relabel.{}", self.label);
            (Value::Ref(format!("{at}.output")), Value::Ref(format!("{at}.rules")))
        };
        self.relabel = Some(relabel.clone());
        relabel
    }

    /// For the sources without relabel rules of their own (Cloudflare,
    /// Windows events): a `loki.relabel` in front of the receivers.
    pub fn loki_relabel(&mut self) -> Value {
        if let Some(receivers) = &self.loki_relabel {
            return receivers.clone();
        }
        let rules = relabel::rules(yaml::items(self.get("relabel_configs")), "rule");
        let forward_to = self.receivers();
        let receivers = if rules.is_empty() {
            forward_to
        } else {
            let mut block = Block::new("loki.relabel", Some(&self.label));
            block.attr("forward_to", forward_to);
            for rule in rules {
                block.block(rule);
            }
            self.out.push(block);
            Value::List(vec![Value::Ref(format!("loki.relabel.{}.receiver", self.label))])
        };
        self.loki_relabel = Some(receivers.clone());
        receivers
    }
}

/// A static group's targets, each with the group's labels; a group with
/// no targets stands for `localhost`, as in Promtail. Keys are sorted.
fn static_targets(group: &Node) -> Vec<Value> {
    let mut targets = yaml::strings_at(group, "targets");
    if targets.is_empty() {
        targets.push("localhost".into());
    }
    let labels: Vec<(String, Value)> = yaml::get(group, "labels")
        .map(|l| {
            yaml::entries(l)
                .into_iter()
                .map(|(k, v)| (k, Value::Str(yaml::str_of(v).unwrap_or_default())))
                .collect()
        })
        .unwrap_or_default();
    targets
        .into_iter()
        .map(|target| {
            let mut fields = labels.clone();
            fields.retain(|(k, _)| k != "__address__");
            fields.push(("__address__".into(), Value::Str(target)));
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(fields)
        })
        .collect()
}

/// `decompression { enabled, initial_delay, format }`.
fn decompression(config: &Node, findings: &mut Vec<Finding>) -> Block {
    let mut block = Block::new("decompression", None);
    block.attr("enabled", Value::Bool(yaml::bool_at(config, "enabled").unwrap_or(false)));
    if let Some(delay) = yaml::get(config, "initial_delay") {
        if let Some(nanos) = super::go_duration_at(delay, "decompression.initial_delay", findings)
            .filter(|n| *n != 0)
        {
            block.attr("initial_delay", Value::Str(river::go_duration(nanos)));
        }
    }
    block.attr("format", Value::Str(yaml::str_at(config, "format").unwrap_or_default()));
    block
}
