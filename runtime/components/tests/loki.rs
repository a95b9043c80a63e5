//! The loki components together, on loopback: lines pushed to a
//! `loki.source.api` (JSON, protobuf, raw) go through `loki.relabel` and
//! `loki.write` to a second `loki.source.api`, whose own `loki.write`
//! hands them to a recorder here; and lines wait in `loki.write` while
//! the receiver is down, and arrive once it is up.

use std::time::Duration;

mod support;

use river_loki::proto;
use river_runtime::component::HealthKind;
use river_runtime::controller::Controller;
use river_runtime::labels::Labels;
use river_runtime::logs::{time_from_ns, Entry};
use support::loki::{free_port, post, recorder};

/// A `loki.source.api` on `port` forwarding to `to`, with `extra` inside.
fn source(name: &str, port: u16, to: &str, extra: &str) -> String {
    format!(
        "loki.source.api {name:?} {{\n\thttp {{\n\t\tlisten_address = \"127.0.0.1\"\n\t\tlisten_port = {port}\n\t}}\n\
         \tforward_to = [{to}]\n{extra}}}\n\n"
    )
}

/// A `loki.write` pushing to `port` quickly, with `extra` in its endpoint
/// and `top` in its body.
fn write(name: &str, port: u16, extra: &str, top: &str) -> String {
    format!(
        "loki.write {name:?} {{\n{top}\tendpoint {{\n\t\turl = \"http://127.0.0.1:{port}/loki/api/v1/push\"\n\
         \t\tbatch_wait = \"50ms\"\n{extra}\t}}\n}}\n\n"
    )
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    Labels::from_pairs(pairs.iter().copied())
}

fn health(controller: &Controller, id: &str) -> HealthKind {
    controller.components().into_iter().find(|c| c.id == id).unwrap().health.kind
}

