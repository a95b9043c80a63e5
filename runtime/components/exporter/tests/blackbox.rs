//! `prometheus.exporter.blackbox` built from a block as the controller
//! builds it, its targets read from its exports, and its probes scraped
//! through `Component::scrape` against servers this test runs on
//! loopback (HTTP, HTTPS, TCP, DNS) and ICMP to 127.0.0.1.

use std::sync::Arc;

use river_analyzer::Value;
use river_exporter::blackbox::EXPORTER_BLACKBOX;
use river_runtime::component::{Component, Ctx};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, UdpSocket};

fn data(name: &str) -> String {
    format!("{}/tests/data/blackbox/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn tls_data(name: &str) -> String {
    format!("{}/../tests/data/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn build(body: &str) -> (Result<Arc<dyn Component>, Error>, Ctx) {
    let config = format!("prometheus.exporter.blackbox \"test\" {{\n{body}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], &[EXPORTER_BLACKBOX]).unwrap();
    let args = evaluate_alone(&plan.nodes[0]).unwrap();
    let dir = std::env::temp_dir();
    let globals = Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.clone());
    let ctx = Ctx::detached("prometheus.exporter.blackbox.test", dir.join("bb"), globals);
    ((EXPORTER_BLACKBOX.build)(ctx.clone(), &args), ctx)
}

/// The component with `yaml` as its inline config and one target.
fn with_config(yaml: &str) -> Arc<dyn Component> {
    let body = format!("config = {yaml:?}\ntarget {{\n name = \"t\"\n address = \"x\"\n}}");
    build(&body).0.unwrap()
}

async fn scrape(
    component: &Arc<dyn Component>,
    target: &str,
    module: &str,
) -> Result<String, (u16, String)> {
    let query =
        vec![("target".to_owned(), target.to_owned()), ("module".to_owned(), module.to_owned())];
    component.scrape(&query).expect("an exporter").await.map_err(|e| (e.status, e.message))
}

/// The value of the sample `series` (name with its labels, as written).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn targets(ctx: &Ctx) -> Vec<Value> {
    let Value::Object(exports) = ctx.exports() else { panic!() };
    let Value::Array(targets) = exports["targets"].clone() else { panic!() };
    targets
}

fn label(target: &Value, name: &str) -> Option<String> {
    let Value::Object(labels) = target else { return None };
    match labels.get(name) {
        Some(Value::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

#[tokio::test]
async fn exports_one_target_per_block_with_the_references_labels() {
    let body = format!(
        "config_file = {:?}\ntarget {{\n name = \"web\"\n address = \"http://127.0.0.1:1\"\n module = \"http_2xx\"\n labels = {{ env = \"dev\", job = \"mine\" }}\n}}\ntarget {{\n name = \"raw\"\n address = \"127.0.0.1:1\"\n}}",
        data("modules.yml")
    );
    let (built, ctx) = build(&body);
    built.unwrap();
    let targets = targets(&ctx);
    assert_eq!(targets.len(), 2);
    let web = &targets[0];
    assert_eq!(
        label(web, "job").as_deref(),
        Some("integrations/blackbox/web"),
        "the exporter's job wins"
    );
    assert_eq!(label(web, "env").as_deref(), Some("dev"));
    assert_eq!(label(web, "__param_target").as_deref(), Some("http://127.0.0.1:1"));
    assert_eq!(label(web, "__param_module").as_deref(), Some("http_2xx"));
    assert_eq!(
        label(web, "__metrics_path__").as_deref(),
        Some("/api/v0/component/prometheus.exporter.blackbox.test/metrics")
    );
    assert_eq!(label(&targets[1], "__param_module"), None, "no module, no parameter");
}

#[tokio::test]
async fn refuses_bad_configs_with_their_place() {
    let refused = |body: &str| build(body).0.err().map(|e| e.to_string()).unwrap_or_default();
    let target = "target {\n name = \"t\"\n address = \"x\"\n}";
    let both = refused(&format!("config = \"modules: {{}}\"\nconfig_file = \"x\"\n{target}"));
    assert!(both.contains("config: config and config_file are mutually exclusive"), "{both}");
    let missing = refused(&format!("config_file = \"/nonexistent/bb.yml\"\n{target}"));
    assert!(missing.contains("/nonexistent/bb.yml"), "{missing}");
    let cases = [
        (
            "modules: {a: {prober: http, http: {bogus: 1}}}",
            "line 1: field `bogus` is not a setting of module \"a\".http",
        ),
        ("modules:\n  a:\n    prober: smtp\n", "line 3: module \"a\": unknown prober \"smtp\""),
        ("modules: {a: {prober: grpc}}", "grpc prober is not implemented"),
        (
            "modules: {a: {prober: http, http: {oauth2: {client_id: x}}}}",
            "oauth2 is not supported by flow run",
        ),
        (
            "modules: {a: {prober: http, http: {fail_if_body_matches_regexp: ['(']}}}",
            "could not compile regular expression",
        ),
        ("modules: {a: {prober: icmp, icmp: {ttl: 300}}}", "\"ttl\" cannot exceed 255"),
        ("modules: {a: {prober: dns}}", "query name must be set for DNS module"),
        (
            "modules: {a: {prober: dns, dns: {query_name: x, query_type: BOGUS}}}",
            "query type 'BOGUS' is not valid",
        ),
        (
            "modules: {a: {prober: dns, dns: {query_name: x, dns_over_tls: true}}}",
            "DNS over TLS is not implemented",
        ),
        ("modules: [", "config: invalid blackbox_exporter config: line"),
    ];
    for (yaml, wanted) in cases {
        let error = refused(&format!("config = {yaml:?}\n{target}"));
        assert!(error.contains(wanted), "{yaml}: {error}");
        assert!(error.starts_with("config: "), "placed on the attribute: {error}");
    }
}

#[tokio::test]
async fn a_secret_in_the_config_never_shows_in_an_error() {
    let yaml =
        "modules: {a: {prober: http, http: {bearer_token: hunter2, basic_auth: {username: u}}}}";
    let error =
        build(&format!("config = {yaml:?}\ntarget {{\n name = \"t\"\n address = \"x\"\n}}"))
            .0
            .err()
            .unwrap();
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[tokio::test]
async fn unknown_modules_and_missing_targets_are_bad_requests() {
    let component = with_config("modules: {http_2xx: {prober: http}}");
    let (status, message) = scrape(&component, "http://127.0.0.1:1", "nope").await.unwrap_err();
    assert_eq!((status, message.as_str()), (400, "Unknown module \"nope\""));
    let (status, message) = scrape(&component, "", "http_2xx").await.unwrap_err();
    assert_eq!((status, message.as_str()), (400, "Target parameter is missing"));
}

/// An HTTP/1.1 server answering `/` with 200 and a body, `/moved` with a
/// redirect to `/`, anything else with 404.
async fn http_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                let mut line = String::new();
                stream.read_line(&mut line).await.unwrap();
                let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
                loop {
                    let mut header = String::new();
                    if stream.read_line(&mut header).await.unwrap() <= 2 {
                        break;
                    }
                }
                let reply = match path.as_str() {
                    "/" => "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Kind: green\r\nConnection: close\r\n\r\nhello world".to_owned(),
                    "/moved" => "HTTP/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
                    _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
                };
                let _ = stream.get_mut().write_all(reply.as_bytes()).await;
            });
        }
    });
    port
}

