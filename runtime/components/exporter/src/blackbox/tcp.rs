//! The `tcp` prober: connect (with TLS when `tls` is set), then run the
//! `query_response` dialogue line by line (`expect` a line matching a
//! regular expression, `send` a line with its captures expanded,
//! `starttls` to upgrade the connection), as blackbox_exporter 0.23.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::time::Instant;

use regex::Regex;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::resolve::{self, within};
use super::settings::{self, source_ip, IpProtocol};
use super::tls::{Report, Tls};
use super::yaml::{self, Fields};
use crate::exposition::Exposition;

pub const KEYS: &[&str] = &[
    "preferred_ip_protocol",
    "ip_protocol_fallback",
    "source_ip_address",
    "query_response",
    "tls",
    "tls_config",
];

#[derive(Debug)]
pub struct Settings {
    pub ip: IpProtocol,
    pub source: Option<IpAddr>,
    pub query_response: Vec<Step>,
    pub tls: bool,
    pub tls_config: Tls,
}

#[derive(Debug)]
pub struct Step {
    pub expect: Option<Regex>,
    pub send: String,
    pub starttls: bool,
}

impl Settings {
    pub fn read(f: &Fields) -> Result<Settings, String> {
        let name = f.name("query_response");
        let mut steps = Vec::new();
        for node in yaml::items(f.get("query_response"), &name)? {
            let step = Fields::of(node, &name, &["expect", "send", "starttls"])?;
            let expect = step
                .get("expect")
                .map(|n| settings::regex_of(n, &step.name("expect")))
                .transpose()?;
            steps.push(Step {
                expect: expect.filter(|re| !re.as_str().is_empty()),
                send: step.string("send")?,
                starttls: step.bool_or("starttls", false)?,
            });
        }
        Ok(Settings {
            ip: IpProtocol::read(f)?,
            source: source_ip(f)?,
            query_response: steps,
            tls: f.bool_or("tls", false)?,
            tls_config: Tls::read(f)?,
        })
    }
}

trait Stream: AsyncRead + AsyncWrite + Send {}
impl<T: AsyncRead + AsyncWrite + Send> Stream for T {}
type Conn = Pin<Box<dyn Stream>>;

/// Probes `target` (`host:port`).
pub async fn probe(
    target: &str,
    s: &Settings,
    deadline: Instant,
    out: &mut Exposition,
) -> Result<(), String> {
    let mut regex_failed = false;
    let result = run(target, s, deadline, out, &mut regex_failed).await;
    let failed = if regex_failed { 1.0 } else { 0.0 };
    out.gauge("probe_failed_due_to_regex", "Indicates if probe failed due to regex")
        .sample(&[], failed);
    result
}

async fn run(
    target: &str,
    s: &Settings,
    deadline: Instant,
    out: &mut Exposition,
    regex_failed: &mut bool,
) -> Result<(), String> {
    let (host, mut conn) = connect(target, s, deadline, out).await?;
    let mut lines = Lines::default();
    for step in &s.query_response {
        let send = expect(step, &mut lines, &mut conn, deadline, regex_failed).await?;
        if !send.is_empty() {
            let line = format!("{send}\n");
            within(deadline, conn.write_all(line.as_bytes()))
                .await
                .map_err(|e| format!("failed to send: {e}"))?;
        }
        if step.starttls {
            // As the exporter, what was read ahead is dropped with the
            // plain connection's reader.
            lines = Lines::default();
            let tls = within(deadline, s.tls_config.connect(conn, &host, &[])).await?;
            Report::of(tls.get_ref().1, s.tls_config.verify).write(out);
            conn = Box::pin(tls);
        }
    }
    Ok(())
}

/// The connection to `target` (TLS from the start when `tls` is set),
/// with the host name TLS is checked against.
async fn connect(
    target: &str,
    s: &Settings,
    deadline: Instant,
    out: &mut Exposition,
) -> Result<(String, Conn), String> {
    let (host, port) = resolve::split_host_port(target)?;
    let port = resolve::port(&port)?;
    let (ip, _) = resolve::choose(&host, s.ip, deadline, out).await?;
    let stream = dial(SocketAddr::new(ip, port), s.source, deadline).await?;
    let conn: Conn = if s.tls {
        let tls = within(deadline, s.tls_config.connect(stream, &host, &[])).await?;
        Report::of(tls.get_ref().1, s.tls_config.verify).write(out);
        Box::pin(tls)
    } else {
        Box::pin(stream)
    };
    Ok((host, conn))
}

/// A step's `expect` (when it has one) awaited, and the line it sends:
/// `send` with the matched line's captures expanded.
async fn expect(
    step: &Step,
    lines: &mut Lines,
    conn: &mut Conn,
    deadline: Instant,
    regex_failed: &mut bool,
) -> Result<String, String> {
    let mut send = step.send.clone();
    if let Some(re) = &step.expect {
        let found = lines.find(conn, re, deadline).await;
        *regex_failed = matches!(found, Err((_, true)));
        let line = found.map_err(|(e, _)| e)?;
        if let Some(caps) = re.captures(&line) {
            send.clear();
            caps.expand(&step.send, &mut send);
        }
    }
    Ok(send)
}

async fn dial(
    addr: SocketAddr,
    source: Option<IpAddr>,
    deadline: Instant,
) -> Result<TcpStream, String> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() };
    let socket = socket.map_err(|e| e.to_string())?;
    if let Some(source) = source {
        socket.bind(SocketAddr::new(source, 0)).map_err(|e| format!("bind {source}: {e}"))?;
    }
    within(deadline, socket.connect(addr)).await.map_err(|e| format!("dial tcp {addr}: {e}"))
}

/// Lines read from a connection, as Go's `bufio.Scanner` splits them.
#[derive(Default)]
struct Lines {
    buffer: Vec<u8>,
    eof: bool,
}

impl Lines {
    /// The first line matching `re`; the error says whether the regular
    /// expression failed (true) or reading did.
    async fn find(
        &mut self,
        conn: &mut Conn,
        re: &Regex,
        deadline: Instant,
    ) -> Result<String, (String, bool)> {
        loop {
            let Some(line) = self
                .next(conn, deadline)
                .await
                .map_err(|e| (format!("error reading from connection: {e}"), false))?
            else {
                return Err((format!("regexp {re} did not match any line"), true));
            };
            if re.is_match(&line) {
                return Ok(line);
            }
        }
    }

    async fn next(&mut self, conn: &mut Conn, deadline: Instant) -> Result<Option<String>, String> {
        loop {
            if let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
                let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(Some(String::from_utf8_lossy(&line).into_owned()));
            }
            if self.eof {
                if self.buffer.is_empty() {
                    return Ok(None);
                }
                let rest = std::mem::take(&mut self.buffer);
                return Ok(Some(String::from_utf8_lossy(&rest).into_owned()));
            }
            let mut chunk = [0u8; 4096];
            let n = within(deadline, conn.read(&mut chunk)).await?;
            self.eof = n == 0;
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }
}
