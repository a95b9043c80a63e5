//! `prometheus.receive_http`'s server settings (the `http` block) and its
//! metrics under the reference's names.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

mod support;

use river_runtime::controller::Controller;
use river_runtime::globals::Globals;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(http: &str) -> (Controller, std::sync::Arc<Globals>, u16, tempfile::TempDir) {
    let port = free_port();
    let config = format!(
        "prometheus.receive_http \"in\" {{\n\thttp {{\n\t\tlisten_address = \"127.0.0.1\"\n\t\tlisten_port = {port}\n{http}\t}}\n\tforward_to = []\n}}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let controller = support::start(config, dir.path());
    let globals = controller.globals().clone();
    (controller, globals, port, dir)
}

/// The value of a metric line starting with `prefix`, waiting for it to
/// become `want`.
async fn wait_for_metric(globals: &Globals, prefix: &str, want: &str) {
    let start = Instant::now();
    loop {
        let text = globals.gatherer.render();
        let value = text.lines().find(|l| l.starts_with(prefix)).and_then(|l| l.rsplit(' ').next());
        if value == Some(want) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{prefix} is {value:?}, not {want}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn conn_limit_holds_further_connections_back() {
    let (controller, globals, port, _dir) = start("\t\tconn_limit = 1\n");
    let gauge = "prometheus_receive_http_tcp_connections{";
    let first = TcpStream::connect(("127.0.0.1", port)).unwrap();
    wait_for_metric(&globals, gauge, "1").await;
    // The second connection waits in the backlog: its request gets no
    // answer while the first is open.
    let mut second = TcpStream::connect(("127.0.0.1", port)).unwrap();
    second.write_all(b"GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    second.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let mut response = String::new();
    assert!(second.read_to_string(&mut response).is_err(), "answered over the limit: {response}");
    drop(first);
    second.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    second.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    drop(second);
    wait_for_metric(&globals, gauge, "0").await;
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_connection_is_closed_after_server_idle_timeout() {
    let (controller, _globals, port, _dir) = start("\t\tserver_idle_timeout = \"300ms\"\n");
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 16];
    // The server closes: a read returns end of file, well before 5 s.
    assert_eq!(conn.read(&mut buf).unwrap(), 0);
    assert!(started.elapsed() >= Duration::from_millis(250), "closed too early");
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_are_measured_in_the_reference_histograms() {
    let (controller, globals, port, _dir) = start("");
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let body = b"not protobuf";
    write!(
        conn,
        "POST /api/v1/metrics/write HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    conn.write_all(body).unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    let id = "component_id=\"prometheus.receive_http.in\"";
    wait_for_metric(
        &globals,
        &format!("prometheus_receive_http_request_duration_seconds_count{{{id}}}"),
        "1",
    )
    .await;
    wait_for_metric(
        &globals,
        &format!("prometheus_receive_http_request_message_bytes_sum{{{id}}}"),
        "12",
    )
    .await;
    controller.shutdown(Duration::from_secs(5)).await;
}
