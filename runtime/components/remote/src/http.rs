//! `remote.http`: polls a URL and exports the body of each 200 answer as
//! `content` (a secret when `is_secret`). A failed poll marks the component
//! unhealthy and keeps the last content. The first poll happens while the
//! config starts, so a URL that cannot be read refuses the config.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::RwLock;
use river_analyzer::{Object, Value};

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;

struct Settings {
    url: String,
    method: reqwest::Method,
    headers: Vec<(String, String)>,
    body: String,
    every: Duration,
    secret: bool,
    client: HttpClient,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let method: String = args.get("method")?;
    let headers: indexmap::IndexMap<String, String> = args.get("headers")?;
    let timeout = args.get("poll_timeout")?;
    Ok(Settings {
        url: args.require("url")?,
        method: method
            .parse()
            .map_err(|_| args.invalid("method", format!("{method:?} is not an HTTP method")))?,
        headers: headers.into_iter().collect(),
        body: args.get("body")?,
        every: args.get("poll_frequency")?,
        secret: args.get("is_secret")?,
        client: HttpClient::from_args(&args.block_or_empty("client"), timeout)?,
    })
}

struct RemoteHttp {
    settings: Arc<RwLock<Arc<Settings>>>,
}

/// `remote.http`.
pub const REMOTE_HTTP: Registration =
    Registration { name: "remote.http", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = Arc::new(settings(args)?);
    // Its own client: connections made in the short-lived runtime of the
    // first poll must not be pooled for the component's later polls.
    let first_settings = self::settings(args)?;
    // A panic in the first poll goes on to the controller's guard.
    let first = std::thread::scope(|s| s.spawn(|| block_on_poll(&first_settings)).join())
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    publish(&ctx, &settings, first);
    let shared = Arc::new(RwLock::new(settings));
    ctx.spawn(poll_loop(ctx.clone(), shared.clone()));
    Ok(Arc::new(RemoteHttp { settings: shared }))
}

impl Component for RemoteHttp {
    fn update(&self, args: &Args) -> Result<(), Error> {
        *self.settings.write() = Arc::new(settings(args)?);
        Ok(())
    }
}

/// The first poll, run to its end before the component counts as built.
fn block_on_poll(settings: &Settings) -> Result<String, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::invalid(format!("cannot start the first poll: {e}")))?;
    runtime.block_on(poll(settings))
}

async fn poll(settings: &Settings) -> Result<String, Error> {
    let mut request = settings
        .client
        .http
        .request(settings.method.clone(), &settings.url)
        .body(settings.body.clone());
    for (name, value) in &settings.headers {
        request = request.header(name, value);
    }
    let response = settings
        .client
        .authorize(request)
        .await?
        .send()
        .await
        .map_err(|e| Error::remote(&settings.url, e))?;
    if response.status() != reqwest::StatusCode::OK {
        return Err(Error::remote(&settings.url, format!("answered {}", response.status())));
    }
    response.text().await.map_err(|e| Error::remote(&settings.url, e))
}

fn publish(ctx: &Ctx, settings: &Settings, body: String) {
    let value = if settings.secret { Value::Secret(body.into()) } else { Value::String(body) };
    ctx.export(Object::from_iter([("content".to_owned(), value)]));
    ctx.set_health(HealthKind::Healthy, "polled");
}

async fn poll_loop(ctx: Ctx, shared: Arc<RwLock<Arc<Settings>>>) {
    loop {
        let settings = shared.read().clone();
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = tokio::time::sleep(settings.every) => {}
        }
        let settings = shared.read().clone();
        match poll(&settings).await {
            Ok(body) => publish(&ctx, &settings, body),
            Err(error) => ctx.set_health(HealthKind::Unhealthy, error.to_string()),
        }
    }
}
