//! `discovery.kuma`: the dataplanes a Kuma control plane assigns to be
//! monitored, as targets, as Prometheus's Kuma discovery finds them: its
//! MADS v1 API over xDS REST (`POST <server>/v3/discovery:monitoringassignments`
//! with a JSON `DiscoveryRequest`), a long poll that the server holds up
//! to `fetch_timeout` while nothing changes. A request starts every
//! `refresh_interval`, or at once after one the server held longer. Each
//! carries the version and nonce of the last answer used, so the server
//! answers 304 Not Modified (the targets stay) or the whole new set. Each
//! target of each `MonitoringAssignment` is labelled as `kuma.go` labels
//! it. A failed request keeps the last targets, the component unhealthy.

use std::future::Future;
use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::{with_causes, Error};
use river_runtime::http_client::HttpClient;
use river_runtime::labels::Labels;

use crate::api;
use crate::refresh::{self, Discover, Found};

mod mads;

use mads::{targets_of, DiscoveryRequest, DiscoveryResponse, Node, TYPE_URL};

/// The type of the resources the MADS v1 API serves.
/// The xDS resource path under the server (`v3/discovery:<type>`).
const RESOURCE_PATH: &str = "v3/discovery:monitoringassignments";
/// What the HTTP timeout allows beyond `fetch_timeout` for the
/// connection, as Prometheus allows.
const OVERHEAD: Duration = Duration::from_secs(15);

struct Settings {
    url: String,
    client: HttpClient,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let server: String = args.require("server")?;
    let fetch_timeout: Duration = args.get("fetch_timeout")?;
    if fetch_timeout.is_zero() {
        return Err(args.invalid("fetch_timeout", "must be greater than 0").into());
    }
    let mut url = endpoint(&server).map_err(|why| args.invalid("server", why))?;
    // As Prometheus's client: this query replaces the server's own.
    let query = format!("fetch-timeout={}", prometheus_duration(fetch_timeout));
    url.set_query(Some(&query));
    let client = HttpClient::from_args(args, fetch_timeout + OVERHEAD)?;
    Ok(Settings { url: url.to_string(), client })
}

/// The resource's URL under `server`, which must be an http(s) URL.
fn endpoint(server: &str) -> Result<reqwest::Url, String> {
    let invalid = || format!("kuma SD server must not be empty and have a scheme: {server}");
    let mut url = reqwest::Url::parse(server).map_err(|_| invalid())?;
    if !url.has_host() {
        return Err(invalid());
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err("invalid xDS server URL protocol. must be either 'http' or 'https'".into());
    }
    let base = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{base}/{RESOURCE_PATH}"));
    Ok(url)
}

/// A duration as Prometheus writes one (`model.Duration`): `2m`, `1m30s`,
/// `1d`, `1w` (weeks and years only when exact), `0s`.
fn prometheus_duration(duration: Duration) -> String {
    let mut ms = duration.as_millis();
    if ms == 0 {
        return "0s".into();
    }
    const DAY: u128 = 86_400_000;
    let units = [("y", 365 * DAY, true), ("w", 7 * DAY, true), ("d", DAY, false)];
    let units = units.into_iter().chain([
        ("h", 3_600_000, false),
        ("m", 60_000, false),
        ("s", 1_000, false),
        ("ms", 1, false),
    ]);
    let mut text = String::new();
    for (unit, size, exact) in units {
        if (exact && !ms.is_multiple_of(size)) || ms < size {
            continue;
        }
        text.push_str(&format!("{}{unit}", ms / size));
        ms %= size;
    }
    text
}

/// `discovery.kuma`.
pub const DISCOVERY_KUMA: Registration =
    Registration { name: "discovery.kuma", build: refresh::build::<Kuma>, without_effect: &[] };

/// What is kept between requests: the client's ID, the version and nonce
/// of the last answer used (for the server they came from), its targets,
/// and when the last request started.
#[derive(Default)]
struct Kuma {
    client_id: Option<String>,
    started: Option<tokio::time::Instant>,
    asked_of: String,
    version_info: String,
    nonce: String,
    last: Vec<Labels>,
}

impl Discover for Kuma {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        self.started = Some(tokio::time::Instant::now());
        if self.asked_of != settings.url {
            // Another server knows nothing of the last one's versions.
            (self.version_info, self.nonce) = (String::new(), String::new());
            self.asked_of = settings.url.clone();
        }
        let node_id = match &self.client_id {
            Some(id) => id.clone(),
            None => self.client_id.insert(client_id().await).clone(),
        };
        let Some(answer) = self.fetch(settings, node_id).await? else {
            return Ok(self.last.clone().into());
        };
        let targets = targets_of(&answer).map_err(|why| Error::remote(&settings.url, why))?;
        // Only an answer that was used counts as the version held: one
        // that could not be would otherwise be answered with 304 forever.
        (self.version_info, self.nonce) = (answer.version_info, answer.nonce);
        self.last = targets.clone();
        Ok(targets.into())
    }

    /// As Prometheus's ticker: a request starts every interval, and one
    /// the server held longer (a long poll) is followed by the next at once.
    fn until_next(&mut self, interval: Duration) -> impl Future<Output = ()> + Send + '_ {
        let due = self.started.map(|started| started + interval);
        tokio::time::sleep_until(due.unwrap_or_else(tokio::time::Instant::now))
    }
}

