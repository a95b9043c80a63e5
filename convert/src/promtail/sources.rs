//! The log sources of a scrape config other than files, each as its
//! `loki.source.*` component, in the reference's order. Each asks for the
//! job's receivers first and its relabel rules second, which is what puts
//! `loki.process` and `discovery.relabel` before it.

use super::job::Job;
use super::server::{server_blocks, validate_source};
use crate::defaults::put;
use crate::discovery::discovery;
use crate::finding::{Finding, Severity};
use crate::http_client::{self, client, string_map};
use crate::river::{self, Block, Value};
use crate::yaml::{self, Node};

/// Writes one source's component from its YAML.
type Source = fn(&mut Job, &Node);

pub(super) fn convert(job: &mut Job) {
    let sources: [(&str, Source); 10] = [
        ("cloudflare", cloudflare),
        ("journal", journal),
        ("loki_push_api", push_api),
        ("syslog", syslog),
        ("gcplog", gcplog),
        ("windows_events", windows_events),
        ("kafka", kafka),
        ("azure_event_hubs", azure_event_hubs),
        ("gelf", gelf),
        ("heroku_drain", heroku),
    ];
    for (key, convert) in sources {
        if let Some(config) = job.get(key) {
            convert(job, config);
        }
    }
    for (i, config) in yaml::items(job.get("docker_sd_configs")).into_iter().enumerate() {
        docker(job, config, i);
    }
}

/// The source's `labels`, always written (`{}` when there are none).
fn labels(config: &Node) -> Value {
    yaml::get(config, "labels").map_or(Value::Object(Vec::new()), string_map)
}

fn flag(config: &Node, key: &str) -> bool {
    yaml::bool_at(config, key) == Some(true)
}

/// Sets a true flag; false is every source's default.
fn set_flag(block: &mut Block, name: &str, config: &Node, key: &str) {
    if flag(config, key) {
        block.attr(name, Value::Bool(true));
    }
}

/// A Go duration (zero when absent or wrong) in Go's spelling.
fn duration(job: &mut Job, config: &Node, key: &str) -> Value {
    let nanos = yaml::get(config, key).and_then(|n| super::go_duration_at(n, key, job.findings));
    Value::Str(river::go_duration(nanos.unwrap_or(0)))
}

fn text(config: &Node, key: &str) -> Value {
    Value::Str(yaml::str_at(config, key).unwrap_or_default())
}

fn number(config: &Node, key: &str) -> Value {
    Value::Num(yaml::str_at(config, key).unwrap_or_else(|| "0".into()))
}

fn strings(config: &Node, key: &str) -> Value {
    Value::List(yaml::strings_at(config, key).into_iter().map(Value::Str).collect())
}

fn cloudflare(job: &mut Job, config: &Node) {
    let forward_to = job.loki_relabel();
    let at = "loki.source.cloudflare";
    let mut block = Block::new(at, Some(&job.label));
    block.attr("api_token", text(config, "api_token"));
    block.attr("zone_id", text(config, "zone_id"));
    block.attr("labels", labels(config));
    put(&mut block, at, "workers", number(config, "workers"));
    let pull_range = duration(job, config, "pull_range");
    put(&mut block, at, "pull_range", pull_range);
    put(&mut block, at, "fields_type", text(config, "fields_type"));
    block.attr("forward_to", forward_to);
    job.out.push(block);
}

fn journal(job: &mut Job, config: &Node) {
    let forward_to = job.receivers();
    let (_, rules) = job.relabel();
    let at = "loki.source.journal";
    let mut block = Block::new(at, Some(&job.label));
    set_flag(&mut block, "format_as_json", config, "json");
    let max_age = yaml::str_at(config, "max_age").map(|text| {
        river::go_parse_duration(&text).unwrap_or_else(|| {
            job.findings.push(Finding::new(Severity::Error, format!("`journal.max_age` of job {}: {text:?} is not a duration; Flow's default (7h) is used", job.label)));
            7 * 3600 * river::SECOND
        })
    });
    if let Some(nanos) = max_age {
        put(&mut block, at, "max_age", Value::Str(river::go_duration(nanos)));
    }
    block.attr_str("path", yaml::str_at(config, "path").filter(|p| !p.is_empty()));
    block.attr("relabel_rules", rules);
    block.attr("forward_to", forward_to);
    block.attr("labels", labels(config));
    job.out.push(block);
}

fn push_api(job: &mut Job, config: &Node) {
    let server = yaml::get(config, "server");
    job.findings.extend(validate_source(server, "loki_push_api"));
    let forward_to = job.receivers();
    let (_, rules) = job.relabel();
    let mut block = Block::new("loki.source.api", Some(&job.label));
    server_blocks(server, "loki.source.api", &mut block, job.findings);
    block.attr("forward_to", forward_to);
    block.attr("labels", labels(config));
    block.attr("relabel_rules", rules);
    set_flag(&mut block, "use_incoming_timestamp", config, "use_incoming_timestamp");
    job.out.push(block);
}

