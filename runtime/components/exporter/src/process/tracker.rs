//! Which processes are tracked, in which group, and how much each did
//! since the previous scrape: process-exporter's tracker, kept between
//! scrapes.
//!
//! Each scrape reads every process not already ignored. A process seen for
//! the first time is named by the matchers; one they do not name joins its
//! parent's group when `track_children` is on and an ancestor is tracked,
//! and is otherwise ignored for good (unless `recheck_on_scrape`, or while
//! `track_children` is off: then it is looked at again each scrape). A
//! process that was already running at the first scrape counts from that
//! scrape on; one started later counts whole.

use std::collections::{HashMap, HashSet};
use std::io;

use super::matcher::{Attributes, Namer};
use super::proc::{read_stat, Counts, Metrics, ProcId, Procfs, Static, Thread};

/// The settings the tracker follows.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub children: bool,
    pub recheck: bool,
    pub smaps: bool,
}

/// Processes that could not be read this scrape: wholly (`read`) or in
/// part (`partial`: I/O, descriptors, wchan, smaps or threads).
#[derive(Debug, Clone, Copy, Default)]
pub struct Errors {
    pub read: u64,
    pub partial: u64,
}

/// What one tracked process reports for a scrape.
#[derive(Debug, Clone)]
pub struct Update {
    pub group: String,
    /// How much its counters grew since the previous scrape.
    pub latest: Counts,
    pub metrics: Metrics,
    pub start_ns: i64,
    pub wchans: HashMap<String, u64>,
    /// Each thread's name and growth, when it has more than one thread.
    pub threads: Vec<(String, Counts)>,
}

struct TrackedThread {
    name: String,
    accum: Counts,
    latest: Counts,
    cycle: u64,
    wchan: String,
}

struct Tracked {
    group: String,
    start_ns: i64,
    metrics: Metrics,
    last_accum: Counts,
    /// The scrape that last saw it; 0 for one tracked this scrape.
    cycle: u64,
    threads: HashMap<ProcId, TrackedThread>,
}

/// A process seen for the first time.
#[derive(Clone)]
struct New {
    id: ProcId,
    fixed: Static,
    metrics: Metrics,
    threads: Vec<Thread>,
}

pub struct Tracker {
    options: Options,
    /// Tracked processes, and ignored ones as `None`.
    tracked: HashMap<ProcId, Option<Tracked>>,
    /// The process each pid was last seen as, to find parents.
    proc_ids: HashMap<i32, ProcId>,
    first_update_ns: Option<i64>,
    cycle: u64,
    users: HashMap<u32, String>,
}

impl Tracker {
    pub fn new(options: Options) -> Tracker {
        Tracker {
            options,
            tracked: HashMap::new(),
            proc_ids: HashMap::new(),
            first_update_ns: None,
            cycle: 0,
            users: HashMap::new(),
        }
    }

    /// Reads the processes of `fs` and reports every tracked one; an error
    /// when the mount cannot be listed (nothing changes then).
    pub fn update(&mut self, fs: &Procfs, namer: &Namer) -> io::Result<(Errors, Vec<Update>)> {
        self.first_update_ns.get_or_insert_with(now_ns);
        let pids = Procfs::pids(&fs.root)?;
        self.cycle += 1;
        let mut errors = Errors::default();
        let found: Vec<New> =
            pids.into_iter().filter_map(|p| self.read(fs, p, &mut errors)).collect();
        self.forget_gone();
        let mut untracked = HashMap::new();
        for new in found {
            match namer.name(&self.attributes(&new)) {
                Some(group) => self.track(group, new),
                None => drop(untracked.insert(new.id, new)),
            }
        }
        if self.options.children {
            let mut ids: Vec<ProcId> = untracked.keys().copied().collect();
            ids.sort_unstable();
            for id in ids {
                if !self.tracked.contains_key(&id) && untracked.contains_key(&id) {
                    self.check_ancestry(id, &mut untracked);
                }
            }
        }
        let updates = self.tracked.values().flatten().map(Tracked::update).collect();
        Ok((errors, updates))
    }

    /// Reads process `pid` unless it is ignored; a process seen for the
    /// first time is returned, a known one is refreshed in place. One that
    /// ended before its `stat` was read is no error.
    fn read(&mut self, fs: &Procfs, pid: i32, errors: &mut Errors) -> Option<New> {
        let dir = fs.dir(pid);
        let stat = read_stat(&dir).ok()?;
        let id = ProcId { pid, start_ticks: stat.start_ticks };
        if matches!(self.tracked.get(&id), Some(None)) {
            return None;
        }
        let Ok((mut metrics, mut soft)) = fs.metrics(&dir, &stat, self.options.smaps) else {
            errors.read += 1;
            return None;
        };
        let threads = fs.threads(pid).unwrap_or_else(|_| {
            soft = true;
            Vec::new()
        });
        errors.partial += u64::from(soft);
        if !threads.is_empty() {
            // The threads' own switches add up to the process's; each
            // thread's state counts beside the process's.
            metrics.counts.ctx_voluntary = threads.iter().map(|t| t.counts.ctx_voluntary).sum();
            metrics.counts.ctx_nonvoluntary =
                threads.iter().map(|t| t.counts.ctx_nonvoluntary).sum();
            threads.iter().for_each(|t| metrics.states.add(&t.states));
        }
        if let Some(Some(known)) = self.tracked.get_mut(&id) {
            known.refresh(metrics, threads, self.cycle);
            return None;
        }
        let fixed = fs.static_of(&dir, &stat).ok()?;
        // A pid reused by a new process: the old one is gone.
        if let Some(old) = self.proc_ids.insert(pid, id).filter(|old| *old != id) {
            self.tracked.remove(&old);
        }
        Some(New { id, fixed, metrics, threads })
    }

