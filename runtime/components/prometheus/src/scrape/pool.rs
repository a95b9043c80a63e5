//! The scrape loops of one component and the targets they are for: every
//! target, or, with `clustering { enabled = true }` on a node of a
//! cluster, only the targets this node owns on the ring. The ownership is
//! worked out again whenever the ring's members change, so a target that
//! moves away stops here (with staleness markers, as any target gone) and
//! one that moves here starts.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use rustc_hash::FxHashSet as HashSet;
use tokio_util::sync::CancellationToken;

use river_runtime::component::{Ctx, HealthKind};
use river_runtime::metrics::AtomicF64;

use super::error::ScrapeError;
use super::target::Target;
use super::{scrape_loop, Shared};

/// What the API shows of a target.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub url: String,
    pub labels: String,
    pub up: bool,
    pub last_error: String,
    pub last_scrape_ms: i64,
    pub duration: Duration,
}

/// A running scrape loop: what stops it, and what it last saw.
type Loop = (CancellationToken, Arc<Mutex<Status>>);

/// The targets of the arguments, each with its ring key.
#[derive(Default)]
struct Discovered {
    targets: Vec<(Target, u64)>,
    /// The `clustering` block's `enabled`.
    clustered: bool,
}

pub struct Pool {
    ctx: Ctx,
    shared: Arc<Shared>,
    discovered: Mutex<Discovered>,
    loops: Mutex<HashMap<Target, Loop>>,
    targets_gauge: Arc<AtomicF64>,
}

impl Pool {
    pub fn new(ctx: Ctx, shared: Arc<Shared>) -> Arc<Pool> {
        let targets_gauge = ctx
            .metrics
            .gauge("agent_prometheus_scrape_targets_gauge", "Targets this component scrapes.");
        let pool = Arc::new(Pool {
            ctx: ctx.clone(),
            shared,
            discovered: Mutex::default(),
            loops: Mutex::default(),
            targets_gauge,
        });
        if ctx.globals.cluster.enabled() {
            ctx.spawn(follow_ring(pool.clone()));
        }
        pool
    }

    /// New targets from the arguments: loops start and stop to match.
    pub fn set(&self, targets: Vec<(Target, u64)>, clustered: bool) {
        let mut discovered = self.discovered.lock();
        *discovered = Discovered { targets, clustered };
        self.apply(&discovered);
    }

    /// The status of every running loop.
    pub fn statuses(&self) -> Vec<Status> {
        self.loops.lock().values().map(|(_, status)| status.lock().clone()).collect()
    }

    /// Starts loops for the targets this node scrapes and stops the
    /// others. The caller holds `discovered`, so two calls never mix.
    fn apply(&self, discovered: &Discovered) {
        let cluster = &self.ctx.globals.cluster;
        let distribute = discovered.clustered && cluster.enabled();
        let wanted: HashSet<&Target> = discovered
            .targets
            .iter()
            .filter(|(_, key)| !distribute || cluster.owns(*key))
            .map(|(target, _)| target)
            .collect();
        let total: HashSet<&Target> = discovered.targets.iter().map(|(t, _)| t).collect();
        let limit = self.shared.settings.read().target_limit;
        *self.shared.forced_error.lock() = (limit > 0 && wanted.len() > limit).then(|| {
            ScrapeError::Limit(format!(
                "target_limit exceeded: {} targets, the limit is {limit}",
                wanted.len()
            ))
        });
        let mut loops = self.loops.lock();
        loops.retain(|target, (stop, _)| {
            let keep = wanted.contains(target);
            if !keep {
                stop.cancel();
            }
            keep
        });
        for target in wanted {
            if !loops.contains_key(target) {
                loops.insert(target.clone(), self.start(target));
            }
        }
        self.targets_gauge.set(loops.len() as f64);
        let message = if distribute {
            format!("{} targets (this node's share of {} in the cluster)", loops.len(), total.len())
        } else {
            format!("{} targets", loops.len())
        };
        self.ctx.set_health(HealthKind::Healthy, message);
    }

    fn start(&self, target: &Target) -> Loop {
        let stop = self.ctx.cancel.child_token();
        let status = Arc::new(Mutex::new(Status {
            url: target.url(),
            labels: target.labels.to_string(),
            ..Status::default()
        }));
        let task = scrape_loop::run(
            self.ctx.clone(),
            target.clone(),
            self.shared.clone(),
            stop.clone(),
            status.clone(),
        );
        self.ctx.spawn(task);
        (stop, status)
    }
}

/// Filters the targets again on every change of the ring's members,
/// until the component stops.
async fn follow_ring(pool: Arc<Pool>) {
    let mut changes = pool.ctx.globals.cluster.subscribe();
    loop {
        tokio::select! {
            _ = pool.ctx.cancel.cancelled() => return,
            changed = changes.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
        let discovered = pool.discovered.lock();
        pool.apply(&discovered);
    }
}