fn heroku(job: &mut Job, config: &Node) {
    let forward_to = job.receivers();
    let (_, rules) = job.relabel();
    let mut block = Block::new("loki.source.heroku", Some(&job.label));
    server_blocks(yaml::get(config, "server"), "loki.source.heroku", &mut block, job.findings);
    block.attr("labels", labels(config));
    set_flag(&mut block, "use_incoming_timestamp", config, "use_incoming_timestamp");
    block.attr("forward_to", forward_to);
    block.attr("relabel_rules", rules);
    job.out.push(block);
}

fn syslog(job: &mut Job, config: &Node) {
    let forward_to = job.receivers();
    let (_, rules) = job.relabel();
    let at = "loki.source.syslog/listener";
    let mut listener = Block::new("listener", None);
    listener.attr("address", text(config, "listen_address"));
    put(&mut listener, at, "protocol", text(config, "listen_protocol"));
    let idle = duration(job, config, "idle_timeout");
    put(&mut listener, at, "idle_timeout", idle);
    set_flag(&mut listener, "label_structured_data", config, "label_structured_data");
    listener.attr("labels", labels(config));
    set_flag(&mut listener, "use_incoming_timestamp", config, "use_incoming_timestamp");
    set_flag(&mut listener, "use_rfc5424_message", config, "use_rfc5424_message");
    put(&mut listener, at, "max_message_length", number(config, "max_message_length"));
    if let Some(tls) = yaml::get(config, "tls_config").map(http_client::tls_config) {
        if !tls.is_empty() {
            listener.block(tls);
        }
    }
    let mut block = Block::new("loki.source.syslog", Some(&job.label));
    block.block(listener);
    block.attr("forward_to", forward_to);
    block.attr("relabel_rules", rules);
    job.out.push(block);
}

fn gcplog(job: &mut Job, config: &Node) {
    let kind = yaml::str_at(config, "subscription_type").unwrap_or_default();
    let mut block = Block::new("loki.source.gcplog", Some(&job.label));
    match kind.as_str() {
        "" | "pull" => {
            let mut pull = Block::new("pull", None);
            pull.attr("project_id", text(config, "project_id"));
            pull.attr("subscription", text(config, "subscription"));
            pull.attr("labels", labels(config));
            set_flag(&mut pull, "use_incoming_timestamp", config, "use_incoming_timestamp");
            set_flag(&mut pull, "use_full_line", config, "use_full_line");
            block.block(pull);
        }
        "push" => {
            let server = yaml::get(config, "server");
            job.findings.extend(validate_source(server, "gcplog"));
            let mut push = Block::new("push", None);
            server_blocks(server, "loki.source.gcplog/push", &mut push, job.findings);
            let timeout = duration(job, config, "push_timeout");
            put(&mut push, "loki.source.gcplog/push", "push_timeout", timeout);
            push.attr("labels", labels(config));
            set_flag(&mut push, "use_incoming_timestamp", config, "use_incoming_timestamp");
            set_flag(&mut push, "use_full_line", config, "use_full_line");
            block.block(push);
        }
        other => job.findings.push(Finding::new(
            Severity::Error,
            format!(
                "`gcplog.subscription_type` of job {}: {other:?} is neither `pull` nor `push`",
                job.label
            ),
        )),
    }
    let forward_to = job.receivers();
    let (_, rules) = job.relabel();
    block.attr("forward_to", forward_to);
    block.attr("relabel_rules", rules);
    job.out.push(block);
}

fn windows_events(job: &mut Job, config: &Node) {
    let forward_to = job.loki_relabel();
    let at = "loki.source.windowsevent";
    let mut block = Block::new(at, Some(&job.label));
    put(&mut block, at, "locale", number(config, "locale"));
    block
        .attr_str("eventlog_name", yaml::str_at(config, "eventlog_name").filter(|n| !n.is_empty()));
    put(&mut block, at, "xpath_query", text(config, "xpath_query"));
    let poll = duration(job, config, "poll_interval");
    put(&mut block, at, "poll_interval", poll);
    for key in [
        "exclude_event_data",
        "exclude_user_data",
        "exclude_event_message",
        "use_incoming_timestamp",
    ] {
        set_flag(&mut block, key, config, key);
    }
    block.attr("forward_to", forward_to);
    block.attr("labels", labels(config));
    block.attr_str(
        "legacy_bookmark_path",
        yaml::str_at(config, "bookmark_path").filter(|p| !p.is_empty()),
    );
    job.out.push(block);
}