#[tokio::test(flavor = "multi_thread")]
async fn pushed_lines_arrive_with_their_labels_through_a_second_flow() {
    let (front, back) = (free_port(), free_port());
    let (record, got) = recorder();
    let mut config = source(
        "front",
        front,
        "loki.relabel.r.receiver",
        "\tlabels = {\"source\" = \"front\"}\n\tuse_incoming_timestamp = true\n\
         \trelabel_rules = loki.relabel.rules_only.rules\n",
    );
    config += "loki.relabel \"rules_only\" {\n\tforward_to = []\n\
               \trule {\n\t\taction = \"labeldrop\"\n\t\tregex = \"secret\"\n\t}\n}\n\n";
    config += "loki.relabel \"r\" {\n\tforward_to = [loki.write.out.receiver, loki.echo.e.receiver]\n\
               \trule {\n\t\ttarget_label = \"env\"\n\t\treplacement = \"test\"\n\t}\n\
               \trule {\n\t\taction = \"drop\"\n\t\tsource_labels = [\"app\"]\n\t\tregex = \"noisy\"\n\t}\n}\n\n\
               loki.echo \"e\" {}\n\n";
    let external = "\texternal_labels = {\"cluster\" = \"c1\", \"app\" = \"never\"}\n";
    config += &write("out", back, "\t\ttenant_id = \"t1\"\n", external);
    config +=
        &source("back", back, "loki.write.sink.receiver", "\tuse_incoming_timestamp = true\n");
    config += &write("sink", record, "\t\ttenant_id = \"t2\"\n", "");
    let dir = tempfile::tempdir().unwrap();
    let controller = support::start(config, dir.path());

    let json = br#"{"streams":[{"stream":{"app":"web","secret":"s"},"values":[["1000","j1"],["2000","j2"]]},
        {"stream":{"app":"noisy"},"values":[["3000","dropped"]]}]}"#;
    let response = post(front, "/loki/api/v1/push", "Content-Type: application/json\r\n", json);
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    let pb: Vec<Entry> = (0..100)
        .map(|i| Entry::new(labels(&[("app", "pb")]), time_from_ns(5_000 + i), format!("p{i}")))
        .collect();
    let response = post(front, "/api/v1/push", "", &proto::encode(&pb));
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    let response = post(front, "/loki/api/v1/raw", "", b"r1\r\nr2\n\nr3");
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    let response = post(front, "/loki/api/v1/push", "Content-Type: application/json\r\n", b"{");
    assert!(response.starts_with("HTTP/1.1 400") && response.contains("not JSON"), "{response}");

    support::wait_for("every line arrives", || got.lock().unwrap().len() >= 105).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 105, "{got:?}");
    assert!(got.iter().all(|(tenant, _)| tenant == "t2"));
    let find = |line: &str| got.iter().map(|(_, e)| e).find(|e| e.line == line).unwrap().clone();
    let common = [("cluster", "c1"), ("env", "test"), ("source", "front")];
    // `secret` went by the rules loki.relabel.rules_only exports.
    let web = find("j2");
    assert_eq!(web.labels, labels(&[&common[..], &[("app", "web")]].concat()));
    assert_eq!(web.timestamp_ns(), 2000, "the incoming timestamp is kept end to end");
    for i in 0..100 {
        let entry = find(&format!("p{i}"));
        assert_eq!(entry.labels, labels(&[&common[..], &[("app", "pb")]].concat()));
        assert_eq!(entry.timestamp_ns(), 5_000 + i);
    }
    let raw = find("r3");
    assert_eq!(raw.labels, labels(&[&common[..], &[("app", "never")]].concat()));
    assert!(got.iter().all(|(_, e)| e.line != "dropped" && !e.line.is_empty()));
    let ready = post(front, "/loki/ready", "", b"");
    assert!(ready.starts_with("HTTP/1.1 405"), "ready answers GET only: {ready}");
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lines_wait_while_the_receiver_is_down_and_arrive_when_it_is_up() {
    let (front, back) = (free_port(), free_port());
    let (record, got) = recorder();
    let backoff = "\t\tmin_backoff_period = \"50ms\"\n\t\tmax_backoff_period = \"200ms\"\n\
                   \t\tmax_backoff_retries = 0\n";
    // Loki keeps no stream without labels: the raw lines get one.
    let labels = "\tlabels = {\"job\" = \"raw\"}\n";
    let config = source("front", front, "loki.write.out.receiver", labels)
        + &write("out", back, backoff, "");
    let dir = tempfile::tempdir().unwrap();
    let controller = support::start(config, dir.path());
    for batch in 0..5 {
        let lines: Vec<String> = (0..20).map(|i| format!("line {batch}-{i}")).collect();
        let response = post(front, "/loki/api/v1/raw", "", lines.join("\n").as_bytes());
        assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    }
    support::wait_for("the failing pushes make loki.write unhealthy", || {
        health(&controller, "loki.write.out") == HealthKind::Unhealthy
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let config =
        source("back", back, "loki.write.sink.receiver", "") + &write("sink", record, "", "");
    let dir2 = tempfile::tempdir().unwrap();
    let receiver = support::start(config, dir2.path());
    support::wait_for("every line arrives", || got.lock().unwrap().len() >= 100).await;
    let got = got.lock().unwrap().clone();
    for batch in 0..5 {
        for i in 0..20 {
            assert!(got.iter().any(|(_, e)| e.line == format!("line {batch}-{i}")), "{batch}-{i}");
        }
    }
    support::wait_for("loki.write is healthy again", || {
        health(&controller, "loki.write.out") == HealthKind::Healthy
    })
    .await;
    let metrics = controller.globals().gatherer.render();
    let sent = metrics.lines().find(|l| l.starts_with("loki_write_sent_entries_total{")).unwrap();
    assert!(
        sent.ends_with(" 100") && sent.contains(&format!("host=\"127.0.0.1:{back}\"")),
        "{sent}"
    );
    let retries =
        metrics.lines().find(|l| l.starts_with("loki_write_batch_retries_total{")).unwrap();
    let retries: f64 = retries.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(retries >= 1.0, "the pushes to the receiver that was down were retried");
    controller.shutdown(Duration::from_secs(5)).await;
    receiver.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_loki_write_holds_is_pushed_on_shutdown() {
    let (front, record) = (free_port(), recorder());
    let labels = "\tlabels = {\"job\" = \"x\"}\n";
    let config = source("front", front, "loki.write.out.receiver", labels)
        + &write("out", record.0, "\t\tbatch_wait = \"1h\"\n", "");
    let dir = tempfile::tempdir().unwrap();
    let controller = support::start(config.replace("\t\tbatch_wait = \"50ms\"\n", ""), dir.path());
    let response = post(front, "/loki/api/v1/raw", "", b"a\nb\nc");
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(record.1.lock().unwrap().is_empty(), "a batch went before its batch_wait");
    let started = std::time::Instant::now();
    controller.shutdown(Duration::from_secs(5)).await;
    assert!(started.elapsed() < Duration::from_secs(4), "the shutdown waited for its bound");
    let lines: Vec<String> = record.1.lock().unwrap().iter().map(|(_, e)| e.line.clone()).collect();
    assert_eq!(lines, ["a", "b", "c"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_push_is_dropped_counted_and_shown_in_health() {
    let front = free_port();
    let (record, requests) = support::recorder(
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 13\r\nConnection: close\r\n\r\nout of order!",
    );
    let labels = "\tlabels = {\"job\" = \"x\"}\n";
    let config = source("front", front, "loki.write.out.receiver", labels)
        + &write("out", record, "\t\ttenant_id = \"team-a\"\n", "");
    let dir = tempfile::tempdir().unwrap();
    let controller = support::start(config, dir.path());
    let response = post(front, "/loki/api/v1/raw", "", b"a\nb");
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    support::wait_for("the push is refused", || {
        health(&controller, "loki.write.out") == HealthKind::Unhealthy
    })
    .await;
    let info = controller.components().into_iter().find(|c| c.id == "loki.write.out").unwrap();
    assert!(info.health.message.contains("out of order!"), "{:?}", info.health);
    let metrics = controller.globals().gatherer.render();
    let dropped =
        metrics.lines().find(|l| l.starts_with("loki_write_dropped_entries_total{")).unwrap();
    assert!(dropped.contains("reason=\"ingester_error\"") && dropped.ends_with(" 2"), "{dropped}");
    let timed = metrics
        .lines()
        .find(|l| l.starts_with("loki_write_request_duration_seconds_count{"))
        .unwrap();
    assert!(timed.contains("status_code=\"400\"") && timed.ends_with(" 1"), "{timed}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let requests = requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1, "a 400 is not retried");
    let head = requests[0].to_ascii_lowercase();
    assert!(
        head.contains("x-scope-orgid: team-a")
            && head.contains("content-type: application/x-protobuf"),
        "{head}"
    );
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_label_picks_the_tenant_and_max_streams_bounds_a_batch() {
    let front = free_port();
    let (record, got) = recorder();
    let mut config = source("front", front, "loki.relabel.t.receiver", "");
    config += "loki.relabel \"t\" {\n\tforward_to = [loki.write.out.receiver]\n\
               \trule {\n\t\ttarget_label = \"__tenant_id__\"\n\t\treplacement = \"team-b\"\n\t}\n}\n\n";
    config += &write("out", record, "\t\ttenant_id = \"team-a\"\n", "\tmax_streams = 2\n");
    let dir = tempfile::tempdir().unwrap();
    let controller = support::start(config, dir.path());
    let json = br#"{"streams":[{"stream":{"s":"1"},"values":[["1","a"]]},
        {"stream":{"s":"2"},"values":[["1","b"]]},{"stream":{"s":"3"},"values":[["1","c"]]}]}"#;
    let response = post(front, "/loki/api/v1/push", "Content-Type: application/json\r\n", json);
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    support::wait_for("two streams arrive", || got.lock().unwrap().len() >= 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    for (tenant, entry) in &got {
        assert_eq!(tenant, "team-b");
        assert_eq!(entry.labels.get("__tenant_id__"), None, "the tenant label is not sent");
        // Without use_incoming_timestamp an entry gets its receive time.
        assert!(entry.timestamp_ns() > 1_600_000_000_000_000_000, "{entry:?}");
    }
    let metrics = controller.globals().gatherer.render();
    let limited = metrics
        .lines()
        .find(|l| {
            l.starts_with("loki_write_dropped_entries_total{") && l.contains("stream_limited")
        })
        .unwrap();
    assert!(limited.contains("tenant=\"team-b\"") && limited.ends_with(" 1"), "{limited}");
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_flushes_the_old_endpoint_and_sends_on_to_the_new_one() {
    let front = free_port();
    let ((old, got_old), (new, got_new)) = (recorder(), recorder());
    let config = |job: &str, port: u16, wait: &str| {
        let labels = format!("\tlabels = {{\"job\" = {job:?}}}\n");
        source("front", front, "loki.write.out.receiver", &labels)
            + &write("out", port, &format!("\t\tbatch_wait = {wait:?}\n"), "")
                .replace("\t\tbatch_wait = \"50ms\"\n", "")
    };
    let dir = tempfile::tempdir().unwrap();
    let controller = support::start(config("one", old, "1h"), dir.path());
    let response = post(front, "/loki/api/v1/raw", "", b"before");
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(got_old.lock().unwrap().is_empty(), "sent before its batch_wait");

    let plan = river_runtime::controller::plan(
        &[river_runtime::controller::Source::text("config.river", config("two", new, "50ms"))],
        river_components::ALL,
    )
    .unwrap();
    controller.reload(plan).unwrap();
    support::wait_for("the old endpoint gets what it held", || {
        got_old.lock().unwrap().iter().any(|(_, e)| e.line == "before")
    })
    .await;
    // The same port: the server stays and takes the new labels.
    let response = post(front, "/loki/api/v1/raw", "", b"after");
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    support::wait_for("the new endpoint gets the rest", || !got_new.lock().unwrap().is_empty())
        .await;
    let got_new = got_new.lock().unwrap().clone();
    assert_eq!(got_new.len(), 1, "{got_new:?}");
    assert_eq!(
        (got_new[0].1.line.as_str(), got_new[0].1.labels.get("job")),
        ("after", Some("two"))
    );
    assert_eq!(got_old.lock().unwrap()[0].1.labels.get("job"), Some("one"));
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_is_sent_when_the_next_line_would_pass_batch_size() {
    let front = free_port();
    let (record, requests) = support::recorder(support::NO_CONTENT);
    let labels = "\tlabels = {\"job\" = \"x\"}\n";
    let endpoint = "\t\tbatch_size = \"10B\"\n\t\tbatch_wait = \"1h\"\n";
    let config = source("front", front, "loki.write.out.receiver", labels)
        + &write("out", record, endpoint, "").replace("\t\tbatch_wait = \"50ms\"\n", "");
    let dir = tempfile::tempdir().unwrap();
    let controller = support::start(config, dir.path());
    // Five lines of 4 bytes: two batches of two go by size, the last waits.
    let response = post(front, "/loki/api/v1/raw", "", b"aaaa\nbbbb\ncccc\ndddd\neeee");
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    support::wait_for("two full batches", || requests.lock().unwrap().len() >= 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(requests.lock().unwrap().len(), 2, "the last line waits for batch_wait");
    controller.shutdown(Duration::from_secs(5)).await;
    assert_eq!(requests.lock().unwrap().len(), 3, "the last batch is pushed on stop");
}

#[tokio::test(flavor = "multi_thread")]
async fn files_found_by_local_file_match_are_tailed_to_loki_write() {
    let (record, got) = recorder();
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(logs.join("a.log"), "a1\na2\n").unwrap();
    let mut config = format!(
        "local.file_match \"logs\" {{\n\tpath_targets = [{{\"__path__\" = {:?}, \"job\" = \"files\"}}]\n\
         \tsync_period = \"50ms\"\n}}\n\n",
        format!("{}/*.log", logs.display())
    );
    config += "loki.source.file \"tail\" {\n\ttargets = local.file_match.logs.targets\n\
               \tforward_to = [loki.write.out.receiver]\n\
               \tfile_watch {\n\t\tmin_poll_frequency = \"20ms\"\n\t\tmax_poll_frequency = \"100ms\"\n\t}\n}\n\n";
    config += &write("out", record, "", "");
    let controller = support::start(config, &dir.path().join("storage"));
    support::wait_for("a.log's lines arrive", || got.lock().unwrap().len() >= 2).await;
    // A file that appears is found by local.file_match, and read whole.
    std::fs::write(logs.join("b.log"), "b1\n").unwrap();
    support::wait_for("b.log's line arrives", || got.lock().unwrap().len() >= 3).await;
    let mut lines = std::fs::OpenOptions::new().append(true).open(logs.join("a.log")).unwrap();
    std::io::Write::write_all(&mut lines, b"a3\n").unwrap();
    support::wait_for("the appended line arrives", || got.lock().unwrap().len() >= 4).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = got.lock().unwrap().clone();
    let text: Vec<&str> = got.iter().map(|(_, e)| e.line.as_str()).collect();
    assert_eq!(text.len(), 4, "{text:?}");
    for line in ["a1", "a2", "a3", "b1"] {
        assert!(text.contains(&line), "{line} in {text:?}");
    }
    let b = got.iter().map(|(_, e)| e).find(|e| e.line == "b1").unwrap();
    let path = logs.join("b.log").display().to_string();
    assert_eq!(b.labels, labels(&[("filename", &path), ("job", "files")]));
    assert_eq!(health(&controller, "loki.source.file.tail"), HealthKind::Healthy);
    let metrics = controller.globals().gatherer.render();
    assert!(metrics.contains("loki_source_file_files_active_total{"), "{metrics}");
    controller.shutdown(Duration::from_secs(5)).await;
    let saved = std::fs::read_to_string(
        dir.path().join("storage/data/loki.source.file.tail/positions.yml"),
    )
    .unwrap();
    assert!(saved.contains(&format!("? path: {path}\n")) && saved.contains(": \"3\"\n"), "{saved}");
}

/// A file far larger than `loki.write`'s queue, through `loki.relabel`
/// and a push endpoint pushed to in small batches: the file is read as
/// fast as the queue empties, and no line is dropped (the reference's
/// channels block the same way).
#[tokio::test(flavor = "multi_thread")]
async fn a_full_queue_slows_its_sources_down_instead_of_dropping() {
    let (record, got) = recorder();
    let front = free_port();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.log");
    let text: String = (0..3000).map(|i| format!("line {i:05} {}\n", "x".repeat(200))).collect();
    std::fs::write(&file, text).unwrap();
    let mut config = format!(
        "loki.source.file \"big\" {{\n\ttargets = [{{\"__path__\" = {:?}}}]\n\
         \tforward_to = [loki.relabel.r.receiver]\n}}\n\n",
        file.display().to_string()
    );
    config += "loki.relabel \"r\" {\n\tforward_to = [loki.write.out.receiver]\n\
               \trule {\n\t\ttarget_label = \"via\"\n\t\treplacement = \"relabel\"\n\t}\n}\n\n";
    config += &source("front", front, "loki.write.out.receiver", "");
    let small =
        "\t\tbatch_size = \"8KiB\"\n\t\tqueue_config {\n\t\t\tcapacity = \"16KiB\"\n\t\t}\n";
    config += &write("out", record, small, "");
    let controller = support::start(config, &dir.path().join("storage"));
    // A push bigger than the whole queue waits for room, then is answered.
    let pushed: String = (0..200).map(|i| format!("pushed {i} {}\n", "y".repeat(200))).collect();
    let response = post(front, "/loki/api/v1/raw", "", pushed.as_bytes());
    assert!(response.starts_with("HTTP/1.1 204"), "{response}");
    support::wait_for("every line arrives", || got.lock().unwrap().len() >= 3200).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 3200);
    let mut file_lines: Vec<&str> =
        got.iter().map(|(_, e)| e.line.as_str()).filter(|l| l.starts_with("line ")).collect();
    file_lines.sort();
    file_lines.dedup();
    assert_eq!(file_lines.len(), 3000, "each file line once");
    let metrics = controller.globals().gatherer.render();
    assert!(!metrics.contains("reason=\"queue_full\""), "{metrics}");
    controller.shutdown(Duration::from_secs(5)).await;
}
