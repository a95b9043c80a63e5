//! The `http` probe's requests: the first to the address the probe
//! resolved (named by the scrape's `hostname`, a configured `Host`
//! header or the URL), then each redirect followed as the exporter's
//! client follows it (at most ten, 301-303 turning into a GET). Each
//! request carries the module's headers and credentials; sending one is
//! `http_conn.rs`'s job.

use std::net::IpAddr;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Method, Response};

use super::http::Settings;
use super::http_auth::authorize;
use super::http_conn::{round_trip, Answer, Hop, Tasks, Trace};

/// The requests of one probe: their traces, the final answer (none when
/// a request failed) and whether the last one stopped at a redirect.
pub struct Chain {
    pub traces: Vec<Trace>,
    pub answer: Option<Answer>,
    pub error: Option<String>,
    /// The answer is a redirect not followed: its body is left unread.
    pub stopped: bool,
}

/// Sends the request to `url` (at `ip`) and follows its redirects.
pub async fn follow(
    mut url: url::Url,
    ip: IpAddr,
    s: &Settings,
    host: Option<&str>,
    deadline: Instant,
    tasks: &mut Tasks,
) -> Chain {
    let (authority, sni) = first_names(&url, s, host);
    let mut chain = Chain { traces: Vec::new(), answer: None, error: None, stopped: false };
    let (mut method, mut body) =
        (Method::from_bytes(s.method.as_bytes()).unwrap_or(Method::GET), s.body.clone());
    loop {
        let first = chain.traces.is_empty().then_some((ip, authority.as_str(), sni.as_str()));
        let hop = match hop(&url, first, s, &method, &body) {
            Ok(hop) => hop,
            Err(e) => break Chain { error: Some(e), ..chain },
        };
        let answer = match send(&mut chain, hop, s, deadline, tasks).await {
            Ok(answer) => answer,
            Err(e) => break Chain { error: Some(e), ..chain },
        };
        let Some(next) = redirect(&url, &answer.response) else {
            break Chain { answer: Some(answer), ..chain };
        };
        // The exporter counts the requests made when a redirect comes.
        if chain.traces.len() > 10 || !s.follow_redirects {
            break Chain { answer: Some(answer), stopped: true, ..chain };
        }
        if matches!(answer.response.status().as_u16(), 301..=303) && method != Method::HEAD {
            (method, body) = (Method::GET, String::new());
        }
        url = next;
    }
}

/// The first request's `Host` and TLS server name: the scrape's
/// `hostname`, else a configured `Host` header, else the URL's host.
fn first_names(url: &url::Url, s: &Settings, host: Option<&str>) -> (String, String) {
    let authority =
        host.map(str::to_owned).or_else(|| header(s, "host")).unwrap_or_else(|| host_of(url));
    let sni = authority.rsplit_once(':').map_or(authority.as_str(), |(h, _)| h).to_owned();
    (authority, sni)
}

/// The request to `url`: the first (`first`: its address, `Host` and
/// server name) goes to the address the probe resolved; a redirect's
/// names its URL's host, resolved when it is sent.
fn hop<'a>(
    url: &'a url::Url,
    first: Option<(IpAddr, &str, &str)>,
    s: &Settings,
    method: &Method,
    body: &str,
) -> Result<Hop<'a>, String> {
    let (ip, authority, sni) = match first {
        Some((ip, authority, sni)) => (Some(ip), authority.to_owned(), sni.to_owned()),
        None => (None, host_of(url), url.host_str().unwrap_or_default().to_owned()),
    };
    let request = build(s, url, &authority, method, body)?;
    Ok(Hop { url, ip, sni, request })
}

/// Sends one request, its trace kept in the chain whether or not it
/// was answered.
async fn send(
    chain: &mut Chain,
    hop: Hop<'_>,
    s: &Settings,
    deadline: Instant,
    tasks: &mut Tasks,
) -> Result<Answer, String> {
    let mut trace = Trace::default();
    let answer = round_trip(hop, &s.tls, s.http2, deadline, &mut trace, tasks).await;
    trace.response_start = answer.is_ok().then(Instant::now);
    chain.traces.push(trace);
    answer
}

fn host_of(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// A configured header's value (names compare without case).
fn header(s: &Settings, name: &str) -> Option<String> {
    s.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
}

/// Where a redirect response points, when it is one.
fn redirect(url: &url::Url, response: &Response<Incoming>) -> Option<url::Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get("location")?.to_str().ok()?;
    url.join(location).ok()
}

/// The request with the module's headers, `Host`, a `User-Agent` unless
/// one is configured, and the credentials.
fn build(
    s: &Settings,
    url: &url::Url,
    authority: &str,
    method: &Method,
    body: &str,
) -> Result<hyper::Request<Full<Bytes>>, String> {
    let path = &url[url::Position::BeforePath..url::Position::AfterQuery];
    let uri = format!("{}://{authority}{path}", url.scheme());
    let mut request = hyper::Request::builder().method(method.clone()).uri(uri);
    let headers = request.headers_mut().ok_or("invalid request")?;
    for (name, value) in s.headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("host")) {
        let name =
            hyper::header::HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
        headers.insert(name, HeaderValue::from_str(value).map_err(|e| e.to_string())?);
    }
    headers.insert("host", HeaderValue::from_str(authority).map_err(|e| e.to_string())?);
    if !headers.contains_key("user-agent") {
        let agent = concat!("Blackbox Exporter/", env!("CARGO_PKG_VERSION"), " (flow run)");
        headers.insert("user-agent", HeaderValue::from_static(agent));
    }
    authorize(&s.auth, headers)?;
    request.body(Full::new(Bytes::from(body.to_owned()))).map_err(|e| e.to_string())
}
