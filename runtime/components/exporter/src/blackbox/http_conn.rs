//! One HTTP request of a probe on a connection of its own (keep-alives
//! off, as the exporter's client), with the moments the exporter's
//! `probe_http_duration_seconds` phases are measured between: name
//! resolved, connected, TLS handshake, connection ready, first response
//! byte (here: the response head), body read.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::Response;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

use super::resolve::within;
use super::tls::{Report, Tls};

/// The moments of one round trip (`None`: not reached).
#[derive(Debug, Default)]
pub struct Trace {
    pub tls: bool,
    pub start: Option<Instant>,
    pub dns_done: Option<Instant>,
    pub connect_done: Option<Instant>,
    pub tls_start: Option<Instant>,
    pub tls_done: Option<Instant>,
    pub got_conn: Option<Instant>,
    pub response_start: Option<Instant>,
    pub end: Option<Instant>,
}

/// Where and how to send one request.
pub struct Hop<'a> {
    pub url: &'a url::Url,
    /// The address to dial (the first request's, resolved by the probe);
    /// `None`: resolve the URL's host now.
    pub ip: Option<IpAddr>,
    /// The TLS server name when no `server_name` is configured.
    pub sni: String,
    pub request: hyper::Request<Full<Bytes>>,
}

/// The connection tasks of a probe, stopped when it ends.
#[derive(Default)]
pub struct Tasks(Vec<JoinHandle<()>>);

impl Drop for Tasks {
    fn drop(&mut self) {
        self.0.iter().for_each(JoinHandle::abort);
    }
}

pub struct Answer {
    pub response: Response<Incoming>,
    pub tls: Option<Report>,
}

/// Sends `hop`'s request, noting its moments in `trace`.
pub async fn round_trip(
    hop: Hop<'_>,
    tls: &Tls,
    http2: bool,
    deadline: Instant,
    trace: &mut Trace,
    tasks: &mut Tasks,
) -> Result<Answer, String> {
    let addr = address(&hop, deadline, trace).await?;
    let stream = within(deadline, TcpStream::connect(addr))
        .await
        .map_err(|e| format!("dial tcp {addr}: {e}"))?;
    trace.connect_done = Some(Instant::now());
    if hop.url.scheme() != "https" {
        trace.got_conn = Some(Instant::now());
        let response = send(stream, false, hop.request, deadline, tasks).await?;
        return Ok(Answer { response, tls: None });
    }
    trace.tls = true;
    trace.tls_start = Some(Instant::now());
    let alpn: &[&[u8]] = if http2 { &[b"h2", b"http/1.1"] } else { &[b"http/1.1"] };
    let stream = within(deadline, async { tls.connect(stream, &hop.sni, alpn).await }).await?;
    let now = Instant::now();
    trace.tls_done = Some(now);
    trace.got_conn = Some(now);
    let (_, conn) = stream.get_ref();
    let report = Report::of(conn, tls.verify);
    let h2 = conn.alpn_protocol() == Some(b"h2");
    let response = send(stream, h2, hop.request, deadline, tasks).await?;
    Ok(Answer { response, tls: Some(report) })
}

/// The socket address to dial: the given address, or the URL's host
/// resolved now (the resolve phase of a redirect).
async fn address(
    hop: &Hop<'_>,
    deadline: Instant,
    trace: &mut Trace,
) -> Result<SocketAddr, String> {
    let port = hop.url.port_or_known_default().unwrap_or(80);
    let start = Instant::now();
    trace.start = Some(start);
    let ip = match hop.ip {
        Some(ip) => ip,
        None => {
            let host = hop.url.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned();
            match host.parse::<IpAddr>() {
                Ok(ip) => ip,
                Err(_) => within(deadline, tokio::net::lookup_host((host.as_str(), port)))
                    .await
                    .map_err(|e| format!("lookup {host}: {e}"))?
                    .next()
                    .ok_or_else(|| format!("lookup {host}: no address"))?
                    .ip(),
            }
        }
    };
    trace.dns_done = Some(Instant::now());
    Ok(SocketAddr::new(ip, port))
}

/// Sends the request over `io` (HTTP/2 when `h2`), the connection driven
/// by a task the probe stops when it ends.
async fn send<S>(
    io: S,
    h2: bool,
    request: hyper::Request<Full<Bytes>>,
    deadline: Instant,
    tasks: &mut Tasks,
) -> Result<Response<Incoming>, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let io = TokioIo::new(io);
    let request = prepare(request, h2)?;
    if h2 {
        let (mut sender, conn) =
            within(deadline, hyper::client::conn::http2::handshake(TokioExecutor::new(), io))
                .await?;
        tasks.0.push(tokio::spawn(async move {
            let _ = conn.await;
        }));
        within(deadline, sender.send_request(request)).await
    } else {
        let handshake =
            hyper::client::conn::http1::Builder::new().title_case_headers(true).handshake(io);
        let (mut sender, conn) = within(deadline, handshake).await?;
        tasks.0.push(tokio::spawn(async move {
            let _ = conn.await;
        }));
        within(deadline, sender.send_request(request)).await
    }
}

/// The request as the protocol spoken on the connection carries it.
fn prepare(
    mut request: hyper::Request<Full<Bytes>>,
    h2: bool,
) -> Result<hyper::Request<Full<Bytes>>, String> {
    if h2 {
        // HTTP/2 names the host in the URI's authority and has no
        // connection headers.
        request.headers_mut().remove("host");
        request.headers_mut().remove("connection");
    } else {
        // HTTP/1.1 sends the path, the host in `Host`; no keep-alive.
        let path = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
        *request.uri_mut() =
            path.parse().map_err(|e: hyper::http::uri::InvalidUri| e.to_string())?;
        request
            .headers_mut()
            .insert("connection", hyper::header::HeaderValue::from_static("close"));
    }
    Ok(request)
}
