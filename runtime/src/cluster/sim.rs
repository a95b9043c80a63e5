//! The simulation harness: membership over an in-memory network with a
//! simulated clock, shared by the unit tests (tests.rs) and the scaling
//! simulation (`examples/cluster_sim.rs`, run by `bench/cluster.py`).
//! Packets take a millisecond, timers fire when the clock reaches them,
//! and a stopped node neither answers nor runs its timers. Not part of
//! `flow run`: public only so that the example can drive it.

use std::collections::{BTreeMap, HashSet};

use foca::Timer;

use super::membership::{Effects, Member, Node};
use super::PeerState;

/// How long a packet takes between two nodes, in simulated ms.
const LATENCY_MS: u64 = 1;

enum Event {
    Packet { to: String, data: Vec<u8> },
    Timer { node: String, timer: Timer<Member> },
}

/// The nodes (by address), their network and the clock.
#[derive(Default)]
pub struct Net {
    nodes: BTreeMap<String, Node>,
    stopped: HashSet<String>,
    /// (time in ms, sequence) -> event: the sequence keeps events of one
    /// instant in the order they were made, so a run is reproducible.
    queue: BTreeMap<(u64, u64), Event>,
    now: u64,
    seq: u64,
    /// Every byte sent so far, envelopes included (to any node).
    bytes_sent: u64,
}

impl Net {
    pub fn new() -> Net {
        Net::default()
    }

    /// A node named `name` of cluster `cluster`, a viewer: its address.
    pub fn add(&mut self, name: &str, cluster: &str) -> String {
        let addr = format!("127.0.0.1:{}", 12345 + self.nodes.len());
        let this = Member { name: name.into(), addr: addr.clone(), bump: self.now + 1, state: 0 };
        let node = Node::new(this, cluster, Node::config(), self.nodes.len() as u64 + 7);
        self.nodes.insert(addr.clone(), node);
        addr
    }

    /// `n` nodes `node-0`.. that ask `node-0` to let them in, then `settle_ms`.
    pub fn cluster_of(n: usize, settle_ms: u64) -> (Net, Vec<String>) {
        let mut net = Net::new();
        let addrs: Vec<String> = (0..n).map(|i| net.add(&format!("node-{i}"), "")).collect();
        for addr in &addrs[1..] {
            net.announce(addr, &addrs[0]);
        }
        net.run_for(settle_ms);
        (net, addrs)
    }

    /// The node at `addr` asks the node at `seed` to let it in.
    pub fn announce(&mut self, addr: &str, seed: &str) {
        self.with(addr, |node, fx| node.announce(seed, fx));
    }

    pub fn set_state(&mut self, addr: &str, state: PeerState) {
        self.with(addr, |node, fx| node.set_state(state, fx));
    }

    pub fn leave(&mut self, addr: &str) {
        self.with(addr, |node, fx| node.leave(fx));
    }

    /// The node stops answering, as if paused or killed.
    pub fn stop(&mut self, addr: &str) {
        self.stopped.insert(addr.to_owned());
    }

    pub fn resume(&mut self, addr: &str) {
        self.stopped.remove(addr);
    }

    /// The simulated time, in ms.
    pub fn now(&self) -> u64 {
        self.now
    }

    pub fn bytes_sent(&self) -> u64 {
        self.bytes_sent
    }

    fn push(&mut self, after_ms: u64, event: Event) {
        self.seq += 1;
        self.queue.insert((self.now + after_ms, self.seq), event);
    }

    fn apply(&mut self, from: &str, fx: Effects) {
        for (to, data) in fx.sends {
            self.bytes_sent += data.len() as u64;
            self.push(LATENCY_MS, Event::Packet { to, data });
        }
        for (timer, after) in fx.timers {
            let node = from.to_owned();
            self.push(after.as_millis() as u64, Event::Timer { node, timer });
        }
    }

    fn with(&mut self, addr: &str, f: impl FnOnce(&mut Node, &mut Effects)) {
        let node = self.nodes.get_mut(addr).expect("a node of the simulation");
        let mut fx = node.effects();
        f(node, &mut fx);
        self.apply(addr, fx);
    }

    /// Runs every event due in the next `ms`.
    pub fn run_for(&mut self, ms: u64) {
        let end = self.now + ms;
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 > end {
                break;
            }
            let ((at, _), event) = entry.remove_entry();
            self.now = at;
            self.deliver(event);
        }
        self.now = end;
    }

    fn deliver(&mut self, event: Event) {
        match event {
            Event::Packet { to, data } if !self.stopped.contains(&to) => {
                if self.nodes.contains_key(&to) {
                    self.with(&to, |node, fx| {
                        let _ = node.handle_packet(&data, fx);
                    });
                }
            }
            Event::Timer { node, timer } if !self.stopped.contains(&node) => {
                self.with(&node, |n, fx| n.handle_timer(timer, fx));
            }
            // A stopped node's timers wait until it resumes.
            Event::Timer { node, timer } => self.push(100, Event::Timer { node, timer }),
            Event::Packet { .. } => {}
        }
    }

    /// Runs `step_ms` at a time until `done` holds: the simulated ms it
    /// took, or `None` if it still does not after `limit_ms`.
    pub fn run_until(
        &mut self,
        step_ms: u64,
        limit_ms: u64,
        done: impl Fn(&Net) -> bool,
    ) -> Option<u64> {
        let start = self.now;
        while self.now - start < limit_ms {
            self.run_for(step_ms);
            if done(self) {
                return Some(self.now - start);
            }
        }
        None
    }

    /// Whether every running node other than `name`'s sees `name` alive
    /// (`alive`), or every one sees it gone (`!alive`).
    pub fn all_see(&self, name: &str, alive: bool) -> bool {
        self.nodes
            .iter()
            .filter(|(addr, node)| !self.stopped.contains(*addr) && node.identity().name != name)
            .all(|(_, node)| node.sees(name) == alive)
    }

    /// The fewest members any running node sees, itself included.
    pub fn smallest_view(&self) -> usize {
        let running = self.nodes.iter().filter(|(addr, _)| !self.stopped.contains(*addr));
        running.map(|(_, node)| node.member_count() + 1).min().unwrap_or(0)
    }

    /// The names a node sees alive, itself included, sorted.
    pub fn view(&self, addr: &str) -> Vec<String> {
        let node = &self.nodes[addr];
        let mut names: Vec<String> = node.members().into_iter().map(|m| m.name).collect();
        names.push(node.identity().name.clone());
        names.sort();
        names
    }

    /// The other members a node sees and their states, sorted by name.
    pub fn states(&self, addr: &str) -> Vec<(String, PeerState)> {
        let members = self.nodes[addr].members();
        let mut states: Vec<_> =
            members.into_iter().map(|m| (m.name.clone(), m.peer_state())).collect();
        states.sort_by(|a, b| a.0.cmp(&b.0));
        states
    }
}
