//! The reference's cluster metrics (grafana/ckit's names), on `/metrics`
//! while clustering is on. Gossip traffic is counted at the HTTP
//! transport, in packets and bytes each way.

use std::sync::Arc;

use crate::metrics::{AtomicF64, Family, Kind, Registry};

pub struct Metrics {
    pub registry: Arc<Registry>,
    info: Arc<Family>,
    peers: Arc<Family>,
    pub lamport: Arc<AtomicF64>,
    pub observers: Arc<AtomicF64>,
    pub alive: Arc<AtomicF64>,
    events: Arc<Family>,
    pub rx_packets: Arc<AtomicF64>,
    pub rx_bytes: Arc<AtomicF64>,
    pub rx_failed: Arc<AtomicF64>,
    pub tx_packets: Arc<AtomicF64>,
    pub tx_bytes: Arc<AtomicF64>,
    pub tx_failed: Arc<AtomicF64>,
}

impl Metrics {
    pub fn new() -> Metrics {
        let r = Arc::new(Registry::default());
        let info = r.family(
            "cluster_node_info",
            "Info about the local node. Label values will change as the node changes state.",
            Kind::Gauge,
            &["state"],
        );
        let peers = r.family(
            "cluster_node_peers",
            "Current number of healthy peers by state",
            Kind::Gauge,
            &["state"],
        );
        let events = r.family(
            "cluster_node_gossip_received_events_total",
            "Total number of gossip messages handled by the node.",
            Kind::Counter,
            &["event"],
        );
        let counter = |name: &str, help: &str| r.counter(name, help);
        Metrics {
            lamport: r.gauge(
                "cluster_node_lamport_time",
                "The node's lamport time: membership changes it has seen or made.",
            ),
            observers: r.gauge(
                "cluster_node_update_observers",
                "Number of internal observers waiting for changes to cluster state.",
            ),
            alive: r.gauge(
                "cluster_node_gossip_alive_peers",
                "How many alive gossip peers a node has, including the local node.",
            ),
            rx_packets: counter(
                "cluster_transport_rx_packets_total",
                "Total number of gossip packets received.",
            ),
            rx_bytes: counter(
                "cluster_transport_rx_bytes_total",
                "Total bytes of gossip received.",
            ),
            rx_failed: counter(
                "cluster_transport_rx_packets_failed_total",
                "Total number of gossip packets refused (another cluster, malformed).",
            ),
            tx_packets: counter(
                "cluster_transport_tx_packets_total",
                "Total number of gossip packets sent.",
            ),
            tx_bytes: counter("cluster_transport_tx_bytes_total", "Total bytes of gossip sent."),
            tx_failed: counter(
                "cluster_transport_tx_packets_failed_total",
                "Total number of gossip packets that could not be delivered.",
            ),
            registry: r.clone(),
            info,
            peers,
            events,
        }
    }

    /// The node's own state (one series, the old one removed).
    pub fn set_state(&self, before: &str, now: &str) {
        if before != now {
            self.info.remove(&[before]);
        }
        self.info.with(&[now]).set(1.0);
    }

    /// Peers by state, this node included, as the reference counts them.
    pub fn set_peers(&self, peers: &[super::Peer]) {
        for state in ["participant", "viewer", "terminating"] {
            let count = peers.iter().filter(|p| p.state.as_str() == state).count();
            self.peers.with(&[state]).set(count as f64);
        }
        self.alive.set(peers.len() as f64);
    }

    pub fn event(&self, name: &str) {
        self.events.with(&[name]).add(1.0);
    }
}
