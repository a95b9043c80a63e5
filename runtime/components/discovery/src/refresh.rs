//! What every discovery that finds its targets anew each interval shares
//! (Prometheus's `refresh.Discovery`): the component that reads its
//! settings, exports no targets until the first round, runs a round at
//! once, then every interval or as soon as its arguments change, exports
//! the targets of each good round, and keeps the last ones, unhealthy
//! with the reason, when a round fails. Stopping does not wait for a
//! round in flight. A discovery writes its settings and its round only.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use river_analyzer::Object;
use tokio::sync::Notify;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind};
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::targets;

/// What a round found: the targets, and, when part of it failed (a DNS
/// name of several), why, which makes the component unhealthy.
pub(crate) struct Found {
    pub targets: Vec<Labels>,
    pub problem: Option<String>,
}

impl From<Vec<Labels>> for Found {
    fn from(targets: Vec<Labels>) -> Found {
        Found { targets, problem: None }
    }
}

/// One discovery: its settings and its round. The value itself is the
/// state kept from round to round (a cached datacenter, the last
/// targets of each name).
pub(crate) trait Discover: Default + Send + 'static {
    type Settings: Send + Sync + 'static;

    /// Reads the arguments (the interval is read here, for all).
    const SETTINGS: fn(&Args) -> Result<Self::Settings, Error>;

    /// The setting that says how long to wait between rounds.
    const INTERVAL: &'static str = "refresh_interval";

    fn round<'a>(
        &'a mut self,
        settings: &'a Self::Settings,
    ) -> impl Future<Output = Result<Found, Error>> + Send + 'a;

    /// Waits until the next round is due: the interval, unless the
    /// discovery watches its source and knows when it changed.
    fn until_next(&mut self, interval: Duration) -> impl Future<Output = ()> + Send + '_ {
        tokio::time::sleep(interval)
    }
}

/// A discovery's settings and its interval.
type Current<S> = Arc<Mutex<Arc<(S, Duration)>>>;

struct Refreshing<S> {
    settings: Current<S>,
    changed: Arc<Notify>,
    read: fn(&Args) -> Result<(S, Duration), Error>,
}

/// The builder of discovery `D`, for its `Registration`.
pub(crate) fn build<D: Discover>(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let settings = Arc::new(Mutex::new(Arc::new(read::<D>(args)?)));
    let changed = Arc::new(Notify::new());
    export(&ctx, &[]);
    ctx.spawn(run(D::default(), ctx.clone(), settings.clone(), changed.clone()));
    Ok(Arc::new(Refreshing { settings, changed, read: read::<D> }))
}

impl<S: Send + Sync + 'static> Component for Refreshing<S> {
    fn update(&self, args: &Args) -> Result<(), Error> {
        *self.settings.lock() = Arc::new((self.read)(args)?);
        self.changed.notify_one();
        Ok(())
    }
}

/// The discovery's own settings, and its interval.
fn read<D: Discover>(args: &Args) -> Result<(D::Settings, Duration), Error> {
    let interval: Duration = args.get(D::INTERVAL)?;
    if interval.is_zero() {
        return Err(args.invalid(D::INTERVAL, "must be greater than 0").into());
    }
    Ok(((D::SETTINGS)(args)?, interval))
}

fn export(ctx: &Ctx, found: &[Labels]) {
    ctx.export(Object::from_iter([("targets".to_owned(), targets::to_value(found))]));
}

async fn run<D: Discover>(
    mut discovery: D,
    ctx: Ctx,
    settings: Current<D::Settings>,
    changed: Arc<Notify>,
) {
    loop {
        let current = settings.lock().clone();
        let round = tokio::select! {
            biased;
            _ = ctx.cancel.cancelled() => return,
            round = discovery.round(&current.0) => round,
        };
        match round {
            Ok(found) => {
                export(&ctx, &found.targets);
                match found.problem {
                    None => ctx.set_health(
                        HealthKind::Healthy,
                        format!("{} targets", found.targets.len()),
                    ),
                    Some(problem) => ctx.set_health(HealthKind::Unhealthy, problem),
                }
            }
            Err(error) => ctx.set_health(HealthKind::Unhealthy, error.to_string()),
        }
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = changed.notified() => {}
            _ = discovery.until_next(current.1) => {}
        }
    }
}
