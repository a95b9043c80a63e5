//! The `http` probe's verdict on the final response, as the exporter
//! judges it: status code, header and body regular expressions (the
//! body decoded and capped at `body_size_limit`), HTTP version; the
//! values the checks read (status, lengths, version, `Last-Modified`)
//! are noted in the probe's metrics on the way.

use std::io::Read;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::HeaderMap;
use hyper::Response;

use super::http::{HeaderMatch, Settings};
use super::http_metrics::Metrics;
use super::http_request::Chain;
use super::resolve::within;

/// Judges the final response and reads its body, as the exporter.
pub async fn judge(
    chain: &mut Chain,
    s: &Settings,
    deadline: Instant,
    m: &mut Metrics,
) -> Result<(), String> {
    let made = chain.traces.len();
    m.redirects = if chain.stopped { made } else { made.saturating_sub(1) } as f64;
    let Some(answer) = chain.answer.as_mut() else {
        return Err(chain.error.clone().unwrap_or_else(|| "no response".into()));
    };
    let response = &mut answer.response;
    let verdict = head(response, s, m);
    let verdict = body(response, chain.stopped, verdict, s, deadline, m).await;
    if let Some(trace) = chain.traces.last_mut().filter(|_| !chain.stopped) {
        trace.end = Some(Instant::now());
    }
    m.last_modified = last_modified(response.headers());
    check_version(response.version(), s, m)?;
    verdict
}

/// The status code and header checks, and `Content-Length` noted.
fn head(response: &Response<Incoming>, s: &Settings, m: &mut Metrics) -> Result<(), String> {
    let status = response.status().as_u16();
    m.status = f64::from(status);
    let mut verdict = check_status(status, s);
    if verdict.is_ok() && !(s.header_matches.is_empty() && s.header_not_matches.is_empty()) {
        verdict = matches_headers(response.headers(), &s.header_matches, true)
            .and_then(|()| matches_headers(response.headers(), &s.header_not_matches, false));
        m.regex_failed = if verdict.is_ok() { 0.0 } else { 1.0 };
    }
    m.content_length = content_length(response.headers());
    verdict
}

/// `valid_status_codes`, any 2xx when none is configured.
fn check_status(status: u16, s: &Settings) -> Result<(), String> {
    if s.valid_status_codes.is_empty() {
        (200..300)
            .contains(&status)
            .then_some(())
            .ok_or(format!("invalid HTTP response status code {status}, wanted 2xx"))
    } else {
        s.valid_status_codes
            .contains(&status)
            .then_some(())
            .ok_or(format!("invalid HTTP response status code {status}"))
    }
}

/// `Last-Modified` in Unix seconds, when the response has a valid one.
fn last_modified(headers: &HeaderMap) -> Option<f64> {
    let modified = headers.get("last-modified").and_then(|v| v.to_str().ok())?;
    let time = httpdate::parse_http_date(modified).ok()?;
    Some(time.duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs() as f64))
}

/// The response's HTTP version, noted and checked against
/// `valid_http_versions` (any when none is configured).
fn check_version(version: hyper::Version, s: &Settings, m: &mut Metrics) -> Result<(), String> {
    let (proto, number) = match version {
        hyper::Version::HTTP_09 => ("HTTP/0.9", 0.9),
        hyper::Version::HTTP_10 => ("HTTP/1.0", 1.0),
        hyper::Version::HTTP_2 => ("HTTP/2.0", 2.0),
        hyper::Version::HTTP_3 => ("HTTP/3.0", 3.0),
        _ => ("HTTP/1.1", 1.1),
    };
    m.version = number;
    if !s.valid_http_versions.is_empty() && !s.valid_http_versions.iter().any(|v| v == proto) {
        return Err(format!("invalid HTTP version number {proto}"));
    }
    Ok(())
}

/// `Content-Length` as Go reports it: -1 when the response has none.
fn content_length(headers: &HeaderMap) -> f64 {
    headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(-1.0, |n| n as f64)
}

