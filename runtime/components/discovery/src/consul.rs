//! `discovery.consul`: the instances of Consul services as targets, with
//! the `__meta_consul_*` labels of Prometheus's Consul discovery. Every
//! `refresh_interval` it asks the agent's datacenter once (unless
//! `datacenter` is set), the catalog's services (unless `services` names
//! them all and no `tags` filter them), and each wanted service's
//! instances with their health checks. Prometheus holds blocking queries
//! open instead, refreshing at most as often; the targets are the same.
//! A failed round keeps the last good targets, the component unhealthy
//! with the reason.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use river_analyzer::value::Secret;
use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;
use river_runtime::labels::{sanitize_name, Labels};

use crate::api;
use crate::dns::join_host_port;
use crate::refresh::{self, Discover, Found};

struct Settings {
    base: String,
    token: Option<String>,
    datacenter: String,
    /// `ns` and `partition`, when set.
    scope: Vec<(&'static str, String)>,
    tag_separator: String,
    allow_stale: bool,
    services: Vec<String>,
    tags: Vec<String>,
    node_meta: Vec<(String, String)>,
    client: HttpClient,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let server: String = args.get("server")?;
    if server.trim().is_empty() {
        return Err(args.invalid("server", "consul discovery needs a server address").into());
    }
    let scheme: String = args.get("scheme")?;
    if !matches!(scheme.as_str(), "http" | "https") {
        return Err(args
            .invalid("scheme", format!("must be http or https, not {scheme:?}"))
            .into());
    }
    let token = args.opt::<Secret>("token")?.filter(|t| !t.0.is_empty());
    if token.is_some() && (args.block("authorization").is_some() || args.block("oauth2").is_some())
    {
        let why = "at most one of token, authorization and oauth2 can be set, as in Prometheus";
        return Err(args.invalid("token", why).into());
    }
    let refresh: Duration = args.get("refresh_interval")?;
    let node_meta: indexmap::IndexMap<String, String> = args.get("node_meta")?;
    let mut scope = Vec::new();
    for (setting, param) in [("namespace", "ns"), ("partition", "partition")] {
        let value: String = args.get(setting)?;
        if !value.is_empty() {
            scope.push((param, value));
        }
    }
    Ok(Settings {
        base: format!("{scheme}://{server}"),
        token: token.map(|t| t.0.to_string()),
        datacenter: args.get("datacenter")?,
        scope,
        tag_separator: args.get("tag_separator")?,
        allow_stale: args.get("allow_stale")?,
        services: args.get("services")?,
        tags: args.get("tags")?,
        node_meta: node_meta.into_iter().collect(),
        client: client(args, refresh)?,
    })
}

/// The shared client, with the deprecated `username` and `password` as
/// its basic authentication; refused together with a `basic_auth` block,
/// as Prometheus refuses them.
fn client(args: &Args, refresh: Duration) -> Result<HttpClient, Error> {
    let username: String = args.get("username")?;
    let password = args.opt::<Secret>("password")?.filter(|p| !p.0.is_empty());
    let client = HttpClient::from_args(args, refresh.max(Duration::from_secs(10)))?;
    if username.is_empty() && password.is_none() {
        return Ok(client);
    }
    if args.block("basic_auth").is_some() {
        let why = "at most one of username and password, and basic_auth can be set";
        return Err(args.invalid("username", why).into());
    }
    Ok(client.with_basic_auth(username, password.map(|p| p.0.to_string())))
}

/// `discovery.consul`.
pub const DISCOVERY_CONSUL: Registration =
    Registration { name: "discovery.consul", build: refresh::build::<Consul>, without_effect: &[] };

/// The agent's datacenter, asked once for each server (when `datacenter`
/// is not set).
#[derive(Default)]
struct Consul {
    datacenter: Option<(String, String)>,
}

impl Discover for Consul {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        let dc = match &self.datacenter {
            Some((base, dc)) if *base == settings.base && settings.datacenter.is_empty() => {
                dc.clone()
            }
            _ => {
                let dc = agent_datacenter(settings).await?;
                self.datacenter = Some((settings.base.clone(), dc.clone()));
                dc
            }
        };
        discover(settings, &dc).await.map(Found::from)
    }
}

/// `datacenter`, or the agent's own (`/v1/agent/self`), as Prometheus
/// labels every target with it.
async fn agent_datacenter(settings: &Settings) -> Result<String, Error> {
    if !settings.datacenter.is_empty() {
        return Ok(settings.datacenter.clone());
    }
    let me: AgentSelf = get(settings, "/v1/agent/self", &[]).await?;
    Ok(me.config.datacenter)
}

/// Every wanted instance, as targets.
async fn discover(settings: &Settings, dc: &str) -> Result<Vec<Labels>, Error> {
    let names: Vec<String> = if settings.services.is_empty() || !settings.tags.is_empty() {
        let catalog: BTreeMap<String, Option<Vec<String>>> =
            get(settings, "/v1/catalog/services", &query(settings, false)).await?;
        catalog
            .into_iter()
            .filter(|(name, tags)| wanted(settings, name, tags.as_deref().unwrap_or_default()))
            .map(|(name, _)| name)
            .collect()
    } else {
        settings.services.clone()
    };
    let mut found = Vec::new();
    for name in names {
        let path = format!("/v1/health/service/{}", encode(&name));
        let entries: Vec<Entry> = get(settings, &path, &query(settings, true)).await?;
        let group = [("__meta_consul_service", name.as_str()), ("__meta_consul_dc", dc)];
        found.extend(entries.iter().map(|e| target(e, &settings.tag_separator, &group)));
    }
    Ok(found)
}

