//! The `remotecfg` block (beta in the reference): the config of a second
//! controller, fetched from a server speaking the remote-config API
//! (`api.rs`) every `poll_frequency` with the block's HTTP client
//! settings. Its components run beside the config's own, under ids that
//! start with `remotecfg/`, as a module does (no `logging` or `http`
//! block inside). A fetched config is planned and started (or reloaded
//! into the running one) before it counts: one that is refused leaves the
//! last good one running, and the health says why. Each good config is
//! kept in `<storage.path>/remotecfg/<hash of the block's settings>`, and
//! read from there when the server cannot be reached.

mod api;
mod seed;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use river_analyzer::load::Source;
use river_analyzer::Object;
use tokio_util::sync::CancellationToken;

use crate::args::Args;
use crate::component::{Ctx, Health, HealthKind, Table};
use crate::controller::{plan_in, Controller, Nest};
use crate::error::Error;
use crate::http_client::HttpClient;
use crate::module::link::{Link, Shape};

/// The name of its ids' prefix, its storage directory and its source.
pub const NAME: &str = "remotecfg";

/// The remote config of a running process.
pub struct RemoteConfig {
    root: Controller,
    table: Table,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The block's settings as written, to notice a change on reload.
    written: Option<river_analyzer::Value>,
    /// Stops polling with the current settings.
    polling: Option<CancellationToken>,
    /// The running config: its controller, the context it runs in, its
    /// text.
    running: Option<(Controller, Ctx, String)>,
    /// The last text refused, with why: not tried again.
    refused: Option<(String, Error)>,
}

struct Settings {
    url: String,
    request: api::GetConfigRequest,
    every: Duration,
    client: HttpClient,
    cache: PathBuf,
}

impl RemoteConfig {
    pub fn new(root: Controller, table: Table) -> Arc<RemoteConfig> {
        Arc::new(RemoteConfig { root, table, state: Mutex::new(State::default()) })
    }

    /// Applies the block's settings (`None`, or no `url`: off). Unchanged
    /// settings change nothing.
    pub fn configure(self: &Arc<Self>, args: Option<&Args>) -> Result<(), Error> {
        let written = args.map(Args::to_value);
        let mut state = self.state.lock();
        if state.written == written && state.polling.is_some() == written.is_some() {
            return Ok(());
        }
        let settings = match args {
            Some(args) => self.settings(args)?,
            None => None,
        };
        if let Some(polling) = state.polling.take() {
            polling.cancel();
        }
        state.written = written;
        let Some(settings) = settings else {
            if let Some((_, ctx, _)) = state.running.take() {
                ctx.cancel.cancel();
            }
            self.root.set_service_health(NAME, None);
            return Ok(());
        };
        let token = self.root.child_token();
        state.polling = Some(token.clone());
        tokio::spawn(self.clone().poll(settings, token));
        Ok(())
    }

    fn settings(&self, args: &Args) -> Result<Option<Settings>, Error> {
        let url: String = args.get("url")?;
        if url.is_empty() {
            return Ok(None);
        }
        let storage = &self.root.globals().storage_path;
        let id = match args.opt::<String>("id")? {
            Some(id) => id,
            None => seed::agent_id(storage),
        };
        let metadata: indexmap::IndexMap<String, String> = args.get("metadata")?;
        let metadata: std::collections::BTreeMap<String, String> = metadata.into_iter().collect();
        Ok(Some(Settings {
            cache: storage.join(NAME).join(cache_name(&url, &id, &metadata)),
            request: api::GetConfigRequest { id, metadata },
            every: args.get("poll_frequency")?,
            client: HttpClient::from_args(args, Duration::from_secs(30))?,
            url,
        }))
    }

