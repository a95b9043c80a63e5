//! The consistent hash ring: every participant holds 512 tokens, token
//! `i` of node `n` being xxhash64 of `n` followed by the decimal `i + 1`
//! (grafana/ckit's construction, so a key lands where the reference's
//! ring puts it). A key belongs to the node of the first token at or
//! after it, wrapping at the end; equal tokens go to the lesser name.

/// Tokens per participant, as the reference (a good spread of keys for
/// little memory).
pub const TOKENS_PER_NODE: usize = 512;

#[derive(Debug, Default, Clone)]
pub struct Ring {
    /// The participants, sorted by name.
    nodes: Vec<String>,
    /// (token, index in `nodes`), sorted by token then name.
    tokens: Vec<(u64, u32)>,
}

impl Ring {
    /// The ring of these participants (in any order, duplicates ignored).
    pub fn new<S: AsRef<str>>(names: &[S]) -> Ring {
        let mut nodes: Vec<String> = names.iter().map(|n| n.as_ref().to_owned()).collect();
        nodes.sort();
        nodes.dedup();
        let mut tokens = Vec::with_capacity(nodes.len() * TOKENS_PER_NODE);
        for (index, node) in nodes.iter().enumerate() {
            for i in 1..=TOKENS_PER_NODE {
                let text = format!("{node}{i}");
                tokens.push((super::key(&text), index as u32));
            }
        }
        // Names are sorted, so the index orders equal tokens by name.
        tokens.sort_unstable();
        Ring { nodes, tokens }
    }

    /// The participants, sorted by name.
    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    /// The owner of `key`, or `None` when the ring is empty.
    pub fn owner(&self, key: u64) -> Option<&str> {
        if self.tokens.is_empty() {
            return None;
        }
        let at = self.tokens.partition_point(|(token, _)| *token < key);
        let (_, node) = self.tokens[at % self.tokens.len()];
        Some(&self.nodes[node as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<u64> {
        (0..30).map(|i| crate::cluster::key(&format!("127.0.0.1:{}", 9000 + i))).collect()
    }

    #[test]
    fn every_key_has_exactly_one_owner_among_the_nodes() {
        let ring = Ring::new(&["c", "a", "b"]);
        assert_eq!(ring.nodes(), ["a", "b", "c"]);
        let mut counts = std::collections::HashMap::new();
        for key in keys() {
            let owner = ring.owner(key).expect("a non-empty ring owns every key");
            *counts.entry(owner.to_owned()).or_insert(0) += 1;
        }
        assert_eq!(counts.values().sum::<i32>(), 30);
        // 512 tokens each spread 30 keys: every node gets some.
        assert_eq!(counts.len(), 3, "{counts:?}");
    }

    #[test]
    fn removing_a_node_moves_only_its_keys() {
        let three = Ring::new(&["a", "b", "c"]);
        let two = Ring::new(&["a", "c"]);
        for key in keys() {
            let before = three.owner(key).unwrap();
            let after = two.owner(key).unwrap();
            if before != "b" {
                assert_eq!(before, after, "key {key} moved though its owner stayed");
            }
            assert_ne!(after, "b");
        }
    }

    #[test]
    fn an_empty_ring_owns_nothing_and_keys_wrap() {
        assert_eq!(Ring::default().owner(1), None);
        let ring = Ring::new(&["a"]);
        assert_eq!(ring.owner(u64::MAX), Some("a"));
        assert_eq!(ring.owner(0), Some("a"));
    }

    #[test]
    fn tokens_are_ckits() {
        // ckit: xxhash.Sum64String(node + strconv.Itoa(t+1)).
        let ring = Ring::new(&["node"]);
        let first = crate::cluster::key("node1");
        assert!(ring.tokens.iter().any(|(t, _)| *t == first));
        assert_eq!(ring.tokens.len(), TOKENS_PER_NODE);
    }
}