#[tokio::test]
async fn http_probes_report_as_the_exporter() {
    let port = http_server().await;
    let component = with_config(
        "modules:\n  http_2xx: {prober: http, timeout: 5s}\n  body: {prober: http, http: {fail_if_body_not_matches_regexp: [world], fail_if_header_matches: [{header: X-Kind, regexp: red}]}}\n  nobody: {prober: http, http: {fail_if_body_matches_regexp: [hello]}}\n  stay: {prober: http, http: {no_follow_redirects: true, valid_status_codes: [302]}}\n  v10: {prober: http, http: {valid_http_versions: [HTTP/1.0]}}\n",
    );
    let ok = scrape(&component, &format!("127.0.0.1:{port}"), "").await.unwrap();
    assert_eq!(value(&ok, "probe_success"), Some(1.0), "{ok}");
    assert_eq!(value(&ok, "probe_http_status_code"), Some(200.0));
    assert_eq!(value(&ok, "probe_http_content_length"), Some(11.0));
    assert_eq!(value(&ok, "probe_http_uncompressed_body_length"), Some(11.0));
    assert_eq!(value(&ok, "probe_http_version"), Some(1.1));
    assert_eq!(value(&ok, "probe_ip_protocol"), Some(4.0), "falls back to IPv4");
    assert_eq!(value(&ok, "probe_http_ssl"), Some(0.0));
    for phase in ["resolve", "connect", "tls", "processing", "transfer"] {
        assert!(ok.contains(&format!("probe_http_duration_seconds{{phase=\"{phase}\"}}")), "{ok}");
    }
    let missing =
        scrape(&component, &format!("http://127.0.0.1:{port}/missing"), "http_2xx").await.unwrap();
    assert_eq!(value(&missing, "probe_success"), Some(0.0));
    assert_eq!(value(&missing, "probe_http_status_code"), Some(404.0));
    let body = scrape(&component, &format!("127.0.0.1:{port}"), "body").await.unwrap();
    assert_eq!(value(&body, "probe_success"), Some(1.0), "{body}");
    assert_eq!(value(&body, "probe_failed_due_to_regex"), Some(0.0));
    let nobody = scrape(&component, &format!("127.0.0.1:{port}"), "nobody").await.unwrap();
    assert_eq!(value(&nobody, "probe_success"), Some(0.0));
    assert_eq!(value(&nobody, "probe_failed_due_to_regex"), Some(1.0));
    let followed =
        scrape(&component, &format!("127.0.0.1:{port}/moved"), "http_2xx").await.unwrap();
    assert_eq!(value(&followed, "probe_success"), Some(1.0), "{followed}");
    assert_eq!(value(&followed, "probe_http_redirects"), Some(1.0));
    let stayed = scrape(&component, &format!("127.0.0.1:{port}/moved"), "stay").await.unwrap();
    assert_eq!(value(&stayed, "probe_success"), Some(1.0), "{stayed}");
    assert_eq!(value(&stayed, "probe_http_status_code"), Some(302.0));
    let version = scrape(&component, &format!("127.0.0.1:{port}"), "v10").await.unwrap();
    assert_eq!(value(&version, "probe_success"), Some(0.0), "HTTP/1.1 is not in the list");
    let closed = scrape(&component, "http://127.0.0.1:1/", "http_2xx").await.unwrap();
    assert_eq!(value(&closed, "probe_success"), Some(0.0));
    assert_eq!(value(&closed, "probe_http_status_code"), Some(0.0));
}