/// Reads (unless the chain stopped at a redirect) and checks the body.
async fn body(
    response: &mut Response<Incoming>,
    stopped: bool,
    mut verdict: Result<(), String>,
    s: &Settings,
    deadline: Instant,
    m: &mut Metrics,
) -> Result<(), String> {
    let regexes = !(s.body_matches.is_empty() && s.body_not_matches.is_empty());
    if stopped {
        // The exporter's client has closed a redirect's body: a body
        // check cannot read it.
        if verdict.is_ok() && regexes {
            m.regex_failed = 1.0;
            return Err("error reading HTTP body: the redirect was not followed".into());
        }
        return verdict;
    }
    let (body, error) = match read_body(response, deadline).await {
        Ok(raw) => decode(&raw, &s.compression, s.body_size_limit),
        Err(e) => (Vec::new(), Some(e)),
    };
    if verdict.is_ok() && regexes {
        verdict = match &error {
            Some(e) => Err(format!("error reading HTTP body: {e}")),
            None => match_body(&body, s),
        };
        m.regex_failed = if verdict.is_ok() { 0.0 } else { 1.0 };
    }
    m.body_length = body.len() as f64;
    match error {
        Some(e) => verdict.and(Err(e)),
        None => verdict,
    }
}

/// `fail_if_body_matches_regexp` and `fail_if_body_not_matches_regexp`.
fn match_body(body: &[u8], s: &Settings) -> Result<(), String> {
    let text = String::from_utf8_lossy(body);
    if let Some(re) = s.body_matches.iter().find(|re| re.is_match(&text)) {
        return Err(format!("body matched regular expression {re}"));
    }
    if let Some(re) = s.body_not_matches.iter().find(|re| !re.is_match(&text)) {
        return Err(format!("body did not match regular expression {re}"));
    }
    Ok(())
}

/// One list of header matchers: fails on a match (`fail_if_header_matches`)
/// or on no match (`fail_if_header_not_matches`) among the header's values.
fn matches_headers(
    headers: &HeaderMap,
    matchers: &[HeaderMatch],
    fail_on_match: bool,
) -> Result<(), String> {
    for m in matchers {
        let values: Vec<&str> =
            headers.get_all(m.header.as_str()).iter().filter_map(|v| v.to_str().ok()).collect();
        if values.is_empty() {
            if m.allow_missing {
                continue;
            }
            return Err(format!("missing required header {:?}", m.header));
        }
        let any = values.iter().any(|v| m.regex.is_match(v));
        if fail_on_match && any {
            return Err(format!("header {:?} matched regular expression {}", m.header, m.regex));
        }
        if !fail_on_match && !any {
            return Err(format!(
                "header {:?} did not match regular expression {}",
                m.header, m.regex
            ));
        }
    }
    Ok(())
}

/// The body decoded as `compression` says, at most `limit` bytes of it
/// (0: no limit); an error past the limit or on bad data, with the bytes
/// read so far.
fn decode(raw: &[u8], compression: &str, limit: u64) -> (Vec<u8>, Option<String>) {
    let reader: Box<dyn Read + '_> = match compression {
        "gzip" => Box::new(flate2::read::GzDecoder::new(raw)),
        "deflate" => Box::new(flate2::read::DeflateDecoder::new(raw)),
        "br" => Box::new(brotli_decompressor::Decompressor::new(raw, 4096)),
        _ => Box::new(raw),
    };
    let cap = if limit == 0 { u64::MAX } else { limit.saturating_add(1) };
    let mut body = Vec::new();
    let result = reader.take(cap).read_to_end(&mut body);
    if limit != 0 && body.len() as u64 > limit {
        body.truncate(limit as usize);
        return (body, Some("http: request body too large".into()));
    }
    (body, result.err().map(|e| format!("failed to read HTTP response body: {e}")))
}

async fn read_body(response: &mut Response<Incoming>, deadline: Instant) -> Result<Bytes, String> {
    let collected = within(deadline, response.body_mut().collect()).await?;
    Ok(collected.to_bytes())
}
