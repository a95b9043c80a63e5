//! The tracked processes added up by group, with the counters each group
//! has accumulated since the first scrape, as process-exporter's grouper
//! keeps them: a group's counters never go down, not even when its
//! processes exit, and a group whose processes are all gone is still
//! reported, with its counters and nothing running. Threads are added up
//! by thread name within their group, their counters kept while the name
//! is seen.

use std::collections::{BTreeMap, HashMap};

use super::proc::{Counts, Memory, States};
use super::tracker::Update;

/// One group at one scrape.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub counts: Counts,
    pub states: States,
    pub wchans: BTreeMap<String, u64>,
    pub procs: u64,
    pub memory: Memory,
    /// Nanoseconds since the epoch; `None` when no process runs.
    pub oldest_start_ns: Option<i64>,
    pub open_fds: u64,
    pub worst_fd_ratio: f64,
    pub num_threads: u64,
    pub threads: Vec<ThreadGroup>,
}

/// The threads of one name within a group.
#[derive(Debug, Clone, Default)]
pub struct ThreadGroup {
    pub name: String,
    pub count: u64,
    pub counts: Counts,
}

#[derive(Default)]
pub struct Grouper {
    accum: HashMap<String, Counts>,
    thread_accum: HashMap<String, BTreeMap<String, ThreadGroup>>,
}

impl Grouper {
    /// The groups of this scrape's updates, their counters added to what
    /// each group accumulated before.
    pub fn groups(&mut self, updates: Vec<Update>) -> BTreeMap<String, Group> {
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        let mut threads: HashMap<String, Vec<(String, Counts)>> = HashMap::new();
        for update in updates {
            let group = groups.entry(update.group.clone()).or_default();
            add(group, &update);
            threads.entry(update.group).or_default().extend(update.threads);
        }
        for (name, group) in &mut groups {
            if let Some(before) = self.accum.get(name) {
                group.counts.add(before);
            }
            self.accum.insert(name.clone(), group.counts);
            group.threads = self.threads(name, threads.remove(name).unwrap_or_default());
        }
        for (name, counts) in &self.accum {
            groups
                .entry(name.clone())
                .or_insert_with(|| Group { counts: *counts, ..Group::default() });
        }
        groups
    }

    fn threads(&mut self, group: &str, seen: Vec<(String, Counts)>) -> Vec<ThreadGroup> {
        if seen.is_empty() {
            self.thread_accum.remove(group);
            return Vec::new();
        }
        let mut by_name: BTreeMap<String, ThreadGroup> = BTreeMap::new();
        for (name, latest) in seen {
            let entry = by_name
                .entry(name.clone())
                .or_insert_with(|| ThreadGroup { name, ..ThreadGroup::default() });
            entry.count += 1;
            entry.counts.add(&latest);
        }
        if let Some(history) = self.thread_accum.get(group) {
            for (name, thread) in &mut by_name {
                if let Some(before) = history.get(name) {
                    thread.counts.add(&before.counts);
                }
            }
        }
        self.thread_accum.insert(group.to_owned(), by_name.clone());
        by_name.into_values().collect()
    }
}

/// Adds one process to its group.
fn add(group: &mut Group, update: &Update) {
    let m = &update.metrics;
    group.procs += 1;
    group.memory.resident += m.memory.resident;
    group.memory.virtual_ += m.memory.virtual_;
    group.memory.swapped += m.memory.swapped;
    group.memory.proportional_resident += m.memory.proportional_resident;
    group.memory.proportional_swapped += m.memory.proportional_swapped;
    if m.open_fds >= 0 {
        group.open_fds += m.open_fds as u64;
    }
    // Descriptors that could not be counted (-1) give a negative ratio,
    // which is never the worst.
    let ratio = m.open_fds as f64 / m.fd_limit as f64;
    if group.worst_fd_ratio < ratio {
        group.worst_fd_ratio = ratio;
    }
    group.num_threads += m.num_threads;
    group.counts.add(&update.latest);
    group.states.add(&m.states);
    if group.oldest_start_ns.is_none_or(|oldest| update.start_ns < oldest) {
        group.oldest_start_ns = Some(update.start_ns);
    }
    for (wchan, count) in &update.wchans {
        *group.wchans.entry(wchan.clone()).or_default() += count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::proc::Metrics;

    fn update(group: &str, cpu: f64, start_ns: i64) -> Update {
        Update {
            group: group.into(),
            latest: Counts { cpu_user: cpu, read_bytes: 10, ..Counts::default() },
            metrics: Metrics { open_fds: 5, fd_limit: 10, num_threads: 1, ..Metrics::default() },
            start_ns,
            wchans: HashMap::new(),
            threads: vec![],
        }
    }

    #[test]
    fn counters_accumulate_and_outlive_the_processes() {
        let mut grouper = Grouper::default();
        let first = grouper.groups(vec![update("a", 1.0, 20), update("a", 2.0, 10)]);
        let a = &first["a"];
        assert_eq!((a.procs, a.counts.cpu_user, a.counts.read_bytes), (2, 3.0, 20));
        assert_eq!((a.oldest_start_ns, a.open_fds, a.worst_fd_ratio), (Some(10), 10, 0.5));
        let second = grouper.groups(vec![update("a", 0.5, 20)]);
        assert_eq!((second["a"].procs, second["a"].counts.cpu_user), (1, 3.5));
        let third = grouper.groups(vec![]);
        let gone = &third["a"];
        assert_eq!((gone.procs, gone.counts.cpu_user, gone.counts.read_bytes), (0, 3.5, 30));
        assert_eq!((gone.oldest_start_ns, gone.num_threads), (None, 0));
    }

    #[test]
    fn threads_add_up_by_name_while_the_name_is_seen() {
        let mut grouper = Grouper::default();
        let mut u = update("a", 0.0, 1);
        let one = Counts { cpu_user: 1.0, ..Counts::default() };
        u.threads = vec![("w".into(), one), ("w".into(), one), ("main".into(), one)];
        let groups = grouper.groups(vec![u.clone()]);
        let names: Vec<_> = groups["a"].threads.iter().map(|t| (t.name.clone(), t.count)).collect();
        assert_eq!(names, [("main".into(), 1), ("w".into(), 2)]);
        let groups = grouper.groups(vec![u.clone()]);
        assert_eq!(groups["a"].threads[1].counts.cpu_user, 4.0);
        u.threads.clear();
        assert!(grouper.groups(vec![u]).get("a").unwrap().threads.is_empty());
    }
}
