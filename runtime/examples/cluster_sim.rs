//! How clustering scales: for each size given, N nodes of the real
//! membership (foca, `flow run`'s settings) over the in-memory network of
//! `cluster::sim` (simulated clock, 1 ms per packet), and the real ring.
//! Prints one JSON object per size; `bench/cluster.py` runs it and makes
//! a table.
//!
//! cargo run --release -p river-runtime --example cluster_sim -- 10 50 100 200

use river_runtime::cluster::ring::Ring;
use river_runtime::cluster::sim::Net;
use river_runtime::cluster::PeerState;

/// Keys spread over the ring, as many as a large scrape job's targets.
const KEYS: usize = 100_000;
/// How long the steady cluster's gossip is counted, in simulated ms.
const STEADY_MS: u64 = 60_000;

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![10, 50, 100, 200] } else { sizes };
    let keys = random_keys();
    for n in sizes.into_iter().filter(|&n| n >= 3) {
        let names: Vec<String> = (0..n).map(|i| format!("node-{i}")).collect();
        let (min, max, rsd) = share(&Ring::new(&names), &keys);
        let moved = moved_on_leave(&names, &keys);
        let gossip = Gossip::measure(n);
        println!(
            "{{\"nodes\": {n}, \"keys_min\": {min}, \"keys_max\": {max}, \"keys_rsd\": {rsd:.4}, \
             \"moved\": {moved:.5}, \"formed_ms\": {}, \"join_ms\": {}, \"down_ms\": {}, \
             \"bytes_per_node_s\": {:.1}}}",
            json(gossip.formed_ms),
            json(gossip.join_ms),
            json(gossip.down_ms),
            gossip.bytes_per_node_s,
        );
    }
}

fn json(ms: Option<u64>) -> String {
    ms.map_or("null".into(), |ms| ms.to_string())
}

/// Uniform 64-bit keys (splitmix64, fixed seed: runs are comparable).
fn random_keys() -> Vec<u64> {
    let mut state: u64 = 0x5eed;
    (0..KEYS)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
        .collect()
}

/// Keys per node: the fewest, the most, and the standard deviation
/// relative to the mean.
fn share(ring: &Ring, keys: &[u64]) -> (usize, usize, f64) {
    let mut counts = std::collections::HashMap::new();
    for &key in keys {
        *counts.entry(ring.owner(key).expect("a ring of nodes")).or_insert(0usize) += 1;
    }
    let n = ring.nodes().len();
    // A node that owns nothing is absent from the map: count it as 0.
    let per_node: Vec<usize> =
        ring.nodes().iter().map(|name| counts.get(name.as_str()).copied().unwrap_or(0)).collect();
    let mean = keys.len() as f64 / n as f64;
    let variance = per_node.iter().map(|&c| (c as f64 - mean).powi(2)).sum::<f64>() / n as f64;
    let (min, max) = (per_node.iter().min(), per_node.iter().max());
    (*min.unwrap_or(&0), *max.unwrap_or(&0), variance.sqrt() / mean)
}

/// The fraction of keys whose owner changes when one node leaves.
fn moved_on_leave(names: &[String], keys: &[u64]) -> f64 {
    let before = Ring::new(names);
    let gone = &names[names.len() / 2];
    let rest: Vec<&String> = names.iter().filter(|name| *name != gone).collect();
    let after = Ring::new(&rest);
    let moved = keys.iter().filter(|&&k| before.owner(k) != after.owner(k)).count();
    moved as f64 / keys.len() as f64
}

/// The membership's figures for one cluster size (`None`: not within
/// the limit given to `run_until`).
struct Gossip {
    formed_ms: Option<u64>,
    join_ms: Option<u64>,
    down_ms: Option<u64>,
    bytes_per_node_s: f64,
}

impl Gossip {
    fn measure(n: usize) -> Gossip {
        let (mut net, addrs) = form(n);
        let formed_ms = net.run_until(100, 600_000, |net| net.smallest_view() == n);
        // Let the start's updates die out before counting the steady cost.
        net.run_for(20_000);
        let before = net.bytes_sent();
        net.run_for(STEADY_MS);
        let steady = (net.bytes_sent() - before) as f64;
        let bytes_per_node_s = steady / n as f64 / (STEADY_MS as f64 / 1000.0);
        // A new node asks the last one in, then participates (as driver.rs).
        let late = net.add("late", "");
        net.announce(&late, &addrs[n - 1]);
        net.set_state(&late, PeerState::Participant);
        let join_ms = net.run_until(10, 60_000, |net| net.all_see("late", true));
        net.run_for(10_000);
        net.stop(&addrs[1]);
        let down_ms = net.run_until(10, 600_000, |net| net.all_see("node-1", false));
        Gossip { formed_ms, join_ms, down_ms, bytes_per_node_s }
    }
}

/// `n` nodes that all ask `node-0` to let them in and take part in the
/// ring at once (the simulated clock has not moved yet).
fn form(n: usize) -> (Net, Vec<String>) {
    let (mut net, addrs) = Net::cluster_of(n, 0);
    for addr in &addrs {
        net.set_state(addr, PeerState::Participant);
    }
    (net, addrs)
}
