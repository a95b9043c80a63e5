//! `discovery.marathon`: the tasks of Marathon's apps as targets, one per
//! port, as Prometheus's Marathon discovery makes them: `GET
//! <server>/v2/apps/?embed=apps.tasks` from one of `servers` (picked at
//! random each round) every `refresh_interval`, with the app's, the
//! port mapping's or port definition's labels.

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

/// The DC/OS token: given inline, or read from its file for each request.
enum Token {
    Inline(String),
    File(String),
}

struct Settings {
    servers: Vec<String>,
    token: Option<Token>,
    client: HttpClient,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let servers: Vec<String> = args.require("servers")?;
    if servers.is_empty() {
        return Err(args.invalid("servers", "needs at least one Marathon server").into());
    }
    let inline = args.opt::<Secret>("auth_token")?.filter(|t| !t.0.is_empty());
    let file = args.opt::<String>("auth_token_file")?.filter(|f| !f.is_empty());
    let token = match (inline, file) {
        (Some(_), Some(_)) => {
            let why = "at most one of auth_token and auth_token_file can be set";
            return Err(args.invalid("auth_token_file", why).into());
        }
        (Some(t), None) => Some(Token::Inline(t.0.to_string())),
        (None, Some(f)) => {
            std::fs::read(&f).map_err(|e| Error::file(&f, e))?;
            Some(Token::File(f))
        }
        (None, None) => None,
    };
    if token.is_some() {
        let others = ["basic_auth", "authorization"].iter().any(|b| args.block(b).is_some());
        let bearer = ["bearer_token", "bearer_token_file"]
            .iter()
            .any(|n| args.opt::<String>(n).ok().flatten().is_some_and(|v| !v.is_empty()));
        if others || bearer {
            let why = "an auth token cannot be set with basic_auth, a bearer token or \
                       authorization, as Prometheus refuses them";
            return Err(args.invalid("auth_token", why).into());
        }
    }
    let refresh: Duration = args.get("refresh_interval")?;
    Ok(Settings { servers, token, client: HttpClient::from_args(args, refresh)? })
}

/// `discovery.marathon`.
pub const DISCOVERY_MARATHON: Registration = Registration {
    name: "discovery.marathon",
    build: refresh::build::<Marathon>,
    without_effect: &[],
};

#[derive(Default)]
struct Marathon;

impl Discover for Marathon {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        let server = &settings.servers[random_index(settings.servers.len())];
        let url = format!("{}/v2/apps/?embed=apps.tasks", server.trim_end_matches('/'));
        let token = match &settings.token {
            Some(Token::Inline(t)) => Some(t.clone()),
            Some(Token::File(f)) => {
                Some(std::fs::read_to_string(f).map_err(|e| Error::file(f, e))?.trim().to_owned())
            }
            None => None,
        };
        let header = token.map(|t| format!("token={t}"));
        let headers: Vec<(&str, &str)> =
            header.as_deref().map(|h| ("Authorization", h)).into_iter().collect();
        let apps: AppList = api::get_json(&settings.client, &url, &headers).await?;
        Ok(apps.apps.iter().flat_map(targets_of).collect::<Vec<_>>().into())
    }
}

/// A server picked as Prometheus picks one, at random.
fn random_index(len: usize) -> usize {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as usize);
    nanos % len
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AppList {
    apps: Vec<App>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct App {
    id: String,
    tasks: Vec<Task>,
    labels: BTreeMap<String, String>,
    container: Container,
    port_definitions: Vec<PortDefinition>,
    networks: Vec<Network>,
    require_ports: bool,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Task {
    id: String,
    host: String,
    ports: Vec<u32>,
    ip_addresses: Vec<IpAddress>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct IpAddress {
    ip_address: String,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Container {
    docker: Docker,
    port_mappings: Vec<PortMapping>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Docker {
    image: String,
    port_mappings: Vec<PortMapping>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct PortMapping {
    labels: BTreeMap<String, String>,
    container_port: u32,
    host_port: u32,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PortDefinition {
    labels: BTreeMap<String, String>,
    port: u32,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Network {
    mode: String,
}

/// One target per task and port, as Prometheus's `targetsForApp`.
fn targets_of(app: &App) -> Vec<Labels> {
    let container_net = app.networks.first().is_some_and(|n| n.mode == "container");
    let mapping = |m: &PortMapping| if container_net { m.container_port } else { m.host_port };
    let (mut ports, labels, prefix): (Vec<u32>, Vec<&BTreeMap<String, String>>, &str) =
        if !app.container.port_mappings.is_empty() {
            let m = &app.container.port_mappings;
            (m.iter().map(mapping).collect(), m.iter().map(|m| &m.labels).collect(), MAPPING)
        } else if !app.container.docker.port_mappings.is_empty() {
            let m = &app.container.docker.port_mappings;
            (m.iter().map(mapping).collect(), m.iter().map(|m| &m.labels).collect(), MAPPING)
        } else if !app.port_definitions.is_empty() {
            let d = &app.port_definitions;
            // Without requirePorts, the definition's port is the service
            // port: the listening one is the task's.
            let port = |d: &PortDefinition| if app.require_ports { d.port } else { 0 };
            (d.iter().map(port).collect(), d.iter().map(|d| &d.labels).collect(), DEFINITION)
        } else {
            (Vec::new(), Vec::new(), "")
        };
    let mut group = vec![
        ("__meta_marathon_app".to_owned(), app.id.clone()),
        ("__meta_marathon_image".to_owned(), app.container.docker.image.clone()),
    ];
    group.extend(
        app.labels
            .iter()
            .map(|(k, v)| (format!("__meta_marathon_app_label_{}", sanitize_name(k)), v.clone())),
    );
    let mut targets = Vec::new();
    for task in &app.tasks {
        if ports.is_empty() && !task.ports.is_empty() {
            ports = task.ports.clone();
        }
        for (i, &port) in ports.iter().enumerate() {
            let port =
                if port == 0 && task.ports.len() == ports.len() { task.ports[i] } else { port };
            let host = match task.ip_addresses.first() {
                Some(ip) if container_net => ip.ip_address.as_str(),
                _ => task.host.as_str(),
            };
            let mut pairs = group.clone();
            pairs.push(("__address__".into(), join_host_port(host, &port.to_string())));
            pairs.push(("__meta_marathon_task".into(), task.id.clone()));
            pairs.push(("__meta_marathon_port_index".into(), i.to_string()));
            if let Some(port_labels) = labels.get(i) {
                pairs.extend(
                    port_labels
                        .iter()
                        .map(|(k, v)| (format!("{prefix}{}", sanitize_name(k)), v.clone())),
                );
            }
            targets.push(Labels::from_pairs(pairs));
        }
    }
    targets
}

const MAPPING: &str = "__meta_marathon_port_mapping_label_";
const DEFINITION: &str = "__meta_marathon_port_definition_label_";
