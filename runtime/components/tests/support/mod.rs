//! What the runtime's tests share: loopback servers they talk to (scrape
//! targets, a remote write receiver, a recorder of raw requests) and
//! starting a config.

#![allow(dead_code)]

pub mod loki;
pub mod modules;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use river_prometheus::proto;
use river_runtime::controller::{plan, Controller, Source};
use river_runtime::globals::Globals;
use river_runtime::series::Sample;

/// An empty successful answer, as a remote write endpoint gives.
pub const NO_CONTENT: &str =
    "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// A 200 answer with a JSON body (kept for the whole test, as recorders
/// answer with it until the process ends).
pub fn json_answer(body: &str) -> &'static str {
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    Box::leak(answer.into_boxed_str())
}

/// A process's globals with the API on a free loopback port and storage
/// under `dir`.
pub fn globals(dir: &Path) -> Arc<Globals> {
    Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.join("data"))
}

/// Plans `config` (one file) and starts it.
pub fn start(config: String, dir: &Path) -> Controller {
    let plan = plan(&[Source::text("config.river", config)], river_components::ALL).unwrap();
    Controller::start(plan, globals(dir)).unwrap()
}

/// A pipeline: the target at `metrics` scraped every 300 ms into
/// `prometheus.remote_write.out`, whose endpoint posts to `url` with
/// `extra` (lines indented by two tabs) in its block.
pub fn scrape_to_remote_write(metrics: u16, url: &str, extra: &str) -> String {
    format!(
        "prometheus.scrape \"t\" {{\n\ttargets = [{{\"__address__\" = \"127.0.0.1:{metrics}\"}}]\n\
         \tscrape_interval = \"300ms\"\n\tscrape_timeout = \"200ms\"\n\
         \tforward_to = [prometheus.remote_write.out.receiver]\n}}\n\n\
         prometheus.remote_write \"out\" {{\n\tendpoint {{\n\t\turl = \"{url}\"\n\
         \t\tqueue_config {{\n\t\t\tbatch_send_deadline = \"50ms\"\n\t\t}}\n\n{extra}\t}}\n}}\n"
    )
}

/// Waits until `check` holds; the test fails after 20 s.
pub async fn wait_for(what: &str, check: impl Fn() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < Duration::from_secs(20), "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs `scrape` (the body of a `prometheus.scrape` block, without
/// `forward_to`) until `done` holds for the samples received; the remote
/// write endpoint sends native histograms too.
pub async fn scrape_until(
    scrape: &str,
    done: impl Fn(&[Sample]) -> bool,
) -> (Vec<Sample>, Controller) {
    let (sink_port, got) = sink();
    let config = format!(
        "prometheus.scrape \"t\" {{\n{scrape}\tscrape_interval = \"300ms\"\n\tscrape_timeout = \"200ms\"\n\
         \tforward_to = [prometheus.remote_write.out.receiver]\n}}\n\n\
         prometheus.remote_write \"out\" {{\n\tendpoint {{\n\t\turl = \"http://127.0.0.1:{sink_port}/\"\n\
         \t\tsend_native_histograms = true\n\n\
         \t\tqueue_config {{\n\t\t\tbatch_send_deadline = \"50ms\"\n\t\t}}\n\t}}\n}}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let controller = start(config, dir.path());
    let started = Instant::now();
    loop {
        let samples = got.lock().unwrap().clone();
        if done(&samples) {
            return (samples, controller);
        }
        assert!(started.elapsed() < Duration::from_secs(20), "not reached; got {samples:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs `config` on a runtime of its own (for tests that set environment
/// variables before any thread starts) until `requests` holds `count`.
pub fn run_until_recorded(config: String, requests: &Mutex<Vec<String>>, count: usize) {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let controller = start(config, dir.path());
        wait_for("nothing was sent", || requests.lock().unwrap().len() >= count).await;
        controller.shutdown(Duration::from_secs(5)).await;
    });
}

/// Serves `bodies` in turn, one per request (the last one forever).
pub fn target(bodies: Vec<&'static str>) -> u16 {
    typed_target("text/plain; version=0.0.4", bodies)
}

/// `target` with another content type, such as OpenMetrics.
pub fn typed_target(content_type: &'static str, bodies: Vec<&'static str>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = bodies[i.min(bodies.len() - 1)];
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

/// A remote write receiver: every sample it is sent.
pub fn sink() -> (u16, Arc<Mutex<Vec<Sample>>>) {
    receiver(|body| proto::decode(body).expect("a remote write request"))
}

/// A remote write receiver that keeps each request whole (metadata too).
pub fn request_sink() -> (u16, Arc<Mutex<Vec<proto::WriteRequest>>>) {
    receiver(|body| {
        let bytes = snap::raw::Decoder::new().decompress_vec(body).expect("snappy");
        vec![prost::Message::decode(bytes.as_slice()).expect("a remote write request")]
    })
}

/// A remote write receiver keeping what `read` makes of each body.
fn receiver<T: Send + 'static>(read: fn(&[u8]) -> Vec<T>) -> (u16, Arc<Mutex<Vec<T>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let into = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let into = into.clone();
            std::thread::spawn(move || while serve_one(&stream, &into, read).is_some() {});
        }
    });
    (port, got)
}

fn serve_one<T>(
    stream: &std::net::TcpStream,
    into: &Mutex<Vec<T>>,
    read: fn(&[u8]) -> Vec<T>,
) -> Option<()> {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    into.lock().unwrap().extend(read(&body));
    let mut stream = stream;
    stream.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n").ok()
}

/// Answers every request with `response` (a whole HTTP response) and
/// keeps each request's head and body.
pub fn recorder(response: &'static str) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let into = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stream.read(&mut buf) {
                request.extend_from_slice(&buf[..n]);
                if complete(&request) {
                    break;
                }
            }
            into.lock().unwrap().push(String::from_utf8_lossy(&request).into_owned());
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (port, requests)
}

/// Whether `request` holds its whole head and `Content-Length` body.
fn complete(request: &[u8]) -> bool {
    let text = String::from_utf8_lossy(request);
    let Some((head, body)) = text.split_once("\r\n\r\n") else { return false };
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    body.len() >= length
}
