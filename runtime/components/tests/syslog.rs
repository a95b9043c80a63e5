//! `loki.source.syslog` on loopback: RFC 5424 messages over TCP (both
//! framings), TLS and UDP reach a Loki endpoint through `loki.write`
//! with the labels the reference gives them; what does not parse is
//! counted and dropped, and a reload keeps a listener's socket.

use std::io::Write;
use std::net::{TcpStream, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

mod support;

use river_runtime::controller::{plan, Controller, Source};
use river_runtime::logs::Entry;
use support::loki::{free_port, recorder, Got};

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A syslog component with `listeners` (block bodies), forwarding with
/// `rules` to a `loki.write` that pushes to `sink`.
fn config(listeners: &[String], rules: &str, sink: u16) -> String {
    let mut out = String::from("loki.source.syslog \"s\" {\n");
    for listener in listeners {
        out += &format!("\tlistener {{\n{listener}\t}}\n");
    }
    out += &format!("\tforward_to = [loki.write.out.receiver]\n{rules}}}\n\n");
    out += &format!(
        "loki.write \"out\" {{\n\tendpoint {{\n\t\turl = \"http://127.0.0.1:{sink}/loki/api/v1/push\"\n\
         \t\tbatch_wait = \"50ms\"\n\t}}\n}}\n"
    );
    out
}

fn listener(port: u16, extra: &str) -> String {
    format!("\t\taddress = \"127.0.0.1:{port}\"\n{extra}")
}

/// Rules that keep the `__syslog_*` labels a test looks at.
const KEEP: &str = "\trelabel_rules = loki.relabel.keep.rules\n}\n\n\
    loki.relabel \"keep\" {\n\tforward_to = []\n\
    \trule {\n\t\taction = \"labelmap\"\n\t\tregex = \"__syslog_(.+)\"\n\t}\n\
    \trule {\n\t\taction = \"drop\"\n\t\tsource_labels = [\"__syslog_message_app_name\"]\n\
    \t\tregex = \"noisy\"\n\t}\n";

async fn lines(got: &Got, count: usize) -> Vec<Entry> {
    support::wait_for(&format!("{count} lines arrive"), || got.lock().unwrap().len() >= count)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    got.lock().unwrap().iter().map(|(_, e)| e.clone()).collect()
}

fn find<'a>(entries: &'a [Entry], line: &str) -> &'a Entry {
    entries.iter().find(|e| e.line == line).unwrap_or_else(|| panic!("{line:?} in {entries:?}"))
}

fn start(config: String, dir: &std::path::Path) -> Controller {
    support::start(config, dir)
}

