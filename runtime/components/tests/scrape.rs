//! `prometheus.scrape` against loopback targets, its samples delivered by
//! `prometheus.remote_write` to a receiver in the test: the limits, the
//! extra report series, and which series get staleness markers.

mod support;

use std::sync::Arc;
use std::time::Duration;

use river_runtime::controller::Controller;
use river_runtime::series::{is_stale, Sample};
use support::{json_answer, recorder, scrape_until, target};

fn name(sample: &Sample) -> &str {
    sample.labels.get("__name__").unwrap_or_default()
}

fn values<'a>(samples: &'a [Sample], metric: &'a str) -> impl Iterator<Item = f64> + 'a {
    samples.iter().filter(move |s| name(s) == metric).map(|s| s.value)
}

fn last_error(controller: &Controller) -> String {
    let info = controller.components().into_iter().find(|c| c.id == "prometheus.scrape.t").unwrap();
    info.debug_info.unwrap()["targets"][0]["last_error"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn extra_metrics_report_the_limits_and_the_body_size() {
    const BODY: &str = "a 1\nb 2\n";
    let port = target(vec![BODY]);
    let scrape = format!(
        "\ttargets = [{{\"__address__\" = \"127.0.0.1:{port}\"}}]\n\textra_metrics = true\n\tsample_limit = 50\n"
    );
    let (samples, controller) =
        scrape_until(&scrape, |s| values(s, "scrape_body_size_bytes").next().is_some()).await;
    assert_eq!(values(&samples, "scrape_body_size_bytes").next(), Some(BODY.len() as f64));
    assert_eq!(values(&samples, "scrape_sample_limit").next(), Some(50.0));
    assert_eq!(values(&samples, "scrape_timeout_seconds").next(), Some(0.2));
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn series_with_their_own_timestamps_get_no_staleness_marker_by_default() {
    let port = target(vec!["a 1\nb 2 1700000000000\n", "other 3\n"]);
    let scrape = format!("\ttargets = [{{\"__address__\" = \"127.0.0.1:{port}\"}}]\n");
    let (samples, controller) =
        scrape_until(&scrape, |s| s.iter().any(|x| name(x) == "a" && is_stale(x.value))).await;
    assert!(
        !samples.iter().any(|x| name(x) == "b" && is_stale(x.value)),
        "b carried its own timestamp and must not be marked stale"
    );
    controller.shutdown(Duration::from_secs(5)).await;

    let port = target(vec!["a 1\nb 2 1700000000000\n", "other 3\n"]);
    let scrape = format!(
        "\ttargets = [{{\"__address__\" = \"127.0.0.1:{port}\"}}]\n\ttrack_timestamps_staleness = true\n"
    );
    let (_, controller) =
        scrape_until(&scrape, |s| s.iter().any(|x| name(x) == "b" && is_stale(x.value))).await;
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_series_over_a_label_limit_fails_the_whole_scrape() {
    let port = target(vec!["ok 1\nwide{x=\"1\",y=\"2\"} 1\n"]);
    let scrape =
        format!("\ttargets = [{{\"__address__\" = \"127.0.0.1:{port}\"}}]\n\tlabel_limit = 4\n");
    let (samples, controller) = scrape_until(&scrape, |s| values(s, "up").next().is_some()).await;
    assert_eq!(values(&samples, "up").next(), Some(0.0));
    assert!(values(&samples, "ok").next().is_none(), "no sample of a failed scrape is sent");
    assert!(last_error(&controller).starts_with("label_limit exceeded: wide has 5 labels"));
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn more_targets_than_target_limit_fail_every_scrape() {
    let (one, two) = (target(vec!["a 1\n"]), target(vec!["a 1\n"]));
    let scrape = format!(
        "\ttargets = [{{\"__address__\" = \"127.0.0.1:{one}\"}}, {{\"__address__\" = \"127.0.0.1:{two}\"}}]\n\ttarget_limit = 1\n"
    );
    let (samples, controller) = scrape_until(&scrape, |s| values(s, "up").count() >= 2).await;
    assert!(values(&samples, "up").all(|up| up == 0.0));
    assert_eq!(last_error(&controller), "target_limit exceeded: 2 targets, the limit is 1");
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oauth2_tokens_are_fetched_once_and_sent_as_bearer() {
    let (token_port, token_requests) = recorder(json_answer(
        r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}"#,
    ));
    let (target_port, target_requests) =
        recorder("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\na 1\n");
    let scrape = format!(
        "\ttargets = [{{\"__address__\" = \"127.0.0.1:{target_port}\"}}]\n\
         \toauth2 {{\n\t\tclient_id = \"id\"\n\t\tclient_secret = \"s3cret\"\n\
         \t\ttoken_url = \"http://127.0.0.1:{token_port}/token\"\n\t\tscopes = [\"read\", \"write\"]\n\
         \t\tendpoint_params = {{\"audience\" = \"metrics\"}}\n\t}}\n"
    );
    let (samples, controller) = scrape_until(&scrape, |s| values(s, "up").count() >= 2).await;
    assert!(values(&samples, "up").all(|up| up == 1.0), "{:?}", last_error(&controller));
    let targets = target_requests.lock().unwrap().clone();
    assert!(targets.iter().all(|r| r.contains("authorization: Bearer tok-1")), "{targets:?}");
    let tokens = token_requests.lock().unwrap().clone();
    assert_eq!(tokens.len(), 1, "the token is kept between scrapes: {tokens:?}");
    // id:s3cret in basic auth, and the grant with its scopes and params.
    assert!(tokens[0].contains("authorization: Basic aWQ6czNjcmV0"), "{}", tokens[0]);
    assert!(
        tokens[0].ends_with("grant_type=client_credentials&scope=read+write&audience=metrics"),
        "{}",
        tokens[0]
    );
    controller.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn proxy_connect_headers_go_to_the_proxy() {
    let (proxy_port, requests) =
        recorder("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let scrape = format!(
        "\ttargets = [{{\"__address__\" = \"metrics.example:9100\"}}]\n\tscheme = \"https\"\n\
         \tproxy_url = \"http://127.0.0.1:{proxy_port}\"\n\
         \tproxy_connect_header = {{\"X-Proxy-Token\" = [\"one\", \"two\"]}}\n"
    );
    let (_, controller) = scrape_until(&scrape, |s| values(s, "up").next().is_some()).await;
    let connect = requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(connect.starts_with("connect metrics.example:9100 "), "{connect}");
    assert!(
        connect.contains("x-proxy-token: one\r\n") && connect.contains("x-proxy-token: two\r\n"),
        "{connect}"
    );
    controller.shutdown(Duration::from_secs(5)).await;
}

/// Serves `body` over TLS with the test certificate, which is for
/// `metrics.internal` (tests/data/tls, signed by its `ca.pem`).
async fn tls_target(body: &'static str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls");
    let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_server_name_verifies_the_certificate_for_that_name() {
    let port = tls_target("a 1\n").await;
    let ca = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls/ca.pem");
    let scrape = |server_name: &str| {
        format!(
            "\ttargets = [{{\"__address__\" = \"127.0.0.1:{port}\"}}]\n\tscheme = \"https\"\n\
             \ttls_config {{\n\t\tca_file = {:?}\n{server_name}\t}}\n",
            ca.display().to_string()
        )
    };
    // Reached by address, the certificate (for metrics.internal) fails...
    let (samples, controller) =
        scrape_until(&scrape(""), |s| values(s, "up").next().is_some()).await;
    assert_eq!(values(&samples, "up").next(), Some(0.0));
    controller.shutdown(Duration::from_secs(5)).await;
    // ...and passes when verified for the name it was issued to.
    let named = scrape("\t\tserver_name = \"metrics.internal\"\n");
    let (samples, controller) = scrape_until(&named, |s| values(s, "up").next().is_some()).await;
    assert_eq!(values(&samples, "up").next(), Some(1.0), "{}", last_error(&controller));
    assert_eq!(values(&samples, "a").next(), Some(1.0));
    controller.shutdown(Duration::from_secs(5)).await;
}
