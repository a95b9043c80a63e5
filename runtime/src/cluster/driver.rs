//! The gossip task: drives the membership with packets from the HTTP
//! route, its own timers, joins (at start and every rejoin interval) and
//! the graceful leave; sends packets as HTTP POSTs to the peers' servers.

use std::sync::Arc;

use foca::Timer;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

use super::client::SEND_TIMEOUT;
use super::membership::{state_of, Effects, Member, Node};
use super::{Cluster, Peer, PeerState};

/// The route gossip packets are POSTed to.
pub const GOSSIP_PATH: &str = "/api/v1/cluster/gossip";

pub enum Input {
    Packet(Vec<u8>),
    Timer(Timer<Member>),
    Join,
    Leave(oneshot::Sender<()>),
}

struct Driver {
    cluster: Arc<Cluster>,
    node: Node,
    client: reqwest::Client,
    inbox: mpsc::Sender<Input>,
    sends: JoinSet<()>,
    /// Whether the last join was refused (another cluster's name): said
    /// once, not at every rejoin.
    warned: bool,
}

pub async fn run(cluster: Arc<Cluster>, mut receiver: mpsc::Receiver<Input>) {
    let Some(inbox) = cluster.inbox.get().cloned() else { return };
    let settings = &cluster.settings;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let bump = now.map(|d| d.as_nanos() as u64).unwrap_or(1);
    let this = Member {
        name: settings.node_name.clone(),
        addr: settings.advertise_address.clone(),
        bump,
        state: state_of(PeerState::Viewer),
    };
    let node = Node::new(this, &settings.cluster_name, Node::config(), bump ^ 0x5eed);
    // The flags were checked with this same client at start.
    let client = super::client::client(settings.tls.as_ref()).unwrap_or_default();
    let mut driver = Driver {
        cluster: cluster.clone(),
        node,
        client,
        inbox,
        sends: JoinSet::new(),
        warned: false,
    };
    tracing::info!(
        node = %settings.node_name,
        advertise_addr = %settings.advertise_address,
        "starting cluster node"
    );
    driver.join().await;
    // Started: take a share of the ring, as the reference after startup.
    driver.step(|node, fx| node.set_state(PeerState::Participant, fx));
    if let Some(every) = settings.rejoin_interval {
        let inbox = driver.inbox.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            while inbox.send(Input::Join).await.is_ok() {
                ticks.tick().await;
            }
        });
    }
    while let Some(input) = receiver.recv().await {
        match input {
            Input::Packet(packet) => driver.packet(&packet),
            Input::Timer(timer) => driver.step(|node, fx| node.handle_timer(timer, fx)),
            Input::Join => driver.join().await,
            Input::Leave(done) => {
                driver.leave().await;
                let _ = done.send(());
                return;
            }
        }
        while driver.sends.try_join_next().is_some() {}
    }
}

impl Driver {
    /// Runs one call on the node and carries out what it asks.
    fn step(&mut self, call: impl FnOnce(&mut Node, &mut Effects)) {
        let mut fx = self.node.effects();
        call(&mut self.node, &mut fx);
        self.apply(fx);
    }

    fn packet(&mut self, packet: &[u8]) {
        let mut fx = self.node.effects();
        if let Err(e) = self.node.handle_packet(packet, &mut fx) {
            tracing::debug!(err = %e, "gossip packet ignored");
        }
        self.apply(fx);
    }

    fn apply(&mut self, fx: Effects) {
        let metrics = self.cluster.metrics.as_ref();
        for event in &fx.events {
            metrics.inspect(|m| m.event(event));
        }
        if fx.changed {
            self.publish();
        }
        for (timer, after) in fx.timers {
            let inbox = self.inbox.clone();
            tokio::spawn(async move {
                tokio::time::sleep(after).await;
                let _ = inbox.send(Input::Timer(timer)).await;
            });
        }
        for (addr, data) in fx.sends {
            let sent = send(self.cluster.clone(), self.client.clone(), addr, data);
            self.sends.spawn(async move {
                let _ = sent.await;
            });
        }
    }

    /// Tells the cluster handle what the membership is now.
    fn publish(&self) {
        let this = self.node.identity();
        let mut peers = vec![peer(this, true)];
        peers.extend(self.node.members().iter().map(|m| peer(m, false)));
        if let Some(m) = &self.cluster.metrics {
            m.lamport.add(1.0);
        }
        self.cluster.set_view(peers);
    }

    /// Announces this node to the join addresses (resolved now).
    async fn join(&mut self) {
        let peers = super::resolve::join_peers(&self.cluster.settings).await;
        if peers.is_empty() {
            return;
        }
        tracing::info!(peers = %peers.join(","), "joining cluster peers");
        let mut fx = self.node.effects();
        for addr in &peers {
            self.node.announce(addr, &mut fx);
        }
        // Joins are awaited, so that a refusal is told once, here.
        let mut refused = Vec::new();
        for (addr, data) in fx.sends.drain(..) {
            let client = self.client.clone();
            if let Err(e) = send(self.cluster.clone(), client, addr.clone(), data).await {
                refused.push(format!("{addr}: {e}"));
            }
        }
        if refused.len() == peers.len() && !self.warned {
            tracing::warn!(err = %refused.join("; "), "failed to join the cluster; running alone until a rejoin succeeds");
        }
        self.warned = refused.len() == peers.len();
        self.apply(fx);
    }

    /// Terminating first, so the others take this node's share while it
    /// stops, then gone; each step's packets delivered before the next.
    async fn leave(&mut self) {
        tracing::info!("leaving the cluster");
        self.step(|node, fx| node.set_state(PeerState::Terminating, fx));
        self.flush().await;
        self.step(|node, fx| node.leave(fx));
        self.flush().await;
    }

    async fn flush(&mut self) {
        let _ = tokio::time::timeout(SEND_TIMEOUT, async {
            while self.sends.join_next().await.is_some() {}
        })
        .await;
    }
}

fn peer(member: &Member, is_self: bool) -> Peer {
    Peer {
        name: member.name.clone(),
        address: member.addr.clone(),
        state: member.peer_state(),
        is_self,
    }
}

/// POSTs one packet; the error says why it was not taken.
async fn send(
    cluster: Arc<Cluster>,
    client: reqwest::Client,
    addr: String,
    data: Vec<u8>,
) -> Result<(), String> {
    let len = data.len();
    let scheme = if cluster.settings.tls.is_some() { "https" } else { "http" };
    let sent = client.post(format!("{scheme}://{addr}{GOSSIP_PATH}")).body(data).send().await;
    let result = match sent {
        Ok(answer) if answer.status().is_success() => Ok(()),
        Ok(answer) => {
            let status = answer.status();
            let body = answer.text().await.unwrap_or_default();
            Err(format!("{status}: {}", body.trim()))
        }
        Err(e) => Err(e.to_string()),
    };
    if let Some(m) = &cluster.metrics {
        match &result {
            Ok(()) => {
                m.tx_packets.add(1.0);
                m.tx_bytes.add(len as f64);
            }
            Err(_) => m.tx_failed.add(1.0),
        }
    }
    result
}
