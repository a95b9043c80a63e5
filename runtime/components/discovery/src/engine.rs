//! The Docker Engine API, as `discovery.docker` and
//! `discovery.dockerswarm` ask it: the daemon's address (`unix://` socket,
//! `tcp://`, `http://` or `https://`), the `filter` blocks as the engine's
//! `filters` query, JSON answers, and the labels of its networks, which
//! both discoveries put on their targets.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde::Deserialize;

use river_runtime::args::Args;
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;
use river_runtime::labels::sanitize_name;

use crate::api;

/// A daemon's base URL and the client that reaches it.
pub(crate) struct Engine {
    base: String,
    client: HttpClient,
    /// The `filters` query of the `filter` blocks, `None` without any.
    filters: Option<String>,
}

/// The HTTP client settings, which a unix socket cannot carry: the
/// reference's Docker client drops them there; here they are refused.
const HTTP_ONLY: [&str; 3] = ["bearer_token", "bearer_token_file", "proxy_url"];
const HTTP_ONLY_BLOCKS: [&str; 4] = ["basic_auth", "authorization", "oauth2", "tls_config"];

impl Engine {
    /// The engine named by `host`, with the component's HTTP client
    /// settings where the address is HTTP. Requests time out after
    /// `timeout` (the reference uses the refresh interval).
    pub fn from_args(args: &Args, timeout: Duration) -> Result<Engine, Error> {
        let host: String = args.get("host")?;
        let filters = filters(args)?;
        if let Some(path) = host.strip_prefix("unix://") {
            refuse_http_settings(args)?;
            let http = reqwest::Client::builder().unix_socket(path).timeout(timeout).build();
            let http =
                http.map_err(|e| args.invalid("host", format!("cannot reach {host}: {e}")))?;
            let client = HttpClient::plain(http);
            return Ok(Engine { base: "http://docker".into(), client, filters });
        }
        let base = match host.split_once("://") {
            Some(("tcp", rest)) => format!("http://{rest}"),
            Some(("http" | "https", _)) => host.clone(),
            _ => {
                let why = format!(
                    "{host:?} is not a Docker daemon address this build can reach: \
                     use unix://PATH, tcp://HOST:PORT, http:// or https://"
                );
                return Err(args.invalid("host", why).into());
            }
        };
        let client = HttpClient::from_args(args, timeout)?;
        Ok(Engine { base: base.trim_end_matches('/').to_owned(), client, filters })
    }

    /// `GET path` with the `filter` blocks (when `filtered`), as JSON.
    pub async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        filtered: bool,
    ) -> Result<T, Error> {
        let query = match (&self.filters, filtered) {
            (Some(filters), true) => vec![("filters", filters.clone())],
            _ => Vec::new(),
        };
        api::get_json(&self.client, &api::url(&self.base, path, &query), &[]).await
    }
}

fn refuse_http_settings(args: &Args) -> Result<(), Error> {
    let why = |name: &str| {
        args.invalid(
            name,
            "has no effect on a unix:// socket (the reference's Docker client ignores it there); \
             remove it, or reach the daemon over tcp:// or https://",
        )
    };
    for name in HTTP_ONLY {
        if args.value(name)? != river_analyzer::Value::Null {
            return Err(why(name).into());
        }
    }
    if args.get::<bool>("proxy_from_environment")? {
        return Err(why("proxy_from_environment").into());
    }
    match HTTP_ONLY_BLOCKS.into_iter().find(|name| args.block(name).is_some()) {
        Some(name) => Err(why(name).into()),
        None => Ok(()),
    }
}

/// The `filter` blocks as the engine's `filters` JSON, in the form the
/// reference's client sends (`{"name": {"value": true}}`).
fn filters(args: &Args) -> Result<Option<String>, Error> {
    let mut all: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::new();
    for block in args.blocks("filter") {
        let name: String = block.get("name")?;
        let values: Vec<String> = block.get("values")?;
        all.entry(name).or_default().extend(values.into_iter().map(|v| (v, true)));
    }
    if all.is_empty() {
        return Ok(None);
    }
    Ok(Some(serde_json::to_string(&all).unwrap_or_default()))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Network {
    #[serde(rename = "Id")]
    id: String,
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    internal: bool,
    #[serde(default)]
    ingress: bool,
    #[serde(default)]
    labels: Option<HashMap<String, String>>,
}

/// Each network's labels by its ID, each name after `prefix`
/// (`__meta_docker_`, `__meta_dockerswarm_`).
pub(crate) async fn network_labels(
    engine: &Engine,
    prefix: &str,
) -> Result<HashMap<String, Vec<(String, String)>>, Error> {
    let networks: Vec<Network> = engine.get("/networks", false).await?;
    let labels = networks.into_iter().map(|n| {
        let mut pairs = vec![
            (format!("{prefix}network_id"), n.id.clone()),
            (format!("{prefix}network_name"), n.name),
            (format!("{prefix}network_scope"), n.scope),
            (format!("{prefix}network_internal"), n.internal.to_string()),
            (format!("{prefix}network_ingress"), n.ingress.to_string()),
        ];
        for (name, value) in n.labels.unwrap_or_default() {
            pairs.push((format!("{prefix}network_label_{}", sanitize_name(&name)), value));
        }
        (n.id, pairs)
    });
    Ok(labels.collect())
}
