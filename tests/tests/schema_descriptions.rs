//! Descriptions are ours and complete where users meet them first: every
//! component and config block has one, and so does every argument, block
//! and export of the components the converter emits or the runtime runs.
//! None repeats the reference docs: no run of six words is shared with
//! them.

use std::collections::HashSet;
use std::path::Path;

use river_analyzer::schema::{registry, Body, Component};

/// The components the Prometheus and Promtail converters emit, and those
/// `flow run` implements.
const FIRST_MET: &[&str] = &[
    "prometheus.scrape",
    "prometheus.relabel",
    "prometheus.remote_write",
    "prometheus.receive_http",
    "prometheus.exporter.self",
    "local.file",
    "local.file_match",
    "remote.http",
    "loki.write",
    "loki.process",
    "loki.relabel",
    "loki.source.file",
    "loki.source.api",
    "loki.source.journal",
    "loki.source.syslog",
    "loki.source.gcplog",
    "loki.source.kafka",
    "loki.source.gelf",
    "loki.source.cloudflare",
    "loki.source.heroku",
    "loki.source.docker",
    "loki.source.azure_event_hubs",
    "loki.source.windowsevent",
];

fn first_met(component: &Component) -> bool {
    let discovery = component.name.starts_with("discovery.")
        && !matches!(component.name.as_str(), "discovery.kubelet" | "discovery.process");
    discovery || FIRST_MET.contains(&component.name.as_str())
}

#[test]
fn every_component_and_first_met_item_is_described() {
    let mut missing = Vec::new();
    for component in registry().iter() {
        if component.description.is_empty() {
            missing.push(component.name.clone());
        }
        if !first_met(component) {
            continue;
        }
        for field in &component.exports {
            if field.description.is_empty() {
                missing.push(format!("{}#{}", component.name, field.name));
            }
        }
        undescribed(&component.body, &component.name, &mut missing);
    }
    assert!(
        missing.is_empty(),
        "{} items without a description:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

fn undescribed(body: &Body, path: &str, missing: &mut Vec<String>) {
    for argument in body.arguments.iter().filter(|a| a.description.is_empty()) {
        missing.push(format!("{path}:{}", argument.name));
    }
    for block in &body.blocks {
        let inner = format!("{path}/{}", block.name);
        if block.description.is_empty() {
            missing.push(inner.clone());
        }
        undescribed(&block.body, &inner, missing);
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

const RUN: usize = 6;

#[test]
fn no_description_repeats_the_docs() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reference-docs");
    let mut runs = HashSet::new();
    for page in river_tests::files_with_extension(&docs, "md") {
        let words = words(&std::fs::read_to_string(page).unwrap());
        runs.extend(words.windows(RUN).map(|w| w.join(" ")));
    }
    let mut copied = Vec::new();
    for (path, text) in all_descriptions() {
        if let Some(run) = words(&text).windows(RUN).map(|w| w.join(" ")).find(|r| runs.contains(r))
        {
            copied.push(format!("{path}: \"{run}\""));
        }
    }
    assert!(copied.is_empty(), "descriptions that repeat the docs:\n{}", copied.join("\n"));
}

fn all_descriptions() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for component in registry().iter() {
        out.push((component.name.clone(), component.description.clone()));
        for field in &component.exports {
            out.push((format!("{}#{}", component.name, field.name), field.description.clone()));
        }
        collect(&component.body, &component.name, &mut out);
    }
    out
}

fn collect(body: &Body, path: &str, out: &mut Vec<(String, String)>) {
    for argument in &body.arguments {
        out.push((format!("{path}:{}", argument.name), argument.description.clone()));
    }
    for block in &body.blocks {
        let inner = format!("{path}/{}", block.name);
        out.push((inner.clone(), block.description.clone()));
        collect(&block.body, &inner, out);
    }
}
