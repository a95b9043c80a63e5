//! `flow run`'s own log as an operator reads it: logfmt by default and JSON
//! on request (switched by a reload), `ts`, `level` and `msg` on every
//! line, the component's path and id on the lines its code writes, no
//! library internals at info, and no secret at any level.

mod flow_run;

use std::process::Command;
use std::time::Duration;

use flow_run::{eventually, flow, free_port, http, spawn_logged};

fn config(logging: &str, nowhere: u16) -> String {
    format!(
        r#"{logging}

prometheus.exporter.self "agent" {{ }}

prometheus.scrape "self" {{
	targets         = prometheus.exporter.self.agent.targets
	forward_to      = [prometheus.remote_write.out.receiver]
	scrape_interval = "1s"
	scrape_timeout  = "1s"
}}

prometheus.remote_write "out" {{
	endpoint {{
		url = "http://user:url-secret-1@127.0.0.1:{nowhere}/push"

		queue_config {{
			batch_send_deadline = "100ms"
			min_backoff         = "50ms"
		}}
	}}

	endpoint {{
		url          = "http://127.0.0.1:{nowhere}/push"
		bearer_token = "bearer-secret-2"

		queue_config {{
			batch_send_deadline = "100ms"
			min_backoff         = "50ms"
		}}
	}}
}}
"#
    )
}

/// `key=value` pairs as go-logfmt writes them; `None` if the line is not
/// logfmt.
fn logfmt(line: &str) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut rest = line.trim_end();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        if key.is_empty() || key.contains([' ', '"']) {
            return None;
        }
        let (value, after) = match after.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted.char_indices().scan(false, |escaped, (i, c)| {
                    let close = c == '"' && !*escaped;
                    *escaped = c == '\\' && !*escaped;
                    Some((i, close))
                });
                let end = end.filter(|(_, close)| *close).map(|(i, _)| i).next()?;
                (quoted[..end].replace("\\\"", "\"").replace("\\\\", "\\"), &quoted[end + 1..])
            }
            None => {
                let end = after.find(' ').unwrap_or(after.len());
                (after[..end].to_owned(), &after[end..])
            }
        };
        pairs.push((key.to_owned(), value));
        rest = after.strip_prefix(' ').unwrap_or(after);
        if !after.is_empty() && !after.starts_with(' ') {
            return None;
        }
    }
    Some(pairs)
}

fn is_utc_rfc3339(ts: &str) -> bool {
    ts.len() >= 20 && ts.as_bytes()[10] == b'T' && ts.ends_with('Z') && jiff_like(ts)
}

/// `2026-12-06T10:11:24.830263426Z`: digits where Go puts them.
fn jiff_like(ts: &str) -> bool {
    let shape: String = ts.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
    shape.starts_with("9999-99-99T99:99:99") && shape[19..].trim_start_matches(['.', '9']) == "Z"
}

#[test]
fn the_log_is_logfmt_then_json_with_component_ids_and_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.river");
    let (api, nowhere) = (free_port(), free_port());
    std::fs::write(&path, config("", nowhere)).unwrap();
    let mut command = flow();
    command
        .args(["run", "--server.http.listen-addr", &format!("127.0.0.1:{api}"), "--storage.path"])
        .arg(dir.path().join("data"))
        .arg(&path);
    let (running, log, reader) = spawn_logged(command);
    let has = |text: &str| log.lock().unwrap().contains(text);
    assert!(
        eventually(Duration::from_secs(20), || has("now listening for http traffic")),
        "did not start"
    );
    // A reload at the default level: the analyzer's work is not logged.
    assert_eq!(http("POST", api, "/-/reload").map(|r| r.0), Some(200));
    // Then debug and JSON, at once.
    let logging = "logging {\n\tlevel  = \"debug\"\n\tformat = \"json\"\n}";
    std::fs::write(&path, config(logging, nowhere)).unwrap();
    assert_eq!(http("POST", api, "/-/reload").map(|r| r.0), Some(200));
    let retried = "\"component_id\":\"prometheus.remote_write.out\"";
    assert!(eventually(Duration::from_secs(20), || has(retried)), "no debug line of the component");
    Command::new("kill").args(["-TERM", &running.0.id().to_string()]).status().unwrap();
    drop(running);
    reader.join().unwrap();
    let log = log.lock().unwrap().clone();

    for secret in ["url-secret-1", "bearer-secret-2"] {
        assert!(!log.contains(secret), "a secret was logged:\n{log}");
    }
    let (mut logfmt_lines, mut json_lines, mut component_lines) = (0, 0, 0);
    for line in log.lines() {
        let fields: Vec<(String, String)> = if line.starts_with('{') {
            json_lines += 1;
            let mut object: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            // The map sorts its keys: take the first three out by name.
            let mut text = |key: &str| {
                let v = object.remove(key).unwrap_or_else(|| panic!("no {key}: {line}"));
                (key.to_owned(), v.as_str().map_or(v.to_string(), str::to_owned))
            };
            let mut fields = vec![text("ts"), text("level"), text("msg")];
            let rest = object.into_iter();
            fields.extend(rest.map(|(k, v)| (k, v.as_str().map_or(v.to_string(), str::to_owned))));
            fields
        } else {
            assert_eq!(json_lines, 0, "logfmt after the switch to JSON: {line}");
            logfmt_lines += 1;
            logfmt(line).unwrap_or_else(|| panic!("not logfmt: {line}"))
        };
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).take(3).collect();
        assert_eq!(keys, ["ts", "level", "msg"], "{line}");
        assert!(is_utc_rfc3339(&fields[0].1), "{line}");
        let level = fields[1].1.as_str();
        assert!(["debug", "info", "warn", "error"].contains(&level), "{line}");
        if json_lines == 0 {
            assert_ne!(level, "debug", "a debug line at the default level: {line}");
        }
        for internal in ["salsa", "executing query", "hyper", "h2::", "rustls"] {
            assert!(!line.contains(internal), "a library's line: {line}");
        }
        let value = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        if value("component_id") == Some("prometheus.remote_write.out") {
            assert_eq!(value("component_path"), Some("/"), "{line}");
            component_lines += 1;
        }
    }
    assert!(logfmt_lines >= 2 && json_lines >= 2 && component_lines >= 1, "{log}");
    // The URL's password is shown hidden where the error quotes the URL.
    assert!(log.contains("user:xxxxx@127.0.0.1"), "{log}");
}

#[test]
fn logfmt_reading_of_the_test_itself() {
    let pairs = logfmt(r#"ts=1 level=info msg="a \"b\" c" k="#).unwrap();
    assert_eq!(pairs[2], ("msg".to_owned(), "a \"b\" c".to_owned()));
    assert_eq!(pairs[3], ("k".to_owned(), String::new()));
    assert!(logfmt("INFO some text").is_none());
}
