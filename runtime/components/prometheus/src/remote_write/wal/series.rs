//! The log's series: each label set gets a number (its ref) the first time
//! it is written, and records carry refs instead of label sets, as
//! Prometheus's WAL does. A ref is defined once, in a series section of a
//! record; when the segment holding a definition is removed while the ref
//! may still be read, the definition is written again (`redefine`), so
//! that replaying whatever segments remain always finds every ref.
//!
//! The table is also the log's count of active series: a series is
//! active from its first sample until a clean-up finds it idle. An idle
//! series' ref stays readable (retired) until every segment written while
//! it was active is gone; if it comes back it gets a new ref.

use rustc_hash::FxHashMap as HashMap;

use river_runtime::labels::Labels;
use river_runtime::series::Sample;

use super::record::Point;

/// A series being written.
struct Active {
    id: u64,
    /// Its newest sample's timestamp (milliseconds).
    newest: i64,
}

/// A ref that can still be read (segment numbers as 32 bits: a million
/// series hold two of these maps).
struct Known {
    labels: Labels,
    /// The segment holding its latest definition.
    defined_in: u32,
    /// For a retired ref, the segment being written when it retired: no
    /// record after that one names it; `ACTIVE` while it is not retired.
    retired_in: u32,
}

const ACTIVE: u32 = u32::MAX;

fn segment32(segment: u64) -> u32 {
    segment.min(u64::from(ACTIVE - 1)) as u32
}

#[derive(Default)]
pub struct Series {
    active: HashMap<Labels, Active>,
    known: HashMap<u64, Known>,
    next_id: u64,
}

impl Series {
    pub fn active(&self) -> usize {
        self.active.len()
    }

    /// `labels`' ref, and whether it is new (to be defined by the record
    /// being written, then `defined`); `timestamp` is its sample's.
    pub fn id(&mut self, labels: &Labels, timestamp: i64) -> (u64, bool) {
        if let Some(active) = self.active.get_mut(labels) {
            active.newest = active.newest.max(timestamp);
            return (active.id, false);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.active.insert(labels.clone(), Active { id, newest: timestamp });
        self.known
            .insert(id, Known { labels: labels.clone(), defined_in: ACTIVE, retired_in: ACTIVE });
        (id, true)
    }

    /// The label set of ref `id`, for a record read back.
    pub fn labels(&self, id: u64) -> Option<&Labels> {
        self.known.get(&id).map(|k| &k.labels)
    }

    /// A definition read back when the log is opened; the series counts as
    /// active (seen at `now`) until a clean-up finds it idle.
    pub fn replayed(&mut self, id: u64, labels: Labels, segment: u64, now: i64) {
        self.next_id = self.next_id.max(id + 1);
        let newer = self.active.get(&labels).is_none_or(|a| a.id <= id);
        if newer {
            if let Some(old) = self.active.insert(labels.clone(), Active { id, newest: now }) {
                if old.id != id {
                    self.retire(old.id, segment);
                }
            }
        }
        let defined_in = segment32(segment);
        self.known.insert(id, Known { labels, defined_in, retired_in: ACTIVE });
    }

    /// Retires the series with no sample since `before_ms`, the segment
    /// being written being `segment`; returns how many.
    pub fn clean_up(&mut self, before_ms: i64, segment: u64) -> usize {
        let idle: Vec<(Labels, u64)> = self
            .active
            .iter()
            .filter(|(_, a)| a.newest < before_ms)
            .map(|(l, a)| (l.clone(), a.id))
            .collect();
        for (labels, id) in &idle {
            self.active.remove(labels);
            self.retire(*id, segment);
        }
        idle.len()
    }

    fn retire(&mut self, id: u64, segment: u64) {
        if let Some(known) = self.known.get_mut(&id) {
            known.retired_in = segment32(segment);
        }
    }

    /// Before the segments below `first_kept` are removed: forgets the
    /// retired refs no remaining record names, and returns the others
    /// whose definition goes with those segments, to be written again.
    pub fn redefine(&mut self, first_kept: u64) -> Vec<(u64, Labels)> {
        let first_kept = segment32(first_kept);
        self.known.retain(|_, k| k.retired_in == ACTIVE || k.retired_in >= first_kept);
        self.known
            .iter()
            .filter(|(_, k)| k.defined_in < first_kept)
            .map(|(id, k)| (*id, k.labels.clone()))
            .collect()
    }

    /// Records that `ids` were (again) defined in `segment`.
    pub fn defined(&mut self, ids: impl Iterator<Item = u64>, segment: u64) {
        for id in ids {
            if let Some(known) = self.known.get_mut(&id) {
                known.defined_in = segment32(segment);
            }
        }
    }

    /// Forgets new refs whose record could not be written: their series
    /// get new ones, defined by the next record that names them.
    pub fn forget(&mut self, ids: impl Iterator<Item = u64>) {
        for id in ids {
            if let Some(known) = self.known.remove(&id) {
                self.active.remove(&known.labels);
            }
        }
    }

    /// The samples of points read back. A ref this table does not know
    /// (which no log this build writes has) loses its sample, with an
    /// error in the log.
    pub fn samples(&self, points: &[Point]) -> Vec<Sample> {
        let mut unknown = 0;
        let out = points
            .iter()
            .filter_map(|p| match self.labels(p.id) {
                Some(labels) => Some(Sample::float(labels.clone(), p.timestamp, p.value)),
                None => {
                    unknown += 1;
                    None
                }
            })
            .collect();
        if unknown > 0 {
            tracing::error!(samples = unknown, "WAL samples name series it never defined: dropped");
        }
        out
    }
}