impl Kuma {
    /// The server's answer; `None` when it has nothing newer (304).
    async fn fetch(
        &self,
        settings: &Settings,
        node_id: String,
    ) -> Result<Option<DiscoveryResponse>, Error> {
        let url = &settings.url;
        let request = DiscoveryRequest {
            version_info: &self.version_info,
            node: Node { id: node_id },
            type_url: TYPE_URL,
            response_nonce: &self.nonce,
        };
        let body = serde_json::to_vec(&request).map_err(|e| Error::invalid(e.to_string()))?;
        let request = settings
            .client
            .http
            .post(url)
            .header("User-Agent", concat!("flow-runtime/", env!("CARGO_PKG_VERSION")))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .body(body);
        let response = api::send(&settings.client, request, url).await?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        if status != reqwest::StatusCode::OK {
            let why = format!("non 200 status '{}' response during xDS fetch", status.as_u16());
            return Err(Error::remote(url, why));
        }
        let body = response.bytes().await.map_err(|e| Error::remote(url, with_causes(&e)))?;
        let answer = serde_json::from_slice(&body);
        answer.map(Some).map_err(|e| Error::remote(url, format!("unexpected answer: {e}")))
    }
}

/// The client's ID the server knows it by: this host's fully qualified
/// name, as Prometheus's `osutil.GetFQDN` finds it (the host name's
/// addresses, each asked back for its name, the first answer as given),
/// else the host name, else `prometheus`.
async fn client_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
    let Some(host) = host else { return "prometheus".into() };
    fqdn(&host).await.unwrap_or(host)
}

async fn fqdn(host: &str) -> Option<String> {
    use hickory_resolver::proto::rr::RData;
    let addresses = tokio::net::lookup_host((host, 0)).await.ok()?;
    let mut builder = hickory_resolver::Resolver::builder_tokio().ok()?;
    builder.options_mut().timeout = Duration::from_secs(2);
    builder.options_mut().attempts = 1;
    let resolver = builder.build().ok()?;
    // Go's order: each address's IPv4 form first (Go asks twice for it).
    let mut ips: Vec<_> = addresses.map(|a| a.ip()).collect();
    ips.sort_by_key(|ip| !ip.is_ipv4());
    for ip in ips {
        let Ok(answer) = resolver.reverse_lookup(ip).await else { continue };
        let name = answer.answers().iter().find_map(|r| match &r.data {
            RData::PTR(ptr) => Some(ptr.0.to_string()),
            _ => None,
        });
        if name.is_some() {
            return name;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_as_prometheus_writes_them() {
        let cases = [
            (0, "0s"),
            (1_500, "1s500ms"),
            (120_000, "2m"),
            (90_000, "1m30s"),
            (86_400_000, "1d"),
            (7 * 86_400_000, "1w"),
            (8 * 86_400_000, "8d"),
            (365 * 86_400_000, "1y"),
        ];
        for (ms, text) in cases {
            assert_eq!(prometheus_duration(Duration::from_millis(ms)), text);
        }
    }

    #[test]
    fn the_resource_url_is_under_the_servers_path() {
        let url = |s: &str| endpoint(s).map(|u| u.to_string());
        let path = "v3/discovery:monitoringassignments";
        assert_eq!(url("http://kuma:5676"), Ok(format!("http://kuma:5676/{path}")));
        assert_eq!(url("https://kuma/mads/"), Ok(format!("https://kuma/mads/{path}")));
        assert!(url("kuma:5676").is_err());
        assert!(url("ftp://kuma").is_err());
        assert!(url("").is_err());
    }

    #[test]
    fn requests_are_written_as_protobufs_json() {
        let request = DiscoveryRequest {
            version_info: "",
            node: Node { id: "host".into() },
            type_url: TYPE_URL,
            response_nonce: "",
        };
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(json, format!(r#"{{"node":{{"id":"host"}},"type_url":"{TYPE_URL}"}}"#));
    }

    #[test]
    fn answers_of_another_type_are_refused() {
        let answer: DiscoveryResponse =
            serde_json::from_str(r#"{"typeUrl":"type.googleapis.com/some.api.v1.Monitoring"}"#)
                .unwrap();
        assert!(targets_of(&answer).unwrap_err().contains("invalid typeURL"));
        let empty: DiscoveryResponse =
            serde_json::from_str(&format!(r#"{{"type_url":"{TYPE_URL}","resources":null}}"#))
                .unwrap();
        assert_eq!(targets_of(&empty), Ok(Vec::new()));
        let other = format!(
            r#"{{"type_url":"{TYPE_URL}","resources":[{{"@type":"type.googleapis.com/x.Y"}}]}}"#
        );
        let other: DiscoveryResponse = serde_json::from_str(&other).unwrap();
        assert!(targets_of(&other).is_err());
    }
}
