//! The schema registry against the reference docs (their copy in
//! `data/reference-docs`): the checked-in file is what the generator makes
//! of them, every page gives a schema, and the hard cases come out as the
//! pages describe them.

use std::path::{Path, PathBuf};

use river_analyzer::schema::{registry, Body, ConstraintKind, Label};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/reference-docs")
}

#[test]
fn generated_file_is_what_the_generator_makes_of_the_docs() {
    let components = xtask::schemas::generate(&docs()).unwrap_or_else(|problems| {
        panic!("the generator reports problems:\n{}", problems.join("\n"))
    });
    let expected = xtask::schemas::to_json(&components);
    let checked_in =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../analyzer/schema/generated.json");
    let actual = std::fs::read_to_string(checked_in).unwrap();
    assert!(
        actual == expected,
        "analyzer/schema/generated.json is stale: run `cargo xtask schemas`"
    );
}

#[test]
fn every_page_gives_a_schema() {
    for (folder, count) in [("components", 139), ("config-blocks", 11)] {
        let pages: Vec<String> = river_tests::files_with_extension(&docs().join(folder), "md")
            .iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .filter(|name| name != "_index")
            .collect();
        assert_eq!(pages.len(), count, "{folder}");
        for name in &pages {
            assert!(registry().get(name).is_some(), "no schema for {name}");
        }
    }
    assert_eq!(registry().components().count(), 139);
    // The reference's 11 and Alloy's `livedebugging`, an extension.
    assert_eq!(registry().config_blocks().count(), 12);
    assert!(registry().get("livedebugging").is_some());
}

/// The body at a `/`-separated path below a component.
fn body(path: &str) -> &'static Body {
    registry().body(path).unwrap_or_else(|| panic!("no body at {path}"))
}

fn arg_type(path: &str, name: &str) -> String {
    let argument = body(path).argument(name).unwrap_or_else(|| panic!("no {path}:{name}"));
    argument.ty.to_string()
}

#[test]
fn prometheus_scrape() {
    assert_eq!(arg_type("prometheus.scrape", "targets"), "list(map(string))");
    assert_eq!(arg_type("prometheus.scrape", "forward_to"), "list(MetricsReceiver)");
    let scrape = body("prometheus.scrape");
    assert!(scrape.argument("targets").unwrap().required);
    assert_eq!(scrape.argument("scrape_interval").unwrap().default.as_deref(), Some("\"60s\""));
    for block in ["basic_auth", "authorization", "oauth2", "tls_config", "clustering"] {
        assert!(scrape.block(block).is_some(), "{block}");
    }
    assert!(body("prometheus.scrape/oauth2").block("tls_config").is_some());
    let exclusive = &scrape.constraints[0];
    assert_eq!(exclusive.kind, ConstraintKind::AtMostOne);
    assert!(exclusive.members.iter().any(|m| m == "bearer_token"));
}

#[test]
fn prometheus_remote_write() {
    let endpoint = body("prometheus.remote_write").block("endpoint").unwrap();
    assert!(endpoint.repeatable);
    assert!(endpoint.body.argument("url").unwrap().required);
    assert_eq!(arg_type("prometheus.remote_write/endpoint/queue_config", "capacity"), "number");
    assert_eq!(
        arg_type("prometheus.remote_write/endpoint/queue_config", "batch_send_deadline"),
        "duration"
    );
    let relabel = endpoint.body.block("write_relabel_config").unwrap();
    assert!(relabel.repeatable);
    assert!(relabel.body.argument("source_labels").is_some());
    let auth = endpoint.body.constraints.iter().find(|c| c.members.contains(&"sigv4".to_owned()));
    assert!(auth.is_some(), "the endpoint's authentication methods exclude each other");
    assert_eq!(
        registry()
            .get("prometheus.remote_write")
            .unwrap()
            .export("receiver")
            .unwrap()
            .ty
            .to_string(),
        "MetricsReceiver"
    );
}