    /// Drops the tracked processes this scrape did not see.
    fn forget_gone(&mut self) {
        let cycle = self.cycle;
        let gone: Vec<ProcId> = self
            .tracked
            .iter()
            .filter(|(_, t)| t.as_ref().is_some_and(|t| t.cycle != cycle))
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            self.tracked.remove(&id);
            if self.proc_ids.get(&id.pid) == Some(&id) {
                self.proc_ids.remove(&id.pid);
            }
        }
    }

    fn attributes(&mut self, new: &New) -> Attributes {
        Attributes {
            comm: new.fixed.name.clone(),
            cmdline: new.fixed.cmdline.clone(),
            cgroups: new.fixed.cgroups.clone(),
            username: self.username(new.fixed.euid),
            pid: new.id.pid,
            start_ns: new.fixed.start_ns,
        }
    }

    fn track(&mut self, group: String, new: New) {
        // Only what a process did after the first scrape counts.
        let started_since = new.fixed.start_ns > self.first_update_ns.unwrap_or(i64::MIN);
        let last_accum = if started_since { new.metrics.counts } else { Counts::default() };
        let threads = new.threads.into_iter().map(|t| (t.id, TrackedThread::first(t))).collect();
        let tracked = Tracked {
            group,
            start_ns: new.fixed.start_ns,
            metrics: new.metrics,
            last_accum,
            cycle: 0,
            threads,
        };
        self.tracked.insert(new.id, Some(tracked));
    }

    fn ignore(&mut self, id: ProcId) {
        if !self.options.recheck {
            self.tracked.insert(id, None);
        }
    }

    /// Walks up from new process `id` through its parents to the first
    /// one already tracked (then the whole line joins its group) or
    /// ignored, or to a parent not seen (then the whole line is ignored).
    fn check_ancestry(&mut self, id: ProcId, untracked: &mut HashMap<ProcId, New>) {
        let mut line = vec![id];
        let mut seen = HashSet::from([id]);
        let mut ppid = untracked[&id].fixed.ppid;
        let group = loop {
            let Some(&parent) = self.proc_ids.get(&ppid).filter(|p| p.pid >= 1) else { break None };
            if let Some(entry) = self.tracked.get(&parent) {
                break entry.as_ref().map(|t| t.group.clone());
            }
            match untracked.get(&parent) {
                Some(new) if seen.insert(parent) => {
                    line.push(parent);
                    ppid = new.fixed.ppid;
                }
                _ => break None,
            }
        };
        for id in line.into_iter().rev() {
            match (&group, untracked.remove(&id)) {
                (Some(group), Some(new)) => self.track(group.clone(), new),
                _ => self.ignore(id),
            }
        }
    }

    /// The name of user `uid` (`/etc/passwd`), or the number when it has
    /// none; kept for the tracker's life.
    fn username(&mut self, uid: u32) -> String {
        self.users.entry(uid).or_insert_with(|| lookup_user(uid)).clone()
    }
}

impl TrackedThread {
    fn first(thread: Thread) -> TrackedThread {
        let (name, wchan) = (thread.name, thread.wchan);
        TrackedThread { name, accum: thread.counts, latest: Counts::default(), cycle: 0, wchan }
    }
}

impl Tracked {
    fn refresh(&mut self, metrics: Metrics, threads: Vec<Thread>, cycle: u64) {
        self.last_accum = metrics.counts.since(&self.metrics.counts);
        self.metrics = metrics;
        self.cycle = cycle;
        if threads.len() < 2 {
            self.threads.clear();
            return;
        }
        for t in threads {
            let latest =
                self.threads.get(&t.id).map_or(Counts::default(), |old| t.counts.since(&old.accum));
            let (name, wchan) = (t.name, t.wchan);
            let thread = TrackedThread { name, accum: t.counts, latest, cycle, wchan };
            self.threads.insert(t.id, thread);
        }
        self.threads.retain(|_, t| t.cycle == cycle);
    }

    fn update(&self) -> Update {
        let mut wchans = HashMap::new();
        if !self.metrics.wchan.is_empty() {
            wchans.insert(self.metrics.wchan.clone(), 1);
        }
        let mut threads = Vec::new();
        if self.threads.len() > 1 {
            for t in self.threads.values() {
                threads.push((t.name.clone(), t.latest));
                if !t.wchan.is_empty() {
                    *wchans.entry(t.wchan.clone()).or_default() += 1;
                }
            }
        }
        Update {
            group: self.group.clone(),
            latest: self.last_accum,
            metrics: self.metrics.clone(),
            start_ns: self.start_ns,
            wchans,
            threads,
        }
    }
}

fn now_ns() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

fn lookup_user(uid: u32) -> String {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let wanted = uid.to_string();
    passwd
        .lines()
        .find_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            (fields.nth(1)? == wanted).then(|| name.to_owned())
        })
        .unwrap_or(wanted)
}
