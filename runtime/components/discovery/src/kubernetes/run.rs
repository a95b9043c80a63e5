//! The run loop of `discovery.kubernetes`. For the current settings it
//! asks the server's version when the role's resource has a `v1beta1`
//! past, starts one watch per resource and namespace, and applies what
//! they report to one cache. A moment after changes (so that a burst of
//! events makes one export) it turns the cache into the role's targets,
//! exported when they differ from the last ones. The first targets wait
//! for every watch's first list, as Prometheus waits for its informers'
//! caches. While a watch fails the last targets stay, the component
//! unhealthy with the reason; new settings start everything over, the
//! targets exported staying until the new ones are known.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use river_analyzer::Object;
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio::time::Instant;

use river_runtime::component::{Ctx, HealthKind};
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::targets;

use super::client::{self, Message, BACKOFF};
use super::connection::Api;
use super::endpoints::Endpoints;
use super::endpointslice::EndpointSlice;
use super::ingress::Ingress;
use super::node::Node;
use super::objects::Cache;
use super::pod::Pod;
use super::service::Service;
use super::spec::{self, Spec};
use super::{Role, Settings};

/// The settings now; `update` swaps them.
pub(super) type Current = Arc<Mutex<Arc<Settings>>>;

/// How long after a change the targets are made anew.
const SETTLE: Duration = Duration::from_millis(200);

pub(super) fn export(ctx: &Ctx, found: &[Labels]) {
    ctx.export(Object::from_iter([("targets".to_owned(), targets::to_value(found))]));
}

/// Discovers with the current settings until they change or the
/// component stops.
pub(super) async fn run(ctx: Ctx, current: Current, changed: Arc<Notify>) {
    let mut exported = Vec::new();
    loop {
        let settings = current.lock().clone();
        tokio::select! {
            biased;
            _ = ctx.cancel.cancelled() => return,
            _ = changed.notified() => continue,
            _ = discover(&ctx, &settings, &mut exported) => {}
        }
        // These settings cannot reach the API: wait for others.
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = changed.notified() => {}
        }
    }
}

/// Watches what the settings name and exports their targets; returns
/// only when there is nothing to watch.
async fn discover(ctx: &Ctx, settings: &Settings, exported: &mut Vec<Labels>) {
    let api = match &settings.api {
        Ok(api) => api.clone(),
        Err(error) => return ctx.set_health(HealthKind::Unhealthy, error.to_string()),
    };
    let beta = version(ctx, &api, settings.role).await;
    let specs = specs(settings, beta);
    let (tx, mut rx) = mpsc::unbounded_channel();
    // Dropped with this future, which aborts the watches.
    let mut tasks = JoinSet::new();
    for (id, spec) in specs.into_iter().enumerate() {
        start(&mut tasks, api.clone(), spec, id, tx.clone());
    }
    drop(tx);
    let mut state =
        State { cache: Cache::default(), watches: vec![(false, None); tasks.len()], due: None };
    loop {
        let due = state.due.filter(|_| state.listed());
        tokio::select! {
            message = rx.recv() => match message {
                Some(message) => state.take(ctx, message),
                None => return,
            },
            Some(Err(error)) = tasks.join_next() => {
                ctx.set_health(HealthKind::Unhealthy, format!("a watch stopped: {error}"));
            }
            () = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {
                state.publish(ctx, settings, exported);
            }
        }
    }
}

/// Whether the role's resource is to be read as `v1beta1`, asked until
/// the server answers.
async fn version(ctx: &Ctx, api: &Api, role: Role) -> bool {
    let mut pause = BACKOFF.0;
    loop {
        match spec::needs_beta(api, role).await {
            Ok(beta) => return beta,
            Err(error) => ctx.set_health(HealthKind::Unhealthy, error.to_string()),
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(BACKOFF.1);
    }
}

/// The watches of a role: each resource it reads, in each namespace
/// (nodes have none), with that resource's selectors.
fn specs(settings: &Settings, beta: bool) -> Vec<Spec> {
    let mut out = Vec::new();
    for role in settings.role.resources(settings.attach_node) {
        let selector = settings.selectors.get(&role).cloned().unwrap_or_default();
        let namespaces: Vec<Option<String>> = match role {
            Role::Node => vec![None],
            _ if settings.namespaces.is_empty() => vec![None],
            _ => settings.namespaces.iter().cloned().map(Some).collect(),
        };
        for namespace in namespaces {
            out.push(Spec { role, namespace, selector: selector.clone(), beta });
        }
    }
    out
}

fn start(
    tasks: &mut JoinSet<()>,
    api: Arc<Api>,
    spec: Spec,
    id: usize,
    tx: UnboundedSender<Message>,
) {
    match spec.role {
        Role::Node => tasks.spawn(client::watch::<Node>(api, spec, id, tx)),
        Role::Pod => tasks.spawn(client::watch::<Pod>(api, spec, id, tx)),
        Role::Service => tasks.spawn(client::watch::<Service>(api, spec, id, tx)),
        Role::Endpoints => tasks.spawn(client::watch::<Endpoints>(api, spec, id, tx)),
        Role::EndpointSlice => tasks.spawn(client::watch::<EndpointSlice>(api, spec, id, tx)),
        Role::Ingress => tasks.spawn(client::watch::<Ingress>(api, spec, id, tx)),
    };
}

struct State {
    cache: Cache,
    /// Each watch: whether it has listed once, and why it fails now.
    watches: Vec<(bool, Option<Error>)>,
    /// When to make the targets anew, after changes.
    due: Option<Instant>,
}

impl State {
    fn take(&mut self, ctx: &Ctx, message: Message) {
        match message {
            Message::Listed(id, apply) => {
                apply(&mut self.cache);
                if let Some(watch) = self.watches.get_mut(id) {
                    *watch = (true, None);
                }
            }
            Message::Changed(apply) => apply(&mut self.cache),
            Message::Failed(id, error) => {
                if let Some(watch) = self.watches.get_mut(id) {
                    watch.1 = Some(error);
                }
                return self.health(ctx, None);
            }
        }
        self.due.get_or_insert_with(|| Instant::now() + SETTLE);
    }

    fn listed(&self) -> bool {
        self.watches.iter().all(|(listed, _)| *listed)
    }

    fn publish(&mut self, ctx: &Ctx, settings: &Settings, exported: &mut Vec<Labels>) {
        self.due = None;
        let found = settings.targets(&self.cache);
        if found != *exported {
            export(ctx, &found);
            *exported = found;
        }
        self.health(ctx, Some(exported.len()));
    }

    /// Unhealthy while a watch fails; healthy, with the number of
    /// targets, once every watch works.
    fn health(&self, ctx: &Ctx, targets: Option<usize>) {
        match (self.watches.iter().find_map(|(_, e)| e.as_ref()), targets) {
            (Some(error), _) => ctx.set_health(HealthKind::Unhealthy, error.to_string()),
            (None, Some(n)) => ctx.set_health(HealthKind::Healthy, format!("{n} targets")),
            (None, None) => {}
        }
    }
}
