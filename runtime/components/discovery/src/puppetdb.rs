//! `discovery.puppetdb`: the resources a PQL `query` selects in PuppetDB
//! as targets, as Prometheus's PuppetDB discovery makes them: `POST
//! <url>/pdb/query/v4` every `refresh_interval`, each resource with
//! `<certname>:<port>` and the `__meta_puppetdb_*` labels, its parameters
//! too with `include_parameters`.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use river_analyzer::go::format_float_g;
use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;
use river_runtime::labels::{sanitize_name, Labels};

use crate::api;
use crate::dns::join_host_port;
use crate::refresh::{self, Discover, Found};

/// Between tags, and between a parameter's values.
const SEPARATOR: &str = ",";

struct Settings {
    url: String,
    query: String,
    include_parameters: bool,
    port: u16,
    client: HttpClient,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let url: String = args.require("url")?;
    let mut parsed = match reqwest::Url::parse(&url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => parsed,
        _ => {
            let why = format!("{url:?} is not an http or https URL with a host");
            return Err(args.invalid("url", why).into());
        }
    };
    let path = format!("{}/pdb/query/v4", parsed.path().trim_end_matches('/'));
    parsed.set_path(&path);
    let port: i64 = args.get("port")?;
    let port = u16::try_from(port)
        .map_err(|_| args.invalid("port", format!("{port} is not a port number")))?;
    let refresh: Duration = args.get("refresh_interval")?;
    Ok(Settings {
        url: parsed.to_string(),
        query: args.require("query")?,
        include_parameters: args.get("include_parameters")?,
        port,
        client: HttpClient::from_args(args, refresh)?,
    })
}

/// `discovery.puppetdb`.
pub const DISCOVERY_PUPPETDB: Registration = Registration {
    name: "discovery.puppetdb",
    build: refresh::build::<PuppetDb>,
    without_effect: &[],
};

#[derive(Default)]
struct PuppetDb;

impl Discover for PuppetDb {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        let resources = fetch(settings).await?;
        Ok(resources.iter().map(|r| target(r, settings)).collect::<Vec<_>>().into())
    }
}

async fn fetch(settings: &Settings) -> Result<Vec<Resource>, Error> {
    let remote = |why: String| Error::remote(&settings.url, why);
    let request = settings
        .client
        .http
        .post(&settings.url)
        .header("User-Agent", concat!("flow-runtime/", env!("CARGO_PKG_VERSION")))
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .body(serde_json::json!({ "query": settings.query }).to_string());
    let response = api::send(&settings.client, request, &settings.url).await?;
    let body = api::json_body(response, &settings.url).await?;
    serde_json::from_slice(&body).map_err(|e| remote(format!("unexpected answer: {e}")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Resource {
    certname: String,
    resource: String,
    #[serde(rename = "type")]
    kind: String,
    title: String,
    exported: bool,
    tags: Vec<String>,
    file: String,
    environment: String,
    parameters: serde_json::Map<String, Value>,
}

fn target(r: &Resource, settings: &Settings) -> Labels {
    const P: &str = "__meta_puppetdb_";
    let mut pairs: Vec<(String, String)> = vec![
        ("__address__".into(), join_host_port(&r.certname, &settings.port.to_string())),
        (format!("{P}query"), settings.query.clone()),
        (format!("{P}certname"), r.certname.clone()),
        (format!("{P}resource"), r.resource.clone()),
        (format!("{P}type"), r.kind.clone()),
        (format!("{P}title"), r.title.clone()),
        (format!("{P}exported"), r.exported.to_string()),
        (format!("{P}file"), r.file.clone()),
        (format!("{P}environment"), r.environment.clone()),
    ];
    if !r.tags.is_empty() {
        pairs.push((
            format!("{P}tags"),
            format!("{SEPARATOR}{}{SEPARATOR}", r.tags.join(SEPARATOR)),
        ));
    }
    if settings.include_parameters {
        parameters(&r.parameters, &format!("{P}parameter_"), &mut pairs);
    }
    Labels::from_pairs(pairs)
}

/// A resource's parameters as labels, as Prometheus writes them: a
/// string, boolean or number as itself, a list as its values joined by
/// `,` (objects in it count as empty), an object as its own parameters
/// under `<name>_`; empty values are left out.
fn parameters(map: &serde_json::Map<String, Value>, prefix: &str, out: &mut Vec<(String, String)>) {
    for (name, value) in map {
        let text = match value {
            Value::Array(items) if items.is_empty() => continue,
            Value::Array(items) => items
                .iter()
                .map(|v| scalar(v).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(SEPARATOR),
            Value::Object(inner) => {
                parameters(inner, &format!("{prefix}{}", sanitize_name(&format!("{name}_"))), out);
                continue;
            }
            other => match scalar(other) {
                Some(text) => text,
                None => continue,
            },
        };
        if !text.is_empty() {
            out.push((format!("{prefix}{}", sanitize_name(name)), text));
        }
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => n.as_f64().map(format_float_g),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_lists_as_go_prints_them() {
        let map: serde_json::Map<String, Value> = serde_json::from_str(
            r#"{"port": 384, "big": 1000000, "half": 0.5, "mixed": ["a", 2, true, {"x": 1}],
                "Weird-Name": "w", "empty": []}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        parameters(&map, "p_", &mut out);
        out.sort();
        let expected = [
            ("p_Weird_Name", "w"),
            ("p_big", "1e+06"),
            ("p_half", "0.5"),
            ("p_mixed", "a,2,true,"),
            ("p_port", "384"),
        ];
        let expected: Vec<(String, String)> =
            expected.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        assert_eq!(out, expected);
    }
}
