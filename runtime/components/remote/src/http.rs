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
use river_runtime::http_client::fetch::Fetch;

struct Settings {
    fetch: Fetch,
    every: Duration,
    secret: bool,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    Ok(Settings {
        fetch: Fetch::from_args(args)?,
        every: args.get("poll_frequency")?,
        secret: args.get("is_secret")?,
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
    let first = Fetch::get_now(args)?;
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
        match settings.fetch.get().await {
            Ok(body) => publish(&ctx, &settings, body),
            Err(error) => ctx.set_health(HealthKind::Unhealthy, error.to_string()),
        }
    }
}