    /// The first config from the server, else from the cache; then the
    /// server's again every `poll_frequency`.
    async fn poll(self: Arc<Self>, settings: Settings, stop: CancellationToken) {
        let mut first = true;
        loop {
            if !first {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tokio::time::sleep(settings.every) => {}
                }
            }
            let outcome =
                match api::get_config(&settings.client, &settings.url, &settings.request).await {
                    Ok(text) => self.take(text, &settings).await.map(|()| None),
                    Err(error) if first => match std::fs::read_to_string(&settings.cache) {
                        Ok(text) => self.take(text, &settings).await.map(|()| Some(error)),
                        Err(_) => Err(error),
                    },
                    Err(error) => Err(error),
                };
            first = false;
            self.report(outcome);
        }
    }

    /// Health after a poll: what went wrong, or what runs.
    fn report(&self, outcome: Result<Option<Error>, Error>) {
        match outcome {
            Ok(None) => self.set_health(HealthKind::Healthy, "remote config up to date"),
            Ok(Some(unreachable)) => {
                tracing::warn!(err = %unreachable, "the remote config server cannot be reached; the cached config runs");
                let message = format!("cannot fetch ({unreachable}); the cached config runs");
                self.set_health(HealthKind::Unhealthy, message);
            }
            Err(error) => {
                tracing::error!(err = %error, "remote config");
                self.set_health(HealthKind::Unhealthy, error.to_string());
            }
        }
    }

    /// Runs `text` unless it runs already, was refused already, or is
    /// empty (which the reference ignores too); a good one is cached.
    async fn take(self: &Arc<Self>, text: String, settings: &Settings) -> Result<(), Error> {
        {
            let state = self.state.lock();
            if text.is_empty() || state.running.as_ref().is_some_and(|(_, _, t)| *t == text) {
                return Ok(());
            }
            if let Some((refused, error)) = &state.refused {
                if *refused == text {
                    return Err(error.clone());
                }
            }
        }
        let this = self.clone();
        let attempt = text.clone();
        let applied = tokio::task::spawn_blocking(move || this.apply(attempt)).await;
        let error = match applied {
            Ok(Ok(())) => {
                self.state.lock().refused = None;
                let cache = &settings.cache;
                let saved = std::fs::create_dir_all(cache.parent().expect("in a directory"))
                    .and_then(|()| std::fs::write(cache, &text));
                if let Err(error) = saved {
                    tracing::warn!(err = %error, "cannot cache the remote config");
                }
                tracing::info!("remote config loaded");
                return Ok(());
            }
            Ok(Err(error)) => error,
            Err(panic) => Error::invalid(format!("loading panicked: {panic}")),
        };
        let error = Error::invalid(format!(
            "the fetched config is refused, the last good one runs: {error}"
        ));
        self.state.lock().refused = Some((text, error.clone()));
        Err(error)
    }

    /// Plans `text` and starts it, or reloads the running config with it.
    fn apply(&self, text: String) -> Result<(), Error> {
        let sources = [Source::text(NAME, text.clone())];
        self.root.globals().remember_sources(&sources);
        let plan = plan_in(&sources, self.table, false).map_err(Error::Module)?;
        let mut state = self.state.lock();
        if let Some((controller, _, running)) = &mut state.running {
            controller.reload(plan).map_err(Error::Module)?;
            *running = text;
            return Ok(());
        }
        let globals = self.root.globals().clone();
        let mut ctx = Ctx::detached(NAME, globals.storage_path.join(NAME), globals.clone());
        // Its components stop with the process's.
        ctx.cancel = self.root.child_token();
        let link = Link::new(ctx.clone(), Shape::Own, Object::new(), Vec::new());
        let nest = Nest { prefix: format!("{NAME}/"), link, cancel: ctx.cancel.child_token() };
        let controller = Controller::start_nested(plan, globals, nest).map_err(Error::Module)?;
        self.root.attach(NAME, controller.clone());
        state.running = Some((controller, ctx, text));
        Ok(())
    }

    fn set_health(&self, kind: HealthKind, message: impl Into<String>) {
        self.root.set_service_health(NAME, Some(Health::new(kind, message)));
    }
}

/// The cache's file name: a hash of what names the config (the
/// reference hashes its encoding of all the block's settings, so the names
/// differ; credentials are left out here, so that no hash of a secret is
/// written to disk).
fn cache_name(
    url: &str,
    id: &str,
    metadata: &std::collections::BTreeMap<String, String>,
) -> String {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(format!("{url}\n{id}\n{metadata:?}").as_bytes());
    format!("{:x}", hasher.finish())
}
