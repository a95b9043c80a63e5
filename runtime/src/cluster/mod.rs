//! Clustering: `flow run` nodes that share the work. Membership is gossip
//! over the HTTP server (as the reference carries memberlist over its
//! HTTP server); a consistent hash ring of 512 tokens per participant
//! (xxhash64, as grafana/ckit's) decides which node owns a key, such as
//! a scrape target's. Without `--cluster.enabled` the node is alone and
//! owns every key.
//!
//! (API first: the membership, the ring and the flags are filled in
//! behind it; components use only what is here.)
//!
//! (From cluster-scrape: `Cluster::with_owner` and `set_owner` are the
//! test hook of components' unit tests (prometheus.scrape's): an enabled
//! cluster whose ownership is a function. Please keep them, and the
//! `fake_owner` check first in `owns`, through the rewrite.)

mod client;
mod driver;
pub mod flags;
mod interfaces;
mod membership;
mod metrics;
mod resolve;
pub mod ring;
/// The in-memory network of the tests and of `examples/cluster_sim.rs`.
#[doc(hidden)]
pub mod sim;
#[cfg(test)]
mod tests;
pub mod transport;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use parking_lot::RwLock;
use tokio::sync::{mpsc, oneshot, watch};

pub use flags::{Flags, Settings};

/// A node's state, as the reference names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerState {
    /// Owns a share of the ring.
    Participant,
    /// Sees the cluster but owns nothing.
    Viewer,
    /// Leaving: hands its share over.
    Terminating,
}

impl PeerState {
    pub fn as_str(self) -> &'static str {
        match self {
            PeerState::Participant => "participant",
            PeerState::Viewer => "viewer",
            PeerState::Terminating => "terminating",
        }
    }
}

/// A member of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub name: String,
    /// Its HTTP address (`host:port`), where its cluster traffic goes.
    pub address: String,
    pub state: PeerState,
    pub is_self: bool,
}

/// The node's view of its cluster (`Globals::cluster`).
pub struct Cluster {
    enabled: bool,
    settings: Settings,
    view: RwLock<View>,
    /// Bumped on every change of the ring's members.
    version: watch::Sender<u64>,
    /// Tests only (`with_owner`): decides `owns` instead of the ring.
    fake_owner: parking_lot::RwLock<Option<Owner>>,
    metrics: Option<metrics::Metrics>,
    /// The gossip task's inbox, once started.
    inbox: OnceLock<mpsc::Sender<driver::Input>>,
}

/// What the node knows now: the members and the ring of participants.
struct View {
    peers: Vec<Peer>,
    ring: ring::Ring,
}

/// A stand-in for the ring in tests: whether this node owns a key.
pub type Owner = Arc<dyn Fn(u64) -> bool + Send + Sync>;

impl Cluster {
    fn build(settings: Settings, state: PeerState, fake_owner: Option<Owner>) -> Arc<Cluster> {
        let this = Peer {
            name: settings.node_name.clone(),
            address: settings.advertise_address.clone(),
            state,
            is_self: true,
        };
        let metrics = settings.enabled.then(metrics::Metrics::new);
        if let Some(m) = &metrics {
            m.set_state(state.as_str(), state.as_str());
            m.set_peers(std::slice::from_ref(&this));
        }
        Arc::new(Cluster {
            enabled: settings.enabled,
            settings,
            view: RwLock::new(View { peers: vec![this], ring: ring::Ring::default() }),
            version: watch::channel(0).0,
            fake_owner: RwLock::new(fake_owner),
            metrics,
            inbox: OnceLock::new(),
        })
    }

    /// A node alone (clustering off): it owns every key.
    pub fn standalone(name: String, address: String) -> Arc<Cluster> {
        let settings =
            Settings { node_name: name, advertise_address: address, ..Settings::default() };
        Cluster::build(settings, PeerState::Participant, None)
    }