#[tokio::test(flavor = "multi_thread")]
async fn tcp_and_udp_messages_arrive_with_the_references_labels() {
    let (tcp, udp) = (free_port(), free_udp_port());
    let (sink, got) = recorder();
    let listeners = [
        listener(
            tcp,
            "\t\tlabels = {\"via\" = \"tcp\"}\n\t\tlabel_structured_data = true\n\
                       \t\tuse_incoming_timestamp = true\n",
        ),
        listener(
            udp,
            "\t\tprotocol = \"udp\"\n\t\tlabels = {\"via\" = \"udp\"}\n\
                       \t\tuse_rfc5424_message = true\n",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let controller = start(config(&listeners, KEEP, sink), dir.path());

    let mut conn = TcpStream::connect(("127.0.0.1", tcp)).unwrap();
    let counted = "<165>1 2003-10-11T22:14:15.003Z host.example app 42 ID7 \
                   [meta@32473 ip=\"1.2.3.4\"] first line";
    write!(conn, "{} {counted}", counted.len()).unwrap();
    let second = "<13>1 - - noisy - - - never forwarded";
    write!(conn, "{} {second}", second.len()).unwrap();
    drop(conn);
    let mut conn = TcpStream::connect(("127.0.0.1", tcp)).unwrap();
    conn.write_all(b"<14>1 - h app - - - newline framed\nnot syslog\n<14>1 - h app - - - \n")
        .unwrap();
    drop(conn);
    let datagram = "<11>1 2024-01-02T03:04:05Z h udpapp - - - over udp";
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .send_to(datagram.as_bytes(), ("127.0.0.1", udp))
        .unwrap();

    let got = lines(&got, 3).await;
    assert_eq!(got.len(), 3, "{got:?}");
    let first = find(&got, "first line");
    // 127.0.0.1's name is the machine's own business (localhost, as a
    // rule): it ends with the dot of Go's lookups.
    let host = first.labels.get("connection_hostname").expect("a name for 127.0.0.1");
    assert!(host.ends_with('.') && host.len() > 1, "{host}");
    let mut rest = first.labels.clone();
    rest.remove("connection_hostname");
    let labels = |e: &river_runtime::labels::Labels| e.to_string();
    assert_eq!(
        labels(&rest),
        "{connection_ip_address=\"127.0.0.1\", \
         message_app_name=\"app\", message_facility=\"local4\", message_hostname=\"host.example\", \
         message_msg_id=\"ID7\", message_proc_id=\"42\", message_sd_meta_32473_ip=\"1.2.3.4\", \
         message_severity=\"notice\", via=\"tcp\"}"
    );
    assert_eq!(first.timestamp_ns(), 1_065_910_455_003_000_000, "the message's own time");
    let newline = find(&got, "newline framed");
    assert_eq!(newline.labels.get("message_facility"), Some("user"));
    assert_eq!(newline.labels.get("message_sd_meta_32473_ip"), None);
    // UDP: the whole message is the line, and the address has its port
    // (as the reference labels it), so no host name is found for it.
    let udp_entry = find(&got, datagram);
    assert_eq!(udp_entry.labels.get("via"), Some("udp"));
    assert!(udp_entry.labels.get("connection_ip_address").unwrap().starts_with("127.0.0.1:"));
    assert_eq!(udp_entry.labels.get("connection_hostname"), None);
    assert!(udp_entry.timestamp_ns() > 1_700_000_000_000_000_000, "the time received");

    let info = controller.components().into_iter().find(|c| c.id == "loki.source.syslog.s");
    let info = info.unwrap().debug_info.unwrap();
    assert_eq!(info["listeners_info"][0]["listen_address"], format!("127.0.0.1:{tcp}"));
    assert_eq!(info["listeners_info"][1]["labels"], "{via=\"udp\"}");
    let metrics = controller.globals().gatherer.render();
    let value = |name: &str| metrics.lines().find(|l| l.starts_with(name)).map(str::to_owned);
    // `not syslog`; and the message of nothing after `newline framed`.
    let errors = value("loki_source_syslog_parsing_errors_total{").unwrap();
    assert!(errors.ends_with(" 1"), "{errors}");
    let empty = value("loki_source_syslog_empty_messages_total{").unwrap();
    assert!(empty.ends_with(" 1"), "{empty}");
    let entries = value("loki_source_syslog_entries_total{").unwrap();
    assert!(entries.ends_with(" 3"), "{entries}");
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_listeners_take_tls_clients_and_refuse_others() {
    let tls_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls");
    let (plain_tls, mutual) = (free_port(), free_port());
    let (sink, got) = recorder();
    let files = |ca: bool| {
        let mut block = format!(
            "\t\ttls_config {{\n\t\t\tcert_file = {:?}\n\t\t\tkey_file = {:?}\n",
            tls_dir.join("server.pem").display().to_string(),
            tls_dir.join("server.key").display().to_string(),
        );
        if ca {
            block +=
                &format!("\t\t\tca_file = {:?}\n", tls_dir.join("ca.pem").display().to_string());
        }
        block + "\t\t}\n"
    };
    let listeners = [listener(plain_tls, &files(false)), listener(mutual, &files(true))];
    let dir = tempfile::tempdir().unwrap();
    let controller = start(config(&listeners, "", sink), dir.path());

    assert!(send_tls(plain_tls, &tls_dir, "<14>1 - h a - - - over tls\n").await.is_ok());
    let got_lines = lines(&got, 1).await;
    assert_eq!(got_lines[0].line, "over tls");
    // With a CA, a client without a certificate is refused.
    let refused = send_tls(mutual, &tls_dir, "<14>1 - h a - - - no certificate\n").await;
    assert!(refused.is_err(), "a client without a certificate was served");
    // Plain TCP to a TLS listener is no syslog.
    let mut conn = TcpStream::connect(("127.0.0.1", plain_tls)).unwrap();
    conn.write_all(b"<14>1 - h a - - - plain\n").unwrap();
    drop(conn);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(got.lock().unwrap().len(), 1);
    controller.shutdown(Duration::from_secs(5)).await;
}

/// Writes `text` over TLS (trusting the test CA, for the certificate's
/// name) and reads until the server closes; an error when the server
/// refuses the handshake.
async fn send_tls(port: u16, tls_dir: &std::path::Path, text: &str) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_file(tls_dir.join("ca.pem")).unwrap()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let name = ServerName::try_from("metrics.internal").unwrap();
    let mut tls = connector.connect(name, tcp).await?;
    tls.write_all(text.as_bytes()).await?;
    tls.flush().await?;
    // A refused client certificate shows on the first read (TLS 1.3).
    let mut buf = [0u8; 16];
    match tokio::time::timeout(Duration::from_millis(500), tls.read(&mut buf)).await {
        Ok(Err(e)) => Err(e),
        _ => tls.shutdown().await,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_keeps_a_listeners_socket_and_a_taken_port_is_refused_in_place() {
    let (tcp, sink_pair) = (free_port(), recorder());
    let (sink, got) = sink_pair;
    let dir = tempfile::tempdir().unwrap();
    let one = [listener(tcp, "\t\tlabels = {\"v\" = \"1\"}\n")];
    let controller = start(config(&one, "", sink), dir.path());
    let mut conn = TcpStream::connect(("127.0.0.1", tcp)).unwrap();
    conn.write_all(b"<14>1 - h a - - - before\n").unwrap();
    lines(&got, 1).await;

    let reload = |listeners: &[String]| {
        let text = config(listeners, "", sink);
        controller
            .reload(plan(&[Source::text("config.river", text)], river_components::ALL).unwrap())
    };
    reload(&[listener(tcp, "\t\tlabels = {\"v\" = \"2\"}\n")]).unwrap();
    // The same connection goes on, with the new labels.
    conn.write_all(b"<14>1 - h a - - - after\n").unwrap();
    let got_lines = lines(&got, 2).await;
    assert_eq!(find(&got_lines, "after").labels.get("v"), Some("2"));

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = taken.local_addr().unwrap().port();
    let refused = reload(&[listener(tcp, ""), listener(busy, "")]).unwrap_err();
    let message = format!("{refused:?}");
    assert!(
        message.contains("listener[1]/address") && message.contains("cannot listen"),
        "{message}"
    );
    // Nothing changed: the first listener still serves with its labels.
    conn.write_all(b"<14>1 - h a - - - still\n").unwrap();
    let got_lines = lines(&got, 3).await;
    assert_eq!(find(&got_lines, "still").labels.get("v"), Some("2"));
    controller.shutdown(Duration::from_secs(5)).await;
}

#[test]
fn a_udp_listener_with_tls_is_refused_at_the_setting() {
    let tls_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls");
    let block = format!(
        "\t\tprotocol = \"udp\"\n\t\ttls_config {{\n\t\t\tcert_file = {:?}\n\t\t\tkey_file = {:?}\n\t\t}}\n",
        tls_dir.join("server.pem").display().to_string(),
        tls_dir.join("server.key").display().to_string(),
    );
    let text = config(&[listener(free_udp_port(), &block)], "", free_port());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let refused = runtime.block_on(async {
        let plan = plan(&[Source::text("config.river", text)], river_components::ALL).unwrap();
        Controller::start(plan, support::globals(dir.path())).map(|_| ()).unwrap_err()
    });
    let message = format!("{refused:?}");
    assert!(message.contains("TLS needs a TCP listener"), "{message}");
}