#[tokio::test]
async fn https_probes_report_the_certificate() {
    let port = https_server().await;
    let yaml = format!(
        "modules: {{tls: {{prober: http, http: {{fail_if_not_ssl: true, headers: {{Host: metrics.internal}}, tls_config: {{ca_file: {:?}}}}}}}}}",
        tls_data("ca.pem")
    );
    let component = with_config(&yaml);
    let text = scrape(&component, &format!("https://127.0.0.1:{port}/"), "tls").await.unwrap();
    assert_eq!(value(&text, "probe_success"), Some(1.0), "{text}");
    assert_eq!(value(&text, "probe_http_ssl"), Some(1.0));
    assert!(text.contains("subject=\"CN=metrics.internal\""), "{text}");
    assert!(text.contains("subjectalternative=\"metrics.internal\""), "{text}");
    assert!(value(&text, "probe_ssl_earliest_cert_expiry").unwrap() > 1.6e9, "{text}");
    assert!(text.contains("probe_tls_version_info{version=\"TLS 1.3\"} 1"), "{text}");
}

async fn https_server() -> u16 {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(tls_data("server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(tls_data("server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut stream) = acceptor.accept(stream).await else { return };
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test]
async fn tcp_probes_follow_the_query_response_dialogue() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                let _ = stream.get_mut().write_all(b"220 ready v7\r\n").await;
                let mut line = String::new();
                let _ = stream.read_line(&mut line).await;
                let reply = if line == "HELO 7\n" { "250 hi\n" } else { "500 what\n" };
                let _ = stream.get_mut().write_all(reply.as_bytes()).await;
            });
        }
    });
    let component = with_config(
        "modules:\n  tcp_connect: {prober: tcp}\n  talk: {prober: tcp, tcp: {query_response: [{expect: '^220 ready v(\\d+)', send: 'HELO ${1}'}, {expect: '^250'}]}}\n  wrong: {prober: tcp, timeout: 5s, tcp: {query_response: [{send: HELO}, {expect: '^999'}]}}\n",
    );
    let target = format!("127.0.0.1:{port}");
    let connect = scrape(&component, &target, "tcp_connect").await.unwrap();
    assert_eq!(value(&connect, "probe_success"), Some(1.0), "{connect}");
    let talk = scrape(&component, &target, "talk").await.unwrap();
    assert_eq!(value(&talk, "probe_success"), Some(1.0), "{talk}");
    // The server hangs up after its answer: no line matched.
    let wrong = scrape(&component, &target, "wrong").await.unwrap();
    assert_eq!(value(&wrong, "probe_success"), Some(0.0));
    assert_eq!(value(&wrong, "probe_failed_due_to_regex"), Some(1.0), "{wrong}");
    let closed = scrape(&component, "127.0.0.1:1", "tcp_connect").await.unwrap();
    assert_eq!(value(&closed, "probe_success"), Some(0.0));
    assert_eq!(value(&closed, "probe_ip_protocol"), Some(4.0));
}

