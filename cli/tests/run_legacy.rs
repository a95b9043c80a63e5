//! `flow run --config.format=static|otelcol`: a Grafana Agent static mode
//! or OpenTelemetry Collector config runs through the converter, with
//! `--config.extra-args` for static mode's flags; a conversion with Error
//! findings is not run, and components this build cannot run yet are
//! refused with their place in the converted source.

mod flow_run;

use std::process::Stdio;
use std::time::Duration;

use flow_run::{component_ids, eventually, flow, free_port, http, Running};

#[test]
fn a_static_config_runs_with_its_flags() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agent.yaml");
    let (api, nowhere) = (free_port(), free_port());
    std::fs::write(
        &config,
        "metrics:\n  global:\n    scrape_interval: 5s\n    remote_write:\n      - url: http://127.0.0.1:${NOWHERE_PORT}/api/v1/write\n  \
         configs:\n    - name: agent\n      scrape_configs:\n        - job_name: app\n          static_configs:\n            - targets: [\"127.0.0.1:${NOWHERE_PORT}\"]\n",
    )
    .unwrap();
    let child = flow()
        .args(["run", "--config.format=static", "--config.extra-args=-config.expand-env"])
        .args(["--server.http.listen-addr", &format!("127.0.0.1:{api}"), "--storage.path"])
        .arg(dir.path().join("data"))
        .arg(&config)
        .env("NOWHERE_PORT", nowhere.to_string())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _running = Running(child);
    let ids = || component_ids(api);
    assert!(eventually(Duration::from_secs(20), || ids().is_some()), "flow run did not start");
    assert_eq!(
        ids().unwrap(),
        ["prometheus.remote_write.metrics_agent", "prometheus.scrape.metrics_agent_app"]
    );
    let (_, body) = http("GET", api, "/api/v0/web/components/prometheus.scrape.metrics_agent_app")
        .expect("the scrape component");
    assert!(body.contains(&format!("127.0.0.1:{nowhere}")), "{body}");
}

#[test]
fn a_static_conversion_with_errors_is_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agent.yaml");
    std::fs::write(&config, "server:\n  log_level: debug\n").unwrap();
    let out = flow()
        .args(["run", "--config.format=static", "--config.extra-args=-server.http.address=:9000"])
        .arg(&config)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("server.http.address"), "{err}");
    assert!(err.contains("nothing was started"), "{err}");
}

#[test]
fn an_otelcol_config_is_refused_where_it_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("collector.yaml");
    std::fs::write(
        &config,
        "receivers:\n  zipkin:\nexporters:\n  otlp:\n    endpoint: db:4317\n\
         service:\n  pipelines:\n    traces:\n      receivers: [zipkin]\n      exporters: [otlp]\n",
    )
    .unwrap();
    let out = flow()
        .args(["run", "--config.format=otelcol", "--storage.path"])
        .arg(dir.path().join("data"))
        .arg(&config)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("[not-runnable]"), "{err}");
    assert!(err.contains("collector.yaml (converted):1:1"), "{err}");
    assert!(err.contains("otelcol.receiver.zipkin \"default\""), "{err}");
    assert!(err.contains("nothing was started"), "{err}");
}
