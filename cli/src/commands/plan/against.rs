//! Reading a running `flow run`'s components from its HTTP API, for
//! `flow plan --against`. Plain HTTP/1.1 over one connection per request:
//! the API listens on loopback or a private address.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use river_runtime::controller::against::RunningComponent;

/// Why the running components could not be read: the address asked and
/// what went wrong there.
#[derive(Debug, thiserror::Error)]
#[error("{url}: {why}")]
pub struct ApiError {
    pub url: String,
    pub why: String,
}

/// Every component the process at `address` (`host:port`, or with
/// `http://`) runs, with its arguments and exports.
pub fn components(address: &str) -> Result<Vec<RunningComponent>, ApiError> {
    let host = address.strip_prefix("http://").unwrap_or(address).trim_end_matches('/');
    if host.starts_with("https://") {
        return Err(ApiError { url: address.to_owned(), why: "only http:// is supported".into() });
    }
    let list = get(host, "/api/v0/web/components")?;
    let list = list.as_array().ok_or_else(|| ApiError {
        url: format!("http://{host}/api/v0/web/components"),
        why: "the API's answer is not a list".into(),
    })?;
    list.iter()
        .filter_map(|c| c["id"].as_str())
        .map(|id| {
            let detail = get(host, &format!("/api/v0/web/components/{id}"))?;
            Ok(RunningComponent {
                id: id.to_owned(),
                name: detail["name"].as_str().unwrap_or_default().to_owned(),
                arguments: detail["arguments"].clone(),
                exports: detail["exports"].clone(),
            })
        })
        .collect()
}

fn get(host: &str, path: &str) -> Result<serde_json::Value, ApiError> {
    let fail = |why: String| ApiError { url: format!("http://{host}{path}"), why };
    let mut stream = TcpStream::connect(host).map_err(|e| fail(e.to_string()))?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| fail(e.to_string()))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
        .map_err(|e| fail(e.to_string()))?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).map_err(|e| fail(e.to_string()))?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| fail("no HTTP answer".into()))?;
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    if status != "200" {
        return Err(fail(format!("answered {status}")));
    }
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        unchunk(body)
    } else {
        body.to_owned()
    };
    serde_json::from_str(&body).map_err(|e| fail(format!("not JSON: {e}")))
}

/// A chunked body's data.
fn unchunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else { break };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].strip_prefix("\r\n").unwrap_or(&after[size..]);
    }
    out
}
