//! One `endpoint` block of `loki.write`: where to push, how to batch, how
//! to retry, and the HTTP client (authentication, TLS, proxy) to do it
//! with.

use std::time::Duration;

use indexmap::IndexMap;

use river_runtime::args::Args;
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;

pub struct Endpoint {
    pub url: String,
    /// The `host` label of the metrics: the URL's host and port.
    pub host: String,
    pub name: String,
    pub headers: IndexMap<String, String>,
    pub batch_wait: Duration,
    /// Bytes of lines a batch holds before it is sent.
    pub batch_size: usize,
    pub tenant_id: String,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// 0: retry until the push goes through or the endpoint stops.
    pub max_retries: u64,
    pub retry_on_429: bool,
    /// Bytes of lines the queue holds while waiting to be batched.
    pub capacity: usize,
    /// How long a stopping endpoint may take to push what it holds.
    pub drain_timeout: Duration,
    pub client: HttpClient,
}

impl Endpoint {
    pub fn from_args(block: &Args, index: usize) -> Result<Endpoint, Error> {
        let url: String = block.require("url")?;
        let parsed = reqwest::Url::parse(&url)
            .map_err(|e| block.invalid("url", format!("{url:?} is not a URL: {e}")))?;
        let host = match parsed.port() {
            Some(port) => format!("{}:{port}", parsed.host_str().unwrap_or_default()),
            None => parsed.host_str().unwrap_or_default().to_owned(),
        };
        let name: String = block.get("name")?;
        let queue = block.block_or_empty("queue_config");
        let size = |args: &Args, setting: &str| -> Result<usize, Error> {
            let text: String = args.get(setting)?;
            Ok(parse_bytes(&text).map_err(|e| args.invalid(setting, e.to_string()))? as usize)
        };
        let remote_timeout: Duration = block.get("remote_timeout")?;
        Ok(Endpoint {
            name: if name.is_empty() { format!("endpoint-{index}") } else { name },
            host,
            headers: block.get("headers")?,
            batch_wait: block.get("batch_wait")?,
            batch_size: size(block, "batch_size")?,
            tenant_id: block.get("tenant_id")?,
            min_backoff: block.get("min_backoff_period")?,
            max_backoff: block.get("max_backoff_period")?,
            max_retries: block.get("max_backoff_retries")?,
            retry_on_429: block.get("retry_on_http_429")?,
            capacity: size(&queue, "capacity")?,
            drain_timeout: queue.get("drain_timeout")?,
            client: HttpClient::from_args(block, remote_timeout)?,
            url,
        })
    }
}

/// A size that is not one, as the reference reads `batch_size` and
/// `capacity` (Go's `units.Base2Bytes`: `KB` and `KiB` are both 1024 bytes).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a size such as \"1MiB\" or \"512KB\"")]
pub struct NotASize(String);

pub fn parse_bytes(text: &str) -> Result<u64, NotASize> {
    river_analyzer::go::units::parse_base2_bytes(text).ok_or_else(|| NotASize(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn sizes_as_the_reference_reads_them() {
        assert_eq!(parse_bytes("1MiB"), Ok(1 << 20));
        assert_eq!(parse_bytes("10MB"), Ok(10 << 20));
        assert_eq!(parse_bytes("1.5KiB"), Ok(1536));
        assert!(parse_bytes("42").unwrap_err().to_string().contains("not a size"));
        assert!(parse_bytes("1XB").unwrap_err().to_string().contains("not a size"));
    }
}
