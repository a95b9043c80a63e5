//! The language server's speed on a realistic 5,000-line config
//! (`bench/lint_input.rs`), measured through the protocol against the real
//! `flow-lsp`: completion and hover latency (median and p99), the time from
//! a one-character edit to its published diagnostics, and the server's
//! peak memory. Run with `bench/lsp` (or `cargo bench -p river-cli --bench lsp`).

#[path = "../../bench/lint_input.rs"]
mod input;
#[path = "../tests/lsp_client/mod.rs"]
mod lsp_client;

use std::time::{Duration, Instant};

use serde_json::json;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn report(what: &str, samples: &mut [Duration], target: &str) {
    let (median, p99) = (percentile(samples, 0.5), percentile(samples, 0.99));
    println!("{what:<28} median {:>7.2} ms   p99 {:>7.2} ms   ({target})", ms(median), ms(p99));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let text = input::config();
    let dir = std::env::temp_dir().join(format!("river-lsp-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.river");
    std::fs::write(&path, &text).unwrap();
    let uri = format!("file://{}", path.display());
    println!("input: {} lines, {} bytes", text.lines().count(), text.len());

    let mut client = lsp_client::Client::start(json!({}));
    let started = Instant::now();
    client.open(&uri, &text);
    client.diagnostics(&uri);
    println!("{:<28} {:>7.2} ms", "open to first diagnostics", ms(started.elapsed()));

    // Places to ask about: lines that set an argument inside a block, and
    // the names of top-level blocks.
    let lines: Vec<&str> = text.lines().collect();
    let bodies: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with('\t') && lines[i].contains(" = "))
        .collect();
    let names: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].ends_with('{') && !lines[i].starts_with('\t'))
        .collect();
    let pick = |list: &[usize], i: usize| list[(i * 7919) % list.len()] as u32;

    let mut completion = Vec::new();
    let mut hover = Vec::new();
    for i in 0..300 {
        let at = json!({"textDocument": {"uri": uri}, "position": {"line": pick(&bodies, i), "character": 1}});
        let t = Instant::now();
        client.request("textDocument/completion", at);
        completion.push(t.elapsed());
        let at = json!({"textDocument": {"uri": uri}, "position": {"line": pick(&names, i), "character": 2}});
        let t = Instant::now();
        client.request("textDocument/hover", at);
        hover.push(t.elapsed());
    }
    report("completion", &mut completion, "target p99 <= 10 ms");
    report("hover", &mut hover, "target p99 <= 10 ms");

    // One character typed, then taken back, in the middle of the file.
    let line = pick(&bodies, 3);
    let mut edits = Vec::new();
    for version in 2..102 {
        let insert = version % 2 == 0;
        let end = if insert { 1 } else { 2 };
        let range = json!({"start": {"line": line, "character": 1}, "end": {"line": line, "character": end}});
        let change = json!({"range": range, "text": if insert { "x" } else { "" }});
        let t = Instant::now();
        let params =
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]});
        client.notify("textDocument/didChange", params);
        client.diagnostics_of_version(&uri, version);
        edits.push(t.elapsed());
    }
    report("edit to diagnostics", &mut edits, "target p99 <= 50 ms");

    let status =
        std::fs::read_to_string(format!("/proc/{}/status", client.pid())).unwrap_or_default();
    let peak = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).map(|v| v.trim().to_owned());
    println!("{:<28} {} (target <= 150 MB)", "server peak memory", peak.unwrap_or_default());
    drop(client);
    let _ = std::fs::remove_dir_all(&dir);
}