/// A service is wanted when `services` names it (or is empty) and it has
/// every one of `tags`.
fn wanted(settings: &Settings, name: &str, tags: &[String]) -> bool {
    (settings.services.is_empty() || settings.services.iter().any(|s| s == name))
        && settings.tags.iter().all(|t| tags.contains(t))
}

/// The query of a catalog or health request; `tags` filters instances.
/// The datacenter goes only when set (else the agent's own is asked), as
/// Consul's client sends it.
fn query(settings: &Settings, tags: bool) -> Vec<(&'static str, String)> {
    let mut query = Vec::new();
    if !settings.datacenter.is_empty() {
        query.push(("dc", settings.datacenter.clone()));
    }
    if settings.allow_stale {
        query.push(("stale", String::new()));
    }
    if tags {
        query.extend(settings.tags.iter().map(|t| ("tag", t.clone())));
    }
    query.extend(settings.node_meta.iter().map(|(k, v)| ("node-meta", format!("{k}:{v}"))));
    query.extend(settings.scope.iter().cloned());
    query
}

async fn get<T: serde::de::DeserializeOwned>(
    settings: &Settings,
    path: &str,
    query: &[(&'static str, String)],
) -> Result<T, Error> {
    let url = api::url(&settings.base, path, query);
    let token = settings.token.as_deref().map(|t| ("X-Consul-Token", t));
    api::get_json(&settings.client, &url, token.as_slice()).await
}

/// A path segment, escaped as Go's `url.PathEscape` would.
fn encode(segment: &str) -> String {
    form_urlencoded::byte_serialize(segment.as_bytes()).collect::<String>().replace('+', "%20")
}

#[derive(Deserialize)]
struct AgentSelf {
    #[serde(rename = "Config")]
    config: AgentConfig,
}

#[derive(Deserialize)]
struct AgentConfig {
    #[serde(rename = "Datacenter")]
    datacenter: String,
}

/// One instance, as `/v1/health/service/<name>` lists it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Entry {
    node: Node,
    service: Service,
    #[serde(default)]
    checks: Vec<Check>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Node {
    node: String,
    address: String,
    tagged_addresses: Option<BTreeMap<String, String>>,
    meta: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Service {
    #[serde(rename = "ID")]
    id: String,
    tags: Option<Vec<String>>,
    address: String,
    port: u16,
    meta: Option<BTreeMap<String, String>>,
    namespace: String,
    partition: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Check {
    #[serde(rename = "CheckID", default)]
    check_id: String,
    #[serde(default)]
    status: String,
}

/// An instance's labels, as Prometheus makes them (`group` are the
/// service's and datacenter's).
pub(crate) fn target(entry: &Entry, separator: &str, group: &[(&str, &str)]) -> Labels {
    let (node, service) = (&entry.node, &entry.service);
    let tags = service.tags.as_deref().unwrap_or_default().join(separator);
    let host = if service.address.is_empty() { &node.address } else { &service.address };
    let port = service.port.to_string();
    let mut pairs: Vec<(String, String)> = vec![
        ("__address__".into(), join_host_port(host, &port)),
        ("__meta_consul_address".into(), node.address.clone()),
        ("__meta_consul_node".into(), node.node.clone()),
        ("__meta_consul_namespace".into(), service.namespace.clone()),
        ("__meta_consul_partition".into(), service.partition.clone()),
        ("__meta_consul_tags".into(), format!("{separator}{tags}{separator}")),
        ("__meta_consul_service_address".into(), service.address.clone()),
        ("__meta_consul_service_port".into(), port),
        ("__meta_consul_service_id".into(), service.id.clone()),
        ("__meta_consul_health".into(), health(&entry.checks).into()),
    ];
    pairs.extend(prefixed("__meta_consul_metadata_", &node.meta));
    pairs.extend(prefixed("__meta_consul_service_metadata_", &service.meta));
    pairs.extend(prefixed("__meta_consul_tagged_address_", &node.tagged_addresses));
    pairs.extend(group.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
    Labels::from_pairs(pairs)
}

/// `map`'s pairs as labels named `prefix` and the sanitized key.
fn prefixed<'a>(
    prefix: &'a str,
    map: &'a Option<BTreeMap<String, String>>,
) -> impl Iterator<Item = (String, String)> + 'a {
    map.iter().flatten().map(move |(k, v)| (format!("{prefix}{}", sanitize_name(k)), v.clone()))
}

/// Consul's aggregated status of an instance's checks: maintenance, then
/// critical, then warning, else passing (and nothing for a status it does
/// not know).
fn health(checks: &[Check]) -> &'static str {
    let mut seen = [false; 3];
    let mut maintenance = false;
    for check in checks {
        if check.check_id == "_node_maintenance"
            || check.check_id.starts_with("_service_maintenance:")
        {
            maintenance = true;
            continue;
        }
        match check.status.as_str() {
            "passing" => seen[0] = true,
            "warning" => seen[1] = true,
            "critical" => seen[2] = true,
            _ => return "",
        }
    }
    match (maintenance, seen) {
        (true, _) => "maintenance",
        (_, [_, _, true]) => "critical",
        (_, [_, true, _]) => "warning",
        _ => "passing",
    }
}
