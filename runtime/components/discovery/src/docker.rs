//! `discovery.docker`: a Docker daemon's running containers as targets,
//! as the Prometheus release the reference carries (2.5x before 2.54)
//! makes them: one target per network of each container and TCP port it
//! lists (the fallback `port`, or `host_networking_host` in host
//! networking, when it lists none), with the `__meta_docker_*` labels of
//! the container, its network and its port. Later Prometheus releases
//! added `match_first_network` and image labels; the reference has
//! neither, so neither is here.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;

use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::Error;
use river_runtime::labels::{sanitize_name, Labels};

use crate::dns::join_host_port;
use crate::engine::{network_labels, Engine};
use crate::refresh::{self, Discover, Found};

pub(crate) struct Settings {
    engine: Engine,
    port: u16,
    host_networking_host: String,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let refresh: Duration = args.get("refresh_interval")?;
    let port: i64 = args.get("port")?;
    let port = u16::try_from(port)
        .map_err(|_| args.invalid("port", format!("{port} is not a port number")))?;
    Ok(Settings {
        engine: Engine::from_args(args, refresh)?,
        port,
        host_networking_host: args.get("host_networking_host")?,
    })
}

/// `discovery.docker`.
pub const DISCOVERY_DOCKER: Registration =
    Registration { name: "discovery.docker", build: refresh::build::<Docker>, without_effect: &[] };

#[derive(Default)]
struct Docker;

impl Discover for Docker {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        let containers: Vec<Container> = settings.engine.get("/containers/json", true).await?;
        let networks = network_labels(&settings.engine, "__meta_docker_").await?;
        let mut found = Vec::new();
        for container in containers.iter().filter(|c| !c.names.is_empty()) {
            found.extend(targets(container, &networks, settings));
        }
        Ok(found.into())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Container {
    #[serde(rename = "Id")]
    id: String,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    labels: Option<HashMap<String, String>>,
    #[serde(default)]
    ports: Vec<Port>,
    #[serde(default)]
    host_config: HostConfig,
    #[serde(default)]
    network_settings: NetworkSettings,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct HostConfig {
    network_mode: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct NetworkSettings {
    networks: Option<HashMap<String, Option<Endpoint>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Endpoint {
    #[serde(rename = "NetworkID")]
    network_id: String,
    #[serde(rename = "IPAddress")]
    ip_address: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Port {
    #[serde(rename = "IP")]
    ip: String,
    private_port: u16,
    public_port: u16,
    #[serde(rename = "Type")]
    kind: String,
}

/// A container's targets: one per network and TCP port.
fn targets(
    c: &Container,
    networks: &HashMap<String, Vec<(String, String)>>,
    settings: &Settings,
) -> Vec<Labels> {
    let mut common = vec![
        ("__meta_docker_container_id".to_owned(), c.id.clone()),
        ("__meta_docker_container_name".to_owned(), c.names[0].clone()),
        ("__meta_docker_container_network_mode".to_owned(), c.host_config.network_mode.clone()),
    ];
    for (name, value) in c.labels.iter().flatten() {
        common.push((
            format!("__meta_docker_container_label_{}", sanitize_name(name)),
            value.clone(),
        ));
    }
    let mut found = Vec::new();
    let endpoints = c.network_settings.networks.iter().flatten().filter_map(|(_, e)| e.as_ref());
    for endpoint in endpoints {
        let mut base = common.clone();
        base.extend(networks.get(&endpoint.network_id).into_iter().flatten().cloned());
        base.push(("__meta_docker_network_ip".into(), endpoint.ip_address.clone()));
        let tcp: Vec<&Port> = c.ports.iter().filter(|p| p.kind == "tcp").collect();
        for port in &tcp {
            found.push(port_target(base.clone(), &endpoint.ip_address, port));
        }
        if tcp.is_empty() {
            // Host networking lists no ports: the host's name stands in.
            let address = match c.host_config.network_mode.as_str() {
                "host" => settings.host_networking_host.clone(),
                _ => join_host_port(&endpoint.ip_address, &settings.port.to_string()),
            };
            base.push(("__address__".into(), address));
            found.push(Labels::from_pairs(base));
        }
    }
    found
}

fn port_target(mut labels: Vec<(String, String)>, ip: &str, port: &Port) -> Labels {
    let private = port.private_port.to_string();
    labels.push(("__address__".into(), join_host_port(ip, &private)));
    labels.push(("__meta_docker_port_private".into(), private));
    if port.public_port > 0 {
        labels.push(("__meta_docker_port_public".into(), port.public_port.to_string()));
        labels.push(("__meta_docker_port_public_ip".into(), port.ip.clone()));
    }
    Labels::from_pairs(labels)
}