    /// The node of these settings: alone when clustering is off, else a
    /// viewer until `start` joins. An advertised port 0 (a test's
    /// listener) is the port the server got.
    pub fn new(mut settings: Settings, bound: std::net::SocketAddr) -> Arc<Cluster> {
        if !settings.enabled {
            return Cluster::standalone(settings.node_name, bound.to_string());
        }
        if let Some(host) = settings.advertise_address.strip_suffix(":0") {
            settings.advertise_address = format!("{host}:{}", bound.port());
        }
        if settings.default_port == 0 {
            settings.default_port = bound.port();
        }
        Cluster::build(settings, PeerState::Viewer, None)
    }

    /// For components' tests: an enabled cluster of which this node owns
    /// the keys `owner` says, with no membership behind it.
    #[doc(hidden)]
    pub fn with_owner(owner: Owner) -> Arc<Cluster> {
        let settings = Settings {
            enabled: true,
            node_name: "test".into(),
            advertise_address: "127.0.0.1:0".into(),
            ..Settings::default()
        };
        Cluster::build(settings, PeerState::Participant, Some(owner))
    }

    /// For components' tests: a new ownership, announced as a change of
    /// the ring's members.
    #[doc(hidden)]
    pub fn set_owner(&self, owner: Owner) {
        *self.fake_owner.write() = Some(owner);
        self.version.send_modify(|v| *v += 1);
    }

    /// Whether `--cluster.enabled` is on.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Whether this node owns `key` (a target's `key`): the first
    /// participant at or after the key on the ring.
    pub fn owns(&self, key: u64) -> bool {
        if let Some(owner) = &*self.fake_owner.read() {
            return owner(key);
        }
        if !self.enabled {
            return true;
        }
        self.view.read().ring.owner(key) == Some(self.settings.node_name.as_str())
    }

    /// Every known member, this node included.
    pub fn peers(&self) -> Vec<Peer> {
        self.view.read().peers.clone()
    }

    /// Changes whenever the ring's members change (a component then
    /// filters its targets again).
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        let receiver = self.version.subscribe();
        if let Some(m) = &self.metrics {
            m.observers.set(self.version.receiver_count() as f64);
        }
        receiver
    }

    /// The cluster's metrics, to serve on `/metrics` (clustering on).
    pub fn metrics_registry(&self) -> Option<Arc<crate::metrics::Registry>> {
        self.metrics.as_ref().map(|m| m.registry.clone())
    }

    /// Starts gossip (clustering on): joins the peers of the flags, then
    /// takes part in the ring. Call once the HTTP server serves.
    pub fn start(self: &Arc<Self>, tasks: &tokio_util::task::TaskTracker) {
        if self.enabled && self.inbox.get().is_none() {
            let (inbox, receiver) = mpsc::channel(4096);
            if self.inbox.set(inbox).is_ok() {
                tasks.spawn(driver::run(self.clone(), receiver));
            }
        }
    }

    /// Leaves gracefully: terminating (the others take this node's share),
    /// then gone. Returns at the latest after five seconds.
    pub async fn leave(&self) {
        let Some(inbox) = self.inbox.get() else { return };
        let (done, wait) = oneshot::channel();
        if inbox.send(driver::Input::Leave(done)).await.is_ok() {
            let _ = tokio::time::timeout(Duration::from_secs(5), wait).await;
        }
    }

    /// Takes in what gossip learnt: the members and this node's state.
    fn set_view(&self, mut peers: Vec<Peer>) {
        peers.sort_by(|a, b| (!a.is_self, &a.name).cmp(&(!b.is_self, &b.name)));
        let participants: Vec<&str> = peers
            .iter()
            .filter(|p| p.state == PeerState::Participant)
            .map(|p| p.name.as_str())
            .collect();
        let ring = ring::Ring::new(&participants);
        let mut view = self.view.write();
        let moved = view.ring.nodes() != ring.nodes();
        if let Some(m) = &self.metrics {
            let (before, now) = (view.peers[0].state.as_str(), peers[0].state.as_str());
            m.set_state(before, now);
            m.set_peers(&peers);
        }
        *view = View { peers, ring };
        drop(view);
        if moved {
            self.version.send_modify(|v| *v += 1);
        }
    }
}

/// The ring key of a string: xxhash64, seed 0 (ckit's `shard.StringKey`).
pub fn key(text: &str) -> u64 {
    xxhash_rust::xxh64::xxh64(text.as_bytes(), 0)
}
