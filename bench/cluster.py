#!/usr/bin/env python3
"""How clustering scales: `runtime/examples/cluster_sim.rs` runs 10, 50,
100 and 200 nodes of the real membership (foca, `flow run`'s settings)
in one process, over the in-memory network of `runtime/src/cluster/sim.rs`
(a simulated clock, 1 ms per packet), and the real ring (512 tokens per
node, xxhash64). Per size it prints:

- the share: keys per node of 100,000 uniform keys (fewest, most, and
  the standard deviation relative to the mean);
- the fraction of keys that move when one node leaves (ideal: 1/N);
- simulated seconds until every member sees the others (all nodes
  starting at once, each asking node-0), a new node, and a killed node
  down;
- gossip bytes sent per node per second in a steady cluster (grafana/ckit
  over memberlist: about 50 B/s per node at 151 nodes).

Usage: bench/cluster.py [SIZE ...]   (about 10 s once built; the release
build of the example takes minutes the first time).
"""

import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = sys.argv[1:] or ["10", "50", "100", "200"]
TARGET = ["--release", "-p", "river-runtime", "--example", "cluster_sim"]


def seconds(ms):
    return "never" if ms is None else f"{ms / 1000:.1f}"


def main():
    # Built first, so that the wall time below is the simulation's.
    subprocess.run(["cargo", "build", *TARGET], cwd=ROOT, check=True)
    start = time.monotonic()
    run = ["cargo", "run", "--quiet", *TARGET, "--", *SIZES]
    out = subprocess.run(run, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    wall = time.monotonic() - start
    print(f"{'nodes':>5} {'keys min':>8} {'max':>6} {'sd/mean':>7} {'moved':>7} {'x N':>5} "
          f"{'formed s':>8} {'join s':>6} {'down s':>6} {'B/s/node':>8}")
    for line in out.splitlines():
        r = json.loads(line)
        n = r["nodes"]
        print(f"{n:>5} {r['keys_min']:>8} {r['keys_max']:>6} {r['keys_rsd']:>7.3f} "
              f"{r['moved']:>7.4f} {r['moved'] * n:>5.2f} {seconds(r['formed_ms']):>8} "
              f"{seconds(r['join_ms']):>6} {seconds(r['down_ms']):>6} {r['bytes_per_node_s']:>8.0f}")
    print(f"(simulated; {wall:.1f} s of wall time)")


if __name__ == "__main__":
    main()
