//! The `http` probe, as blackbox_exporter 0.23 runs it: resolve the
//! target's host to one address, send the request there (the URL's host
//! kept for `Host` and TLS), follow up to ten redirects, then judge the
//! final response (status, headers, body, HTTP version, TLS) and report
//! the exporter's `probe_http_*` families. This file runs those steps in
//! order; each has its own file: `http_request.rs` (requests and
//! redirects), `http_conn.rs` (one round trip), `http_response.rs` (the
//! checks), `http_metrics.rs` (what is reported).

use std::time::Instant;

use super::http::Settings;
use super::http_conn::{Answer, Tasks};
use super::http_metrics::{self, Metrics, PHASES};
use super::http_request::follow;
use super::http_response::judge;
use super::resolve;
use crate::exposition::Exposition;

/// Probes `target` (a URL; `http://` when it names no scheme). `host`:
/// the scrape's `hostname` parameter, which sets the `Host` header.
pub async fn probe(
    target: &str,
    s: &Settings,
    host: Option<&str>,
    deadline: Instant,
    out: &mut Exposition,
) -> Result<(), String> {
    let mut m = Metrics::default();
    let result = run(target, s, host, deadline, out, &mut m).await;
    m.write(out);
    result
}

async fn run(
    target: &str,
    s: &Settings,
    host: Option<&str>,
    deadline: Instant,
    out: &mut Exposition,
    m: &mut Metrics,
) -> Result<(), String> {
    let url = target_url(target)?;
    let name = url.host_str().unwrap_or_default().to_owned();
    m.phases[0] = Some(0.0);
    let (ip, lookup) = resolve::choose(&name, s.ip, deadline, out).await?;
    m.add(0, lookup);
    for phase in 1..PHASES.len() {
        m.add(phase, 0.0);
    }
    let mut tasks = Tasks::default();
    let mut chain = follow(url, ip, s, host, deadline, &mut tasks).await;
    let verdict = judge(&mut chain, s, deadline, m).await;
    http_metrics::phases(&chain.traces, m);
    final_tls(chain.answer.as_ref(), s, out, m)?;
    verdict
}

/// The target as a URL, `http://` added when it names no scheme.
fn target_url(target: &str) -> Result<url::Url, String> {
    let target = if target.starts_with("http://") || target.starts_with("https://") {
        target.to_owned()
    } else {
        format!("http://{target}")
    };
    url::Url::parse(&target).map_err(|e| format!("could not parse target URL: {e}"))
}

/// The final response's TLS: its certificates reported, then
/// `fail_if_ssl` / `fail_if_not_ssl` checked.
fn final_tls(
    answer: Option<&Answer>,
    s: &Settings,
    out: &mut Exposition,
    m: &mut Metrics,
) -> Result<(), String> {
    match answer {
        Some(Answer { tls: Some(report), .. }) => {
            m.ssl = 1.0;
            report.write(out);
            if s.fail_if_ssl {
                return Err("final request was over SSL".into());
            }
        }
        _ if s.fail_if_not_ssl => return Err("final request was not over SSL".into()),
        _ => {}
    }
    Ok(())
}
