//! The traces the tail sampler holds: spans grouped by trace id until
//! the trace's decision, then the decision alone, so that late spans
//! follow it; at most `num_traces` traces, the oldest forgotten first
//! (the collector's `idToTrace` map and its delete ring).

use std::collections::{HashMap, VecDeque};

use indexmap::IndexMap;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};
use tokio::time::Instant;

/// One trace: what arrived of it, until it is decided.
pub struct Trace {
    /// Tells this trace from an older one of the same id that was
    /// forgotten, whose place in the waiting queue is stale.
    seq: u64,
    pub span_count: u64,
    pub batches: Vec<ResourceSpans>,
    /// `Some(true)`: sampled, `Some(false)`: not.
    pub decision: Option<bool>,
}

/// What to do with spans just received.
pub enum Fate {
    /// Held until the trace's decision.
    Held,
    /// Their trace was sampled already: hand them on.
    Forward(ResourceSpans),
    /// Their trace was not sampled: dropped.
    Dropped,
}

#[derive(Default)]
pub struct Store {
    traces: HashMap<Vec<u8>, Trace>,
    /// Trace ids in arrival order, for forgetting the oldest.
    order: VecDeque<(u64, Vec<u8>)>,
    /// Undecided traces and when they are due, in arrival order.
    waiting: VecDeque<(Instant, u64, Vec<u8>)>,
    next_seq: u64,
}

/// Splits one resource's spans by trace id (`groupSpansByTraceKey`),
/// each group a resource of its own with the scopes it uses.
pub fn by_trace(rs: ResourceSpans) -> Vec<(Vec<u8>, ResourceSpans)> {
    // Per trace: the index of the scope its last span came from, and its spans.
    let mut groups: IndexMap<Vec<u8>, (usize, ResourceSpans)> = IndexMap::new();
    for (index, ss) in rs.scope_spans.into_iter().enumerate() {
        for span in ss.spans {
            let (last, group) = groups.entry(span.trace_id.clone()).or_insert_with(|| {
                let group = ResourceSpans {
                    resource: rs.resource.clone(),
                    scope_spans: Vec::new(),
                    schema_url: rs.schema_url.clone(),
                };
                (usize::MAX, group)
            });
            if *last != index {
                *last = index;
                group.scope_spans.push(ScopeSpans {
                    scope: ss.scope.clone(),
                    spans: Vec::new(),
                    schema_url: ss.schema_url.clone(),
                });
            }
            if let Some(scope) = group.scope_spans.last_mut() {
                scope.spans.push(span);
            }
        }
    }
    groups.into_iter().map(|(id, (_, group))| (id, group)).collect()
}

impl Store {
    /// Takes the spans of one trace, arrived at `now`, due for a decision
    /// at `due` when they are its first.
    pub fn add(&mut self, id: Vec<u8>, spans: ResourceSpans, due: Instant, limit: usize) -> Fate {
        let count = spans.scope_spans.iter().map(|s| s.spans.len() as u64).sum::<u64>();
        if !self.traces.contains_key(&id) {
            while self.traces.len() >= limit.max(1) {
                self.forget_oldest();
            }
            let seq = self.next_seq;
            self.next_seq += 1;
            self.order.push_back((seq, id.clone()));
            self.waiting.push_back((due, seq, id.clone()));
            let trace = Trace { seq, span_count: 0, batches: Vec::new(), decision: None };
            self.traces.insert(id.clone(), trace);
        }
        let Some(trace) = self.traces.get_mut(&id) else { return Fate::Dropped };
        trace.span_count += count;
        match trace.decision {
            None => {
                trace.batches.push(spans);
                Fate::Held
            }
            Some(true) => Fate::Forward(spans),
            Some(false) => Fate::Dropped,
        }
    }

    fn forget_oldest(&mut self) {
        let Some((seq, id)) = self.order.pop_front() else { return };
        if self.traces.get(&id).is_some_and(|t| t.seq == seq) {
            self.traces.remove(&id);
        }
    }

    /// When the next undecided trace is due.
    pub fn next_due(&mut self) -> Option<Instant> {
        while let Some((due, seq, id)) = self.waiting.front() {
            if self.traces.get(id).is_some_and(|t| t.seq == *seq && t.decision.is_none()) {
                return Some(*due);
            }
            self.waiting.pop_front();
        }
        None
    }

    /// The id of the next trace due at `now`, if one is.
    pub fn take_due(&mut self, now: Instant) -> Option<Vec<u8>> {
        let due = self.next_due()?;
        if due > now {
            return None;
        }
        self.waiting.pop_front().map(|(_, _, id)| id)
    }

    pub fn get_mut(&mut self, id: &[u8]) -> Option<&mut Trace> {
        self.traces.get_mut(id)
    }
}
