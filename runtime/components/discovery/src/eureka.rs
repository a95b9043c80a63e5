//! `discovery.eureka`: the instances of a Eureka server's applications as
//! targets, as Prometheus's Eureka discovery makes them: `GET
//! <server>/apps` (XML) at once and every `refresh_interval`, each
//! instance with `instance` and the `__meta_eureka_*` labels. A failed
//! fetch keeps the last good targets, the component unhealthy with the
//! reason.

use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::{with_causes, Error};
use river_runtime::http_client::HttpClient;
use river_runtime::labels::{sanitize_name, Labels};

use crate::api;
use crate::dns::join_host_port;
use crate::refresh::{self, Discover, Found};
use crate::xml::{parse, Element};

struct Settings {
    url: String,
    client: HttpClient,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let server: String = args.require("server")?;
    match reqwest::Url::parse(&server) {
        Ok(url) if url.has_host() => {}
        _ => return Err(args.invalid("server", format!("{server:?} is not a server URL")).into()),
    }
    let refresh: Duration = args.get("refresh_interval")?;
    let client = HttpClient::from_args(args, refresh)?;
    Ok(Settings { url: format!("{}/apps", server.trim_end_matches('/')), client })
}

/// `discovery.eureka`.
pub const DISCOVERY_EUREKA: Registration =
    Registration { name: "discovery.eureka", build: refresh::build::<Eureka>, without_effect: &[] };

#[derive(Default)]
struct Eureka;

impl Discover for Eureka {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        fetch(settings).await.map(Found::from)
    }
}

async fn fetch(settings: &Settings) -> Result<Vec<Labels>, Error> {
    let remote = |why: String| Error::remote(&settings.url, why);
    let request = settings
        .client
        .http
        .get(&settings.url)
        .header("User-Agent", concat!("flow-runtime/", env!("CARGO_PKG_VERSION")));
    let response = api::send(&settings.client, request, &settings.url).await?;
    let status = response.status();
    if !status.is_success() {
        let why = format!(
            "non 2xx status '{}' response during eureka service discovery",
            status.as_u16()
        );
        return Err(remote(why));
    }
    let body = response.text().await.map_err(|e| remote(with_causes(&e)))?;
    let root = parse(&body).map_err(|e| remote(e.to_string()))?;
    Ok(targets_of(&root))
}

/// Every instance of every application under `<applications>`.
pub(crate) fn targets_of(root: &Element) -> Vec<Labels> {
    let apps = root.children.iter().filter(|c| c.name == "application");
    apps.flat_map(|app| {
        let name = app.trimmed("name");
        let instances = app.children.iter().filter(|c| c.name == "instance");
        instances.map(move |i| instance(&name, i)).collect::<Vec<_>>()
    })
    .collect()
}

fn instance(app: &str, i: &Element) -> Labels {
    const P: &str = "__meta_eureka_app_instance_";
    let host = i.trimmed("hostName");
    let id = i.trimmed("instanceId");
    // Go reads a missing or malformed number as 0.
    let number = |text: String| text.parse::<i64>().unwrap_or(0).to_string();
    let port = i.child("port").map(|p| (number(p.text.trim().to_owned()), enabled(p)));
    let address = join_host_port(&host, port.as_ref().map_or("80", |(p, _)| p.as_str()));
    let mut pairs: Vec<(String, String)> = vec![
        ("__address__".into(), address),
        ("instance".into(), id.clone()),
        ("__meta_eureka_app_name".into(), app.to_owned()),
        (format!("{P}hostname"), host),
        (format!("{P}homepage_url"), i.trimmed("homePageUrl")),
        (format!("{P}statuspage_url"), i.trimmed("statusPageUrl")),
        (format!("{P}healthcheck_url"), i.trimmed("healthCheckUrl")),
        (format!("{P}ip_addr"), i.trimmed("ipAddr")),
        (format!("{P}vip_address"), i.trimmed("vipAddress")),
        (format!("{P}secure_vip_address"), i.trimmed("secureVipAddress")),
        (format!("{P}status"), i.trimmed("status")),
        (format!("{P}country_id"), number(i.trimmed("countryId"))),
        (format!("{P}id"), id),
    ];
    if let Some((port, on)) = port {
        pairs.push((format!("{P}port"), port));
        pairs.push((format!("{P}port_enabled"), on));
    }
    if let Some(secure) = i.child("securePort") {
        pairs.push((format!("{P}secure_port"), number(secure.text.trim().to_owned())));
        pairs.push((format!("{P}secure_port_enabled"), enabled(secure)));
    }
    if let Some(dc) = i.child("dataCenterInfo") {
        pairs.push((format!("{P}datacenterinfo_name"), dc.trimmed("name")));
        pairs.extend(metadata(dc.child("metadata"), &format!("{P}datacenterinfo_metadata_")));
    }
    pairs.extend(metadata(i.child("metadata"), &format!("{P}metadata_")));
    Labels::from_pairs(pairs)
}

/// A port's `enabled` attribute, as Go's `strconv.FormatBool` of it.
fn enabled(port: &Element) -> String {
    let on = port.attributes.iter().any(|(k, v)| {
        k == "enabled" && matches!(v.as_str(), "1" | "t" | "T" | "true" | "TRUE" | "True")
    });
    on.to_string()
}

fn metadata(block: Option<&Element>, prefix: &str) -> Vec<(String, String)> {
    let items = block.map(|b| b.children.as_slice()).unwrap_or_default();
    items.iter().map(|m| (format!("{prefix}{}", sanitize_name(&m.name)), m.text.clone())).collect()
}
