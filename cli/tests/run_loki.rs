//! Two `flow run` processes passing logs: the first's `loki.write` pushes
//! what its `loki.source.api` takes to the second's `loki.source.api`,
//! started only after the lines were pushed; the second's `loki.echo`
//! writes every line to its log with its labels.

mod flow_run;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flow_run::{eventually, flow, free_port, http, spawn_logged, Running};

/// `flow run` of `config` with its API on `api`, its log kept in the
/// returned buffer.
fn start(dir: &Path, name: &str, config: &str, api: u16) -> (Running, Arc<Mutex<String>>) {
    let path = dir.join(format!("{name}.river"));
    std::fs::write(&path, config).unwrap();
    let mut command = flow();
    command
        .args(["run", "--server.http.listen-addr", &format!("127.0.0.1:{api}"), "--storage.path"])
        .arg(dir.join(format!("{name}-data")))
        .arg(&path);
    let (running, log, _) = spawn_logged(command);
    (running, log)
}

fn post_raw(port: u16, body: &str) -> Option<String> {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        conn,
        "POST /loki/api/v1/raw HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    conn.read_to_string(&mut response).ok()?;
    Some(response)
}

fn health(api: u16, id: &str) -> String {
    let Some((_, body)) = http("GET", api, &format!("/api/v0/web/components/{id}")) else {
        return String::new();
    };
    let value: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    value["health"]["state"].as_str().unwrap_or_default().to_owned()
}

fn stop(running: Running) {
    Command::new("kill").args(["-TERM", &running.0.id().to_string()]).status().unwrap();
    let mut running = running;
    assert!(
        eventually(Duration::from_secs(15), || matches!(running.0.try_wait(), Ok(Some(_)))),
        "flow run did not stop"
    );
}

#[test]
fn lines_pushed_while_the_receiver_is_down_arrive_with_their_labels() {
    let dir = tempfile::tempdir().unwrap();
    let (api_a, api_b, push_a, push_b) = (free_port(), free_port(), free_port(), free_port());
    let first = format!(
        r#"loki.source.api "in" {{
	http {{
		listen_address = "127.0.0.1"
		listen_port    = {push_a}
	}}
	labels     = {{"job" = "cli"}}
	forward_to = [loki.write.out.receiver]
}}

loki.write "out" {{
	endpoint {{
		url                = "http://127.0.0.1:{push_b}/loki/api/v1/push"
		batch_wait         = "100ms"
		min_backoff_period = "50ms"
		max_backoff_period = "200ms"
	}}
	external_labels = {{"sender" = "first"}}
}}
"#
    );
    let (first, _) = start(dir.path(), "first", &first, api_a);
    let lines: Vec<String> = (0..20).map(|i| format!("hello {i}")).collect();
    assert!(
        eventually(Duration::from_secs(20), || post_raw(push_a, &lines.join("\n"))
            .is_some_and(|r| r.starts_with("HTTP/1.1 204"))),
        "the first flow run never took the lines"
    );
    assert!(
        eventually(Duration::from_secs(20), || health(api_a, "loki.write.out") == "unhealthy"),
        "pushing to a receiver that is down did not show"
    );

    let second = receiver(push_b);
    let (second, log) = start(dir.path(), "second", &second, api_b);
    let echoed = |line: &str| {
        log.lock().unwrap().lines().any(|l| {
            l.contains("component_id=loki.echo.show")
                && l.contains(&format!("entry=\"{line}\""))
                && l.contains(r#"{job=\"cli\", sender=\"first\"}"#)
        })
    };
    let all = || lines.iter().all(|l| echoed(l));
    assert!(
        eventually(Duration::from_secs(30), all),
        "not every line arrived:\n{}",
        log.lock().unwrap()
    );
    assert!(
        eventually(Duration::from_secs(20), || health(api_a, "loki.write.out") == "healthy"),
        "loki.write stayed unhealthy after its pushes went through"
    );
    stop(first);
    stop(second);
}

/// `logging { write_to }`: the first process's own log lines go, as
/// written, to its `loki.write`, and arrive at the second one's
/// `loki.echo` labelled `component="agent"`, as the reference labels them.
#[test]
fn flow_runs_own_log_goes_to_write_to() {
    let dir = tempfile::tempdir().unwrap();
    let (api_a, api_b, push_b) = (free_port(), free_port(), free_port());
    let second = receiver(push_b);
    let (second, log) = start(dir.path(), "second", &second, api_b);
    assert!(eventually(Duration::from_secs(20), || health(api_b, "loki.echo.show") == "healthy"));
    let first = format!(
        r#"logging {{
	write_to = [loki.write.out.receiver]
}}

loki.write "out" {{
	endpoint {{
		url        = "http://127.0.0.1:{push_b}/loki/api/v1/push"
		batch_wait = "100ms"
	}}
}}
"#
    );
    let (first, _) = start(dir.path(), "first", &first, api_a);
    // The first reload's line is written after write_to is in force.
    assert!(eventually(Duration::from_secs(20), || {
        http("POST", api_a, "/-/reload").is_some_and(|r| r.0 == 200)
    }));
    let arrived = || {
        log.lock().unwrap().lines().any(|l| {
            l.contains("component_id=loki.echo.show")
                && l.contains("config reloaded")
                && l.contains(r#"{component=\"agent\"}"#)
        })
    };
    assert!(
        eventually(Duration::from_secs(20), arrived),
        "the first process's log line did not arrive:\n{}",
        log.lock().unwrap()
    );
    stop(first);
    stop(second);
}

/// The second process's config: a push API on `port` whose entries
/// `loki.echo` writes to the log.
fn receiver(port: u16) -> String {
    format!(
        r#"loki.source.api "in" {{
	http {{
		listen_address = "127.0.0.1"
		listen_port    = {port}
	}}
	forward_to = [loki.echo.show.receiver]
}}

loki.echo "show" {{ }}
"#
    )
}
