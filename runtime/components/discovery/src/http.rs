//! `discovery.http`: targets from an HTTP endpoint that answers with a
//! JSON list of target groups, as Prometheus's HTTP discovery reads it:
//! fetched at once and then every `refresh_interval`, each target with
//! `__meta_url`. A failed fetch keeps the last good targets and makes the
//! component unhealthy with the reason.

use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;
use river_runtime::labels::Labels;

use crate::api;
use crate::groups;
use crate::refresh::{self, Discover, Found};

struct Settings {
    url: String,
    refresh: Duration,
    client: HttpClient,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let url: String = args.require("url")?;
    match reqwest::Url::parse(&url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {}
        Ok(_) => {
            return Err(args
                .invalid("url", "the URL's scheme must be http or https, with a host")
                .into())
        }
        Err(e) => return Err(args.invalid("url", format!("not a URL: {e}")).into()),
    }
    let refresh: Duration = args.get("refresh_interval")?;
    // As Prometheus: a fetch may take as long as the interval.
    Ok(Settings { url, refresh, client: HttpClient::from_args(args, refresh)? })
}

/// `discovery.http`.
pub const DISCOVERY_HTTP: Registration =
    Registration { name: "discovery.http", build: refresh::build::<Http>, without_effect: &[] };

#[derive(Default)]
struct Http;

impl Discover for Http {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        fetch(settings).await.map(Found::from)
    }
}

/// One fetch: the request Prometheus sends, and its checks of the answer.
async fn fetch(settings: &Settings) -> Result<Vec<Labels>, Error> {
    let remote = |why: String| Error::remote(&settings.url, why);
    let request =
        settings.client.http.get(&settings.url).header("Accept", "application/json").header(
            "X-Prometheus-Refresh-Interval-Seconds",
            settings.refresh.as_secs().to_string(),
        );
    let response = api::send(&settings.client, request, &settings.url).await?;
    let body = api::json_body(response, &settings.url).await?;
    let value: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| remote(format!("not JSON: {e}")))?;
    let found = groups::from_json(&value).map_err(|e| remote(e.to_string()))?;
    Ok(groups::expand(found, &[("__meta_url", &settings.url)]))
}
