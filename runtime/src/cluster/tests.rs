//! Membership over the simulation harness's in-memory network (sim.rs).

use super::sim::Net;
use super::PeerState;

fn cluster_of(n: usize) -> (Net, Vec<String>) {
    Net::cluster_of(n, 5_000)
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
    net.stop(&addrs[2]);
    net.run_for(15_000);
    for addr in &addrs[..2] {
        assert_eq!(net.view(addr), ["node-0", "node-1"], "the view of {addr}");
    }
    // Resumed, it comes back as a newer identity of the same name.
    net.resume(&addrs[2]);
    net.run_for(15_000);
    for addr in &addrs {
        assert_eq!(net.view(addr), ["node-0", "node-1", "node-2"], "the view of {addr}");
    }
}

#[test]
fn another_cluster_name_cannot_join() {
    let (mut net, addrs) = cluster_of(2);
    let stranger = net.add("stranger", "other");
    net.announce(&stranger, &addrs[0]);
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
    net.set_state(&addrs[1], PeerState::Participant);
    net.run_for(3_000);
    assert_eq!(
        net.states(&addrs[0]),
        [("node-1".into(), PeerState::Participant), ("node-2".into(), PeerState::Viewer)]
    );
    net.set_state(&addrs[1], PeerState::Terminating);
    net.run_for(2_000);
    assert_eq!(net.states(&addrs[2])[1], ("node-1".into(), PeerState::Terminating));
    net.leave(&addrs[1]);
    net.run_for(2_000);
    assert_eq!(net.view(&addrs[0]), ["node-0", "node-2"]);
    assert_eq!(net.view(&addrs[2]), ["node-0", "node-2"]);
}

#[test]
fn a_node_joins_later_and_everyone_sees_it() {
    let (mut net, addrs) = cluster_of(2);
    let late = net.add("late", "");
    net.announce(&late, &addrs[1]);
    let took = net.run_until(100, 5_000, |net| net.all_see("late", true));
    assert!(took.is_some(), "not everyone sees the late node");
    net.run_for(5_000);
    for addr in addrs.iter().chain([&late]) {
        assert_eq!(net.view(addr), ["late", "node-0", "node-1"], "the view of {addr}");
    }
}

#[test]
fn a_killed_node_is_gone_from_every_view_and_bytes_are_counted() {
    let (mut net, addrs) = cluster_of(4);
    assert!(net.bytes_sent() > 0);
    net.stop(&addrs[3]);
    let took = net.run_until(100, 30_000, |net| net.all_see("node-3", false));
    assert!(took.is_some_and(|ms| ms > 1_000), "{took:?}");
}
