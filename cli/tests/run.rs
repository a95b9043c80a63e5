//! `flow run` as a user runs it: configs it refuses (exit 1, rendered
//! findings, nothing started), and a real pipeline on loopback: data flows
//! from a scrape through relabelling and remote write to a receiver; a
//! valid reload applies without restarting what did not change, an
//! invalid one keeps the running pipeline; SIGTERM stops it cleanly.

mod flow_run;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flow_run::{component_ids, eventually, flow, free_port, http, Running};
use insta_cmd::get_cargo_bin;

fn refused(config: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.river");
    std::fs::write(&path, config).unwrap();
    let port = free_port().to_string();
    let mut child = flow()
        .args(["run", "--server.http.listen-addr", &format!("127.0.0.1:{port}"), "--storage.path"])
        .arg(dir.path().join("data"))
        .arg(&path)
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A config that is not refused would run forever: give up on it.
    let exited = eventually(Duration::from_secs(20), || matches!(child.try_wait(), Ok(Some(_))));
    if !exited {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn configs_with_errors_are_refused_with_their_place() {
    let (code, err) = refused("prometheus.scrape \"x\" {\n\ttargets = []\n\tforward_to = []\n\tscrape_intervall = \"1s\"\n}\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("scrape_intervall") && err.contains("config.river:4"), "{err}");
    assert!(err.contains("nothing was started"), "{err}");

    let (code, err) = refused(
        "prometheus.exporter.mysql \"x\" {\n\tdata_source_name = \"u:p@(localhost:3306)/\"\n}\n",
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not implemented by this build"), "{err}");

    // Settings the reference refuses together, found when the component
    // is built: refused with the block's place.
    let (code, err) = refused("prometheus.scrape \"x\" {\n\ttargets = []\n\tforward_to = []\n\n\tproxy_url = \"http://127.0.0.1:1\"\n\tproxy_from_environment = true\n}\n");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("proxy_url: cannot be set together with proxy_from_environment")
            && err.contains("config.river:5"),
        "the error is placed on the setting: {err}"
    );

    // Every component that cannot be built is reported at once, not only
    // the first.
    let (code, err) = refused("local.file \"a\" {\n\tfilename = \"/no/such/a\"\n}\n\nlocal.file \"b\" {\n\tfilename = \"/no/such/b\"\n}\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("/no/such/a") && err.contains("/no/such/b"), "{err}");
    assert!(err.contains("refused (2 errors)"), "{err}");

    let (code, err) = refused("local.file \"x\" {\n\tfilename = \"/no/such/file\"\n}\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("/no/such/file"), "{err}");

    // A warning-level finding (an unused component) never blocks a run;
    // a missing file is an I/O failure.
    let out = flow().args(["run", "/no/such/config.river"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `flow run` and `flowlint` show a refused config's findings the same way:
/// one rendering of findings for both.
#[test]
fn refusals_read_as_flowlint_reports_them() {
    let config = "prometheus.scrape \"x\" {\n\ttargets = []\n\tforward_to = []\n\tscrape_intervall = \"1s\"\n}\n";
    let (code, run_err) = refused(config);
    assert_eq!(code, 1, "{run_err}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.river"), config).unwrap();
    let lint = Command::new(get_cargo_bin("flowlint"))
        .arg("config.river")
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let lint_err = String::from_utf8(lint.stderr).unwrap();
    let report = lint_err.split("\n1 error").next().unwrap();
    let run_report = run_err.split("error: the config was refused").next().unwrap();
    let run_report = run_report.split_once("[unknown-argument]").map(|(_, r)| r).unwrap();
    let report = report.split_once("[unknown-argument]").map(|(_, r)| r).unwrap();
    // The same but for the file's name: flow run was given a full path.
    let strip = |text: &str| {
        text.lines()
            .map(|l| l.split_once("config.river").map_or(l.to_owned(), |(_, rest)| rest.to_owned()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(run_report), strip(report), "flow run:\n{run_err}\nflowlint:\n{lint_err}");
}

fn pipeline(api: u16, receiver: u16, label: &str) -> String {
    format!(
        r#"prometheus.exporter.self "agent" {{ }}

prometheus.scrape "self" {{
	targets         = prometheus.exporter.self.agent.targets
	forward_to      = [prometheus.relabel.tag.receiver]
	scrape_interval = "1s"
	scrape_timeout  = "1s"
}}

prometheus.relabel "tag" {{
	forward_to = [prometheus.remote_write.out.receiver]

	rule {{
		target_label = "pipeline"
		replacement  = "{label}"
	}}
}}

prometheus.remote_write "out" {{
	endpoint {{
		url = "http://127.0.0.1:{receiver}/api/v1/metrics/write"

		queue_config {{
			batch_send_deadline = "200ms"
		}}
	}}
}}

prometheus.receive_http "in" {{
	http {{
		listen_address = "127.0.0.1"
		listen_port    = {receiver}
	}}
	forward_to = []
}}
// api port {api}
"#
    )
}

fn received(api: u16) -> f64 {
    let Some((200, metrics)) = http("GET", api, "/metrics") else { return 0.0 };
    metrics
        .lines()
        .find(|l| l.starts_with("agent_prometheus_receive_http_samples_received_total"))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0)
}

/// `2026-12-06T09:49:56.12Z` or `...+01:00`: Go's `time.Time` in JSON.
fn is_rfc3339(text: &str) -> bool {
    let shape: String = text.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
    let (date_time, rest) = shape.split_at(shape.len().min(19));
    let rest = rest.strip_prefix('.').map_or(rest, |r| r.trim_start_matches('9'));
    date_time == "9999-99-99T99:99:99" && (rest == "Z" || rest.len() == 6 && rest[3..] == *":99")
}

fn component(api: u16, id: &str) -> serde_json::Value {
    let (_, body) = http("GET", api, &format!("/api/v0/web/components/{id}")).unwrap();
    serde_json::from_str(&body).unwrap()
}

#[test]
fn a_pipeline_runs_reloads_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.river");
    let (api, receiver) = (free_port(), free_port());
    std::fs::write(&config, pipeline(api, receiver, "one")).unwrap();
    // `flow` is the reference's name for the River format.
    let child = flow()
        .args(["run", "--config.format=flow", "--server.http.listen-addr"])
        .arg(format!("127.0.0.1:{api}"))
        .arg("--storage.path")
        .arg(dir.path().join("data"))
        .arg(&config)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    assert!(eventually(Duration::from_secs(20), || received(api) > 0.0), "no samples arrived");
    assert_eq!(http("GET", api, "/-/ready").map(|r| r.0), Some(200));
    assert_eq!(http("GET", api, "/-/healthy").map(|r| r.0), Some(200));
    let scrape_before = component(api, "prometheus.scrape.self");
    assert_eq!(scrape_before["health"]["state"], "healthy");
    let updated = scrape_before["health"]["updatedTime"].as_str().unwrap();
    assert!(is_rfc3339(updated), "updatedTime {updated:?} is not RFC 3339 as Go writes it");
    assert_eq!(component(api, "prometheus.relabel.tag")["arguments"]["rule"]["replacement"], "one");

    // A valid change applies; the components it does not touch keep running.
    std::fs::write(&config, pipeline(api, receiver, "two")).unwrap();
    assert_eq!(http("POST", api, "/-/reload").map(|r| r.0), Some(200));
    assert_eq!(component(api, "prometheus.relabel.tag")["arguments"]["rule"]["replacement"], "two");
    let scrape_after = component(api, "prometheus.scrape.self");
    assert_eq!(scrape_after["health"]["updatedTime"], scrape_before["health"]["updatedTime"]);

    // SIGHUP reloads too.
    std::fs::write(&config, pipeline(api, receiver, "three")).unwrap();
    let pid = running.0.id().to_string();
    Command::new("kill").args(["-HUP", &pid]).status().unwrap();
    assert!(
        eventually(Duration::from_secs(10), || {
            component(api, "prometheus.relabel.tag")["arguments"]["rule"]["replacement"] == "three"
        }),
        "SIGHUP did not reload"
    );

    // An invalid change is refused and the running pipeline stays.
    std::fs::write(&config, "prometheus.relabel \"tag\" {\n\tforward_to = 3\n}\n").unwrap();
    let (status, body) = http("POST", api, "/-/reload").unwrap();
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("forward_to"), "{body}");
    let before = received(api);
    assert!(eventually(Duration::from_secs(10), || received(api) > before), "the pipeline stopped");

    // SIGTERM stops it cleanly and soon.
    let pid = running.0.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "flow run did not stop");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    assert!(Path::new(&dir.path().join("data/prometheus.remote_write.out/wal")).is_dir());
}

#[test]
fn a_prometheus_config_runs_through_the_converter() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("prometheus.yml");
    let (api, nowhere) = (free_port(), free_port());
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: [\"127.0.0.1:{nowhere}\"]\n\
             remote_write:\n  - url: http://127.0.0.1:{nowhere}/api/v1/write\n"
        ),
    )
    .unwrap();
    let child = flow()
        .args([
            "run",
            "--config.format=prometheus",
            "--server.http.listen-addr",
            &format!("127.0.0.1:{api}"),
            "--storage.path",
        ])
        .arg(dir.path().join("data"))
        .arg(&config)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _running = Running(child);
    let ids = || component_ids(api);
    assert!(eventually(Duration::from_secs(20), || ids().is_some()), "flow run did not start");
    assert_eq!(ids().unwrap(), ["prometheus.remote_write.default", "prometheus.scrape.app"]);
    // The target is down: `up` says so, and the component stays healthy.
    assert!(eventually(Duration::from_secs(20), || {
        component(api, "prometheus.scrape.app")["debugInfo"]["targets"][0]["health"] == "down"
    }));
    // A config the converter blocks is not run.
    std::fs::write(
        &config,
        "scrape_configs:\n  - job_name: x\n    nomad_sd_configs: [{server: a}]\n",
    )
    .unwrap();
    let out = flow().args(["run", "--config.format=prometheus"]).arg(&config).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nomad"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
