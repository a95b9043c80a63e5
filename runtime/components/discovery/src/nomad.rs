//! `discovery.nomad`: the instances of Nomad's services as targets, as
//! Prometheus's Nomad discovery makes them: every `refresh_interval` the
//! service list (`/v1/services`), then each service's instances
//! (`/v1/service/<name>`), with `namespace`, `region` and `stale` (when
//! `allow_stale`) on each request, and the `__meta_nomad_*` labels.

use std::time::Duration;

use serde::Deserialize;

use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;
use river_runtime::labels::Labels;

use crate::api;
use crate::dns::join_host_port;
use crate::refresh::{self, Discover, Found};

struct Settings {
    server: String,
    query: Vec<(&'static str, String)>,
    tag_separator: String,
    client: HttpClient,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let server: String = args.get("server")?;
    if server.trim().is_empty() {
        return Err(args.invalid("server", "nomad discovery needs a server address").into());
    }
    let refresh: Duration = args.get("refresh_interval")?;
    // As Nomad's client: each setting that is set goes on every request.
    let mut query = Vec::new();
    for name in ["namespace", "region"] {
        let value: String = args.get(name)?;
        if !value.is_empty() {
            query.push((name, value));
        }
    }
    if args.get::<bool>("allow_stale")? {
        query.push(("stale", String::new()));
    }
    Ok(Settings {
        server: server.trim_end_matches('/').to_owned(),
        query,
        tag_separator: args.get("tag_separator")?,
        client: HttpClient::from_args(args, refresh.max(Duration::from_secs(10)))?,
    })
}

/// `discovery.nomad`.
pub const DISCOVERY_NOMAD: Registration =
    Registration { name: "discovery.nomad", build: refresh::build::<Nomad>, without_effect: &[] };

#[derive(Default)]
struct Nomad;

impl Discover for Nomad {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        let stubs: Vec<Stub> = get(settings, "/v1/services").await?;
        let mut found = Vec::new();
        for service in stubs.iter().flat_map(|s| s.services.iter().flatten()) {
            let path = format!("/v1/service/{}", service.service_name);
            let instances: Vec<Instance> = get(settings, &path).await?;
            found.extend(instances.iter().map(|i| target(i, &settings.tag_separator)));
        }
        Ok(found.into())
    }
}

async fn get<T: serde::de::DeserializeOwned>(settings: &Settings, path: &str) -> Result<T, Error> {
    let url = api::url(&settings.server, path, &settings.query);
    api::get_json(&settings.client, &url, &[]).await
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Stub {
    services: Option<Vec<ServiceName>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ServiceName {
    service_name: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Instance {
    #[serde(rename = "ID")]
    id: String,
    service_name: String,
    namespace: String,
    #[serde(rename = "NodeID")]
    node_id: String,
    datacenter: String,
    tags: Option<Vec<String>>,
    address: String,
    port: i64,
}

/// An instance's labels, as Prometheus makes them (tags only when it has
/// some).
fn target(i: &Instance, separator: &str) -> Labels {
    let port = i.port.to_string();
    let mut pairs = vec![
        ("__address__", join_host_port(&i.address, &port)),
        ("__meta_nomad_address", i.address.clone()),
        ("__meta_nomad_dc", i.datacenter.clone()),
        ("__meta_nomad_node_id", i.node_id.clone()),
        ("__meta_nomad_namespace", i.namespace.clone()),
        ("__meta_nomad_service_address", i.address.clone()),
        ("__meta_nomad_service_id", i.id.clone()),
        ("__meta_nomad_service_port", port),
        ("__meta_nomad_service", i.service_name.clone()),
    ];
    if let Some(tags) = i.tags.as_ref().filter(|t| !t.is_empty()) {
        pairs
            .push(("__meta_nomad_tags", format!("{separator}{}{separator}", tags.join(separator))));
    }
    Labels::from_pairs(pairs)
}
