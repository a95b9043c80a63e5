//! Membership over an in-memory network with a simulated clock: packets
//! take a millisecond, timers fire when the clock reaches them, and a
//! stopped node neither answers nor runs its timers.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use foca::Timer;

use super::membership::{Effects, Member, Node};
use super::PeerState;

enum Event {
    Packet { to: String, data: Vec<u8> },
    Timer { node: String, timer: Timer<Member> },
}

struct Net {
    nodes: BTreeMap<String, Node>,
    stopped: HashSet<String>,
    /// (time in ms, sequence) -> event.
    queue: BTreeMap<(u64, u64), Event>,
    now: u64,
    seq: u64,
}

impl Net {
    fn new() -> Net {
        Net {
            nodes: BTreeMap::new(),
            stopped: HashSet::new(),
            queue: BTreeMap::new(),
            now: 0,
            seq: 0,
        }
    }

    fn add(&mut self, name: &str, cluster: &str) -> String {
        let addr = format!("127.0.0.1:{}", 12345 + self.nodes.len());
        let this = Member { name: name.into(), addr: addr.clone(), bump: self.now + 1, state: 0 };
        let node = Node::new(this, cluster, Node::config(), self.nodes.len() as u64 + 7);
        self.nodes.insert(addr.clone(), node);
        addr
    }

    fn push(&mut self, after_ms: u64, event: Event) {
        self.seq += 1;
        self.queue.insert((self.now + after_ms, self.seq), event);
    }

    fn apply(&mut self, from: &str, fx: Effects) {
        for (to, data) in fx.sends {
            self.push(1, Event::Packet { to, data });
        }
        for (timer, after) in fx.timers {
            let node = from.to_owned();
            self.push(after.as_millis() as u64, Event::Timer { node, timer });
        }
    }

    fn with(&mut self, addr: &str, f: impl FnOnce(&mut Node, &mut Effects)) {
        let node = self.nodes.get_mut(addr).expect("a node of the test");
        let mut fx = node.effects();
        f(node, &mut fx);
        self.apply(addr, fx);
    }

    fn run_for(&mut self, ms: u64) {
        let end = self.now + ms;
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 > end {
                break;
            }
            let ((at, _), event) = entry.remove_entry();
            self.now = at;
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
        self.now = end;
    }

    /// The names a node sees alive, itself included, sorted.
    fn view(&self, addr: &str) -> Vec<String> {
        let node = &self.nodes[addr];
        let mut names: Vec<String> = node.members().into_iter().map(|m| m.name).collect();
        names.push(node.identity().name.clone());
        names.sort();
        names
    }
}

fn cluster_of(n: usize) -> (Net, Vec<String>) {
    let mut net = Net::new();
    let addrs: Vec<String> = (0..n).map(|i| net.add(&format!("node-{i}"), "")).collect();
    for addr in &addrs[1..] {
        let seed = addrs[0].clone();
        net.with(addr, |node, fx| node.announce(&seed, fx));
    }
    net.run_for(5_000);
    (net, addrs)
}

#[test]
fn members_converge() {
    let (net, addrs) = cluster_of(5);
    let all: Vec<String> = (0..5).map(|i| format!("node-{i}")).collect();
    for addr in &addrs {
        assert_eq!(net.view(addr), all, "the view of {addr}");
    }
}

#[test]
fn a_member_that_stops_answering_is_declared_down() {
    let (mut net, addrs) = cluster_of(3);
    net.stopped.insert(addrs[2].clone());
    net.run_for(15_000);
    for addr in &addrs[..2] {
        assert_eq!(net.view(addr), ["node-0", "node-1"], "the view of {addr}");
    }
    // Resumed, it comes back as a newer identity of the same name.
    net.stopped.clear();
    net.run_for(15_000);
    for addr in &addrs {
        assert_eq!(net.view(addr), ["node-0", "node-1", "node-2"], "the view of {addr}");
    }
}

#[test]
fn another_cluster_name_cannot_join() {
    let (mut net, addrs) = cluster_of(2);
    let stranger = net.add("stranger", "other");
    let seed = addrs[0].clone();
    net.with(&stranger, |node, fx| node.announce(&seed, fx));
    net.run_for(5_000);
    assert_eq!(net.view(&addrs[0]), ["node-0", "node-1"]);
    assert_eq!(net.view(&stranger), ["stranger"]);
    let packet = super::membership::seal("other", b"x");
    let refused = super::membership::open("", &packet).unwrap_err();
    assert!(refused.contains("\"other\""), "{refused}");
}

#[test]
fn states_spread_and_a_leaving_node_is_gone() {
    let (mut net, addrs) = cluster_of(3);
    net.with(&addrs[1], |node, fx| node.set_state(PeerState::Participant, fx));
    net.run_for(3_000);
    let states = |net: &Net, at: &str| -> Vec<(String, PeerState)> {
        let mut s: Vec<_> =
            net.nodes[at].members().into_iter().map(|m| (m.name.clone(), m.peer_state())).collect();
        s.sort_by(|a, b| a.0.cmp(&b.0));
        s
    };
    assert_eq!(
        states(&net, &addrs[0]),
        [("node-1".into(), PeerState::Participant), ("node-2".into(), PeerState::Viewer)]
    );
    net.with(&addrs[1], |node, fx| node.set_state(PeerState::Terminating, fx));
    net.run_for(2_000);
    assert_eq!(states(&net, &addrs[2])[1], ("node-1".into(), PeerState::Terminating));
    net.with(&addrs[1], |node, fx| node.leave(fx));
    net.run_for(2_000);
    assert_eq!(net.view(&addrs[0]), ["node-0", "node-2"]);
    assert_eq!(net.view(&addrs[2]), ["node-0", "node-2"]);
}

#[test]
fn a_node_joins_later_and_everyone_sees_it() {
    let (mut net, addrs) = cluster_of(2);
    let late = net.add("late", "");
    let seed = addrs[1].clone();
    net.with(&late, |node, fx| node.announce(&seed, fx));
    net.run_for(Duration::from_secs(5).as_millis() as u64);
    for addr in addrs.iter().chain([&late]) {
        assert_eq!(net.view(addr), ["late", "node-0", "node-1"], "the view of {addr}");
    }
}
