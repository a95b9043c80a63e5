//! `local.file`: a file's content as an export, read again when it
//! changes (checked every `poll_frequency`, or every second with the
//! default `fsnotify` detector), as a secret when `is_secret` is set.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use river_analyzer::{Object, Value};

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;

struct Settings {
    path: PathBuf,
    every: Duration,
    secret: bool,
}

struct LocalFile {
    ctx: Ctx,
    settings: Arc<Mutex<Settings>>,
}

/// The arguments, decoded through the schema registry: its defaults fill
/// what the config leaves out, and `detector` is one of the values it
/// lists. Changes are noticed by polling: every `poll_frequency` with the
/// `poll` detector, at least every second with `fsnotify`.
fn settings(args: &Args) -> Result<Settings, Error> {
    let detector: String = args.get("detector")?;
    let poll: Duration = args.get("poll_frequency")?;
    let every = if detector == "poll" { poll } else { poll.min(Duration::from_secs(1)) };
    Ok(Settings {
        path: args.require::<String>("filename")?.into(),
        every,
        secret: args.get("is_secret")?,
    })
}

/// `local.file`, as the table of every component lists it.
pub const LOCAL_FILE: Registration =
    Registration { name: "local.file", build, without_effect: &[] };

/// Reads the file once (an unreadable file refuses the config), then
/// watches it in a task that ends when the component is cancelled.
pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = settings(args)?;
    read(&ctx, &settings)?;
    let component = LocalFile { ctx: ctx.clone(), settings: Arc::new(Mutex::new(settings)) };
    let shared = component.settings.clone();
    ctx.spawn(watch(ctx.clone(), shared));
    Ok(Arc::new(component))
}

impl Component for LocalFile {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let settings = settings(args)?;
        read(&self.ctx, &settings)?;
        *self.settings.lock() = settings;
        Ok(())
    }
}

/// Reads the file and exports its content.
fn read(ctx: &Ctx, settings: &Settings) -> Result<(), Error> {
    let content = std::fs::read_to_string(&settings.path)
        .map_err(|e| Error::file(settings.path.display(), e))?;
    let value =
        if settings.secret { Value::Secret(content.into()) } else { Value::String(content) };
    ctx.export(Object::from_iter([("content".to_owned(), value)]));
    ctx.metrics
        .gauge(
            "agent_local_file_timestamp_last_accessed_unix_seconds",
            "When the file was last read, in seconds since the Unix epoch.",
        )
        .set(river_runtime::series::now_ms() as f64 / 1000.0);
    ctx.set_health(HealthKind::Healthy, "read");
    Ok(())
}

async fn watch(ctx: Ctx, settings: Arc<Mutex<Settings>>) {
    loop {
        let every = settings.lock().every;
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let result = read(&ctx, &settings.lock());
        if let Err(error) = result {
            ctx.set_health(HealthKind::Unhealthy, error.to_string());
        }
    }
}
