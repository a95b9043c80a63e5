//! What a scrape loop remembers of a target's series from one scrape to
//! the next: the label sets it made (a series keeps its set, so the log,
//! the senders and the next scrape share one copy), which series ended
//! (for staleness markers), and the order the target gave them in.
//!
//! Targets give their series in the same order scrape after scrape, so a
//! sample is first checked against the series at the same place of the
//! last scrape, which is read in order from memory; only a series out of
//! place costs a hash lookup (two cache misses each, a million of which
//! were most of a scrape's time). A hit there puts the cursor back in
//! step, so a series added or removed costs one lookup, not the rest of
//! the scrape.

use river_runtime::labels::{Draft, Labels};
use river_runtime::series::Sample;

/// A set of series. Label sets carry their hash, so the hasher only mixes
/// that one word; hashbrown's, to look sets up by a `Draft`.
pub(super) type HashSet<T> = hashbrown::HashSet<T, rustc_hash::FxBuildHasher>;

/// Where a series was last seen: the scrape's number and its place.
#[derive(Clone, Copy)]
struct Mark {
    scrape: u64,
    at: usize,
}

#[derive(Default)]
pub struct SeriesCache {
    marks: hashbrown::HashMap<Labels, Mark, rustc_hash::FxBuildHasher>,
    /// The last scrape's series, in the target's order.
    order: Vec<Labels>,
    scrape: u64,
}

impl SeriesCache {
    /// The label set `draft` makes: the one held when the series is
    /// known. `cursor` is the place in the last scrape's order to look
    /// first; it moves past the series found.
    pub fn labels(&self, draft: &Draft, cursor: &mut usize) -> Labels {
        if let Some(next) = self.order.get(*cursor) {
            if draft.makes(next) {
                *cursor += 1;
                return next.clone();
            }
        }
        match self.marks.get_key_value(draft) {
            Some((labels, mark)) => {
                *cursor = mark.at + 1;
                labels.clone()
            }
            None => draft.labels(),
        }
    }

    /// Records a scrape's samples (but those of `timestamped` series,
    /// which staleness leaves alone); returns how many series are new, and
    /// the series of the last scrape it lacks, now forgotten.
    pub fn update(
        &mut self,
        samples: &[Sample],
        timestamped: &HashSet<Labels>,
    ) -> (usize, Vec<Labels>) {
        let tracked = samples.iter().filter(|s| !timestamped.contains(&s.labels));
        if tracked.clone().map(|s| &s.labels).eq(self.order.iter()) {
            return (0, Vec::new());
        }
        self.scrape += 1;
        let now = self.scrape;
        let mut added = 0;
        self.order.clear();
        for (at, sample) in tracked.enumerate() {
            let mark = Mark { scrape: now, at };
            if self.marks.insert(sample.labels.clone(), mark).is_none() {
                added += 1;
            }
            self.order.push(sample.labels.clone());
        }
        let mut gone = Vec::new();
        self.marks.retain(|labels, mark| {
            let kept = mark.scrape == now;
            if !kept {
                gone.push(labels.clone());
            }
            kept
        });
        (added, gone)
    }

    /// Every series, when the loop stops.
    pub fn into_labels(self) -> impl Iterator<Item = Labels> {
        self.marks.into_keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(names: &[&str]) -> Vec<Sample> {
        names
            .iter()
            .map(|n| Sample::float(Labels::from_pairs([("__name__", *n)]), 0, 1.0))
            .collect()
    }

    fn made(cache: &SeriesCache, names: &[&str]) -> Vec<Sample> {
        let mut cursor = 0;
        let mut draft = Draft::default();
        names
            .iter()
            .map(|n| {
                draft.fill(&mut [("__name__", *n)]);
                Sample::float(cache.labels(&draft, &mut cursor), 0, 1.0)
            })
            .collect()
    }

    #[test]
    fn series_keep_their_sets_and_ended_ones_are_reported() {
        let mut cache = SeriesCache::default();
        let none = HashSet::default();
        let first = samples(&["a", "b", "c"]);
        assert_eq!(cache.update(&first, &none), (3, vec![]));
        let same = made(&cache, &["a", "b", "c"]);
        assert!(same.iter().zip(&first).all(|(x, y)| x.labels.same(&y.labels)));
        assert_eq!(cache.update(&same, &none), (0, vec![]));
        // "b" ends, "d" comes in its place, "c" is found again after it.
        let next = made(&cache, &["a", "d", "c"]);
        assert!(next[2].labels.same(&first[2].labels));
        let (added, gone) = cache.update(&next, &none);
        assert_eq!((added, gone), (1, vec![first[1].labels.clone()]));
        let reordered = made(&cache, &["c", "a", "d"]);
        assert!(reordered[1].labels.same(&first[0].labels));
        assert_eq!(cache.update(&reordered, &none), (0, vec![]));
        assert_eq!(cache.into_labels().count(), 3);
    }

    #[test]
    fn a_series_given_twice_is_one_series() {
        let mut cache = SeriesCache::default();
        let twice = samples(&["a", "a"]);
        assert_eq!(cache.update(&twice, &HashSet::default()), (1, vec![]));
    }
}