fn kafka(job: &mut Job, config: &Node) {
    let forward_to = job.receivers();
    let (_, rules) = job.relabel();
    let at = "loki.source.kafka";
    let mut block = Block::new(at, Some(&job.label));
    block.attr("brokers", strings(config, "brokers"));
    block.attr("topics", strings(config, "topics"));
    for key in ["group_id", "assignor", "version"] {
        put(&mut block, at, key, text(config, key));
    }
    if let Some(auth) = kafka_auth(yaml::get(config, "authentication")) {
        block.block(auth);
    }
    set_flag(&mut block, "use_incoming_timestamp", config, "use_incoming_timestamp");
    block.attr("labels", labels(config));
    block.attr("forward_to", forward_to);
    block.attr("relabel_rules", rules);
    job.out.push(block);
}

/// Kafka's `authentication`, left out when it is Promtail's default (no
/// authentication, PLAIN SASL).
fn kafka_auth(auth: Option<&Node>) -> Option<Block> {
    let mut block = Block::new("authentication", None);
    let Some(auth) = auth else { return Some(block) };
    let kind = yaml::str_at(auth, "type").unwrap_or_default();
    block.attr_str("type", Some(kind.clone()).filter(|k| !k.is_empty()));
    if let Some(tls) =
        yaml::get(auth, "tls_config").map(http_client::tls_config).filter(|t| !t.is_empty())
    {
        block.block(tls);
    }
    let sasl = yaml::get(auth, "sasl_config");
    if let Some(sasl) = sasl {
        let mut inner = Block::new("sasl_config", None);
        for key in ["mechanism", "user", "password"] {
            inner.attr_str(key, yaml::str_at(sasl, key).filter(|v| !v.is_empty()));
        }
        set_flag(&mut inner, "use_tls", sasl, "use_tls");
        let tls = http_client::tls_config(sasl);
        if !tls.is_empty() {
            inner.block(tls);
        }
        block.block(inner);
    }
    let plain_sasl = sasl.is_none_or(|s| {
        yaml::keys(s).iter().all(|k| k == "mechanism")
            && yaml::str_at(s, "mechanism").is_none_or(|m| m == "PLAIN")
    });
    let untouched = kind == "none" && plain_sasl && yaml::get(auth, "tls_config").is_none();
    (!untouched).then_some(block)
}

fn azure_event_hubs(job: &mut Job, config: &Node) {
    let forward_to = job.receivers();
    let (_, rules) = job.relabel();
    let at = "loki.source.azure_event_hubs";
    let mut block = Block::new(at, Some(&job.label));
    block.attr("fully_qualified_namespace", text(config, "fully_qualified_namespace"));
    block.attr("event_hubs", strings(config, "event_hubs"));
    let mut auth = Block::new("authentication", None);
    auth.attr("mechanism", Value::Str(String::new()));
    auth.attr_str("connection_string", yaml::str_at(config, "connection_string"));
    block.block(auth);
    put(&mut block, at, "group_id", text(config, "group_id"));
    set_flag(&mut block, "use_incoming_timestamp", config, "use_incoming_timestamp");
    set_flag(&mut block, "disallow_custom_messages", config, "disallow_custom_messages");
    block.attr("relabel_rules", rules);
    block.attr("labels", labels(config));
    block.attr("assignor", Value::Str(String::new()));
    block.attr("forward_to", forward_to);
    job.out.push(block);
}

fn gelf(job: &mut Job, config: &Node) {
    let forward_to = job.receivers();
    let (_, rules) = job.relabel();
    let at = "loki.source.gelf";
    let mut block = Block::new(at, Some(&job.label));
    put(&mut block, at, "listen_address", text(config, "listen_address"));
    set_flag(&mut block, "use_incoming_timestamp", config, "use_incoming_timestamp");
    block.attr("relabel_rules", rules);
    block.attr("forward_to", forward_to);
    job.out.push(block);
}

/// A Docker discovery and the `loki.source.docker` that reads the logs of
/// the containers it finds, with the same HTTP client.
fn docker(job: &mut Job, config: &Node, index: usize) {
    let label = job.indexed(index);
    let at = format!("scrape_configs[{}].docker_sd_configs[{index}]", job.label);
    let Some(discovered) = discovery("docker", config, &label, &at, job.findings) else { return };
    job.out.push(discovered);
    let forward_to = job.receivers();
    let (_, rules) = job.relabel();
    let at = "loki.source.docker";
    let mut block = Block::new(at, Some(&label));
    block.attr("host", text(config, "host"));
    block.attr("targets", Value::Ref(format!("discovery.docker.{label}.targets")));
    block.attr("forward_to", forward_to);
    block.attr("relabel_rules", rules);
    let mut http = Block::new("http_client_config", None);
    // Its findings were made for the discovery's copy of the same settings.
    client(config, "", &mut http, &mut Vec::new());
    if !http.is_empty() {
        block.block(http);
    }
    if yaml::get(config, "refresh_interval").is_some() {
        let refresh = duration(job, config, "refresh_interval");
        put(&mut block, at, "refresh_interval", refresh);
    }
    job.out.push(block);
}