#[test]
fn loki_process_has_every_stage() {
    let process = body("loki.process");
    let stages: Vec<&str> = process.blocks.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(stages.len(), 26, "{stages:?}");
    assert!(process.blocks.iter().all(|b| b.name.starts_with("stage.") && b.repeatable));
    assert!(body("loki.process/stage.json").argument("expressions").unwrap().required);
    let matcher = body("loki.process/stage.match");
    assert!(registry().block_in(matcher, "stage.json").is_some(), "a match stage nests stages");
    let metrics = body("loki.process/stage.metrics");
    for kind in ["metric.counter", "metric.gauge", "metric.histogram"] {
        assert!(metrics.block(kind).unwrap().repeatable, "{kind}");
    }
    assert_eq!(arg_type("loki.process", "forward_to"), "list(LogsReceiver)");
}

#[test]
fn otelcol_receiver_otlp() {
    let otlp = body("otelcol.receiver.otlp");
    assert!(otlp.block("output").unwrap().required);
    assert_eq!(arg_type("otelcol.receiver.otlp/grpc", "endpoint"), "string");
    assert!(body("otelcol.receiver.otlp/grpc").block("tls").is_some());
    assert_eq!(
        arg_type("otelcol.receiver.otlp/grpc/keepalive/server_parameters", "time"),
        "duration"
    );
    assert!(body("otelcol.receiver.otlp/http").block("cors").is_some());
    assert_eq!(arg_type("otelcol.receiver.otlp/output", "traces"), "list(otelcol.Consumer)");
}

#[test]
fn discovery_kubernetes() {
    let kubernetes = body("discovery.kubernetes");
    let role = kubernetes.argument("role").unwrap();
    assert!(role.required);
    assert!(role.enum_values.iter().any(|v| v == "pod"), "{:?}", role.enum_values);
    let selectors = kubernetes.block("selectors").unwrap();
    assert!(selectors.repeatable);
    assert!(selectors.body.argument("role").unwrap().required);
    assert_eq!(arg_type("discovery.kubernetes/namespaces", "names"), "list(string)");
    let targets = registry().get("discovery.kubernetes").unwrap().export("targets").unwrap();
    assert_eq!(targets.ty.to_string(), "list(map(string))");
}

#[test]
fn remote_http_and_module_git() {
    let http = registry().get("remote.http").unwrap();
    assert!(http.body.argument("url").unwrap().required);
    assert_eq!(http.export("content").unwrap().ty.to_string(), "string or secret");
    assert!(http.body.block("client").unwrap().body.block("tls_config").is_some());
    let git = registry().get("module.git").unwrap();
    assert!(git.body.argument("repository").unwrap().required);
    assert!(git.body.block("arguments").unwrap().body.free_arguments);
    assert_eq!(git.export("exports").unwrap().ty.to_string(), "map(any)");
}

#[test]
fn everything_links_to_its_reference_section() {
    // Extensions (Alloy's `livedebugging`) link to Alloy's pages.
    for component in registry().iter().filter(|c| !c.doc.contains("/docs/alloy/")) {
        assert!(
            component.doc.starts_with("https://grafana.com/docs/agent/latest/flow/reference/"),
            "{}",
            component.name
        );
        assert!(component.doc.contains(&component.name), "{}", component.name);
    }
    let write = registry().get("prometheus.remote_write").unwrap();
    let queue = body("prometheus.remote_write/endpoint").block("queue_config").unwrap();
    assert_eq!(write.link(Some(queue)), format!("{}#queue_config-block", write.doc));
}

#[test]
fn config_blocks() {
    for name in ["logging", "tracing", "http"] {
        assert_eq!(registry().get(name).unwrap().label, Label::Forbidden, "{name}");
    }
    for name in ["argument", "export", "declare", "import.git"] {
        assert_eq!(registry().get(name).unwrap().label, Label::Required, "{name}");
    }
    assert!(registry().get("declare").unwrap().body.open);
}