/// A DNS server on UDP: `ok.test.` has an A record, any other name is
/// NXDOMAIN.
async fn dns_server() -> u16 {
    use hickory_proto::op::{Message, MessageType, ResponseCode};
    use hickory_proto::rr::{Name, RData, Record};
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut buffer = [0u8; 512];
        loop {
            let (n, peer) = socket.recv_from(&mut buffer).await.unwrap();
            let query = Message::from_vec(&buffer[..n]).unwrap();
            let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
            reply.metadata.message_type = MessageType::Response;
            let question = query.queries[0].clone();
            if question.name == Name::from_ascii("ok.test.").unwrap() {
                reply.answers.push(Record::from_rdata(
                    question.name.clone(),
                    60,
                    RData::A("10.0.0.1".parse().unwrap()),
                ));
            } else {
                reply.metadata.response_code = ResponseCode::NXDomain;
            }
            reply.add_query(question);
            socket.send_to(&reply.to_vec().unwrap(), peer).await.unwrap();
        }
    });
    port
}

#[tokio::test]
async fn dns_probes_check_rcodes_and_records() {
    let port = dns_server().await;
    let component = with_config(
        "modules:\n  ok: {prober: dns, dns: {query_name: ok.test, query_type: A, validate_answer_rrs: {fail_if_not_matches_regexp: ['ok\\.test\\.\\t60\\tIN\\tA\\t10\\.0\\.0\\.1']}}}\n  missing: {prober: dns, dns: {query_name: missing.test, query_type: A}}\n  nx: {prober: dns, dns: {query_name: missing.test, valid_rcodes: [NXDOMAIN]}}\n  wrongip: {prober: dns, dns: {query_name: ok.test, validate_answer_rrs: {fail_if_matches_regexp: ['10\\.0\\.0\\.1']}}}\n",
    );
    let target = format!("127.0.0.1:{port}");
    let ok = scrape(&component, &target, "ok").await.unwrap();
    assert_eq!(value(&ok, "probe_success"), Some(1.0), "{ok}");
    assert_eq!(value(&ok, "probe_dns_answer_rrs"), Some(1.0));
    assert_eq!(value(&ok, "probe_dns_query_succeeded"), Some(1.0));
    let missing = scrape(&component, &target, "missing").await.unwrap();
    assert_eq!(value(&missing, "probe_success"), Some(0.0), "{missing}");
    assert_eq!(value(&missing, "probe_dns_query_succeeded"), Some(1.0));
    let nx = scrape(&component, &target, "nx").await.unwrap();
    assert_eq!(value(&nx, "probe_success"), Some(1.0), "{nx}");
    let wrong = scrape(&component, &target, "wrongip").await.unwrap();
    assert_eq!(value(&wrong, "probe_success"), Some(0.0), "{wrong}");
}

#[tokio::test]
async fn icmp_probes_ping_loopback() {
    let component = with_config("modules: {icmp: {prober: icmp, timeout: 3s}, ttl: {prober: icmp, icmp: {ttl: 5, payload_size: 100}}}");
    for module in ["icmp", "ttl"] {
        let text = scrape(&component, "127.0.0.1", module).await.unwrap();
        assert_eq!(value(&text, "probe_success"), Some(1.0), "{module}: {text}");
        assert!(
            value(&text, "probe_icmp_duration_seconds{phase=\"rtt\"}").unwrap() > 0.0,
            "{text}"
        );
        assert!(value(&text, "probe_icmp_reply_hop_limit").is_some(), "{text}");
    }
}
