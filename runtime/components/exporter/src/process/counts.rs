//! What is read of a process and added up over processes and threads:
//! its identity, counters, memory, run states and fixed facts.

/// A process: its pid and its start in ticks after boot (pids are reused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcId {
    pub pid: i32,
    pub start_ticks: u64,
}

/// The fields of `stat` that are used.
#[derive(Debug, Clone, Default)]
pub struct Stat {
    pub comm: String,
    pub state: String,
    pub ppid: i32,
    pub minflt: u64,
    pub majflt: u64,
    pub utime: u64,
    pub stime: u64,
    pub num_threads: u64,
    pub start_ticks: u64,
    pub vsize: u64,
    pub rss_pages: u64,
}

/// Counters shared by processes, threads and groups.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub cpu_user: f64,
    pub cpu_system: f64,
    pub read_bytes: u64,
    pub write_bytes: u64,
    pub major_faults: u64,
    pub minor_faults: u64,
    pub ctx_voluntary: u64,
    pub ctx_nonvoluntary: u64,
}

impl Counts {
    pub fn add(&mut self, d: &Counts) {
        self.cpu_user += d.cpu_user;
        self.cpu_system += d.cpu_system;
        self.read_bytes = self.read_bytes.wrapping_add(d.read_bytes);
        self.write_bytes = self.write_bytes.wrapping_add(d.write_bytes);
        self.major_faults = self.major_faults.wrapping_add(d.major_faults);
        self.minor_faults = self.minor_faults.wrapping_add(d.minor_faults);
        self.ctx_voluntary = self.ctx_voluntary.wrapping_add(d.ctx_voluntary);
        self.ctx_nonvoluntary = self.ctx_nonvoluntary.wrapping_add(d.ctx_nonvoluntary);
    }

    /// What grew from `old` to `self`. A counter never goes back for one
    /// process; should the kernel show less, nothing is added rather than
    /// a wrapped-around amount.
    pub fn since(&self, old: &Counts) -> Counts {
        Counts {
            cpu_user: (self.cpu_user - old.cpu_user).max(0.0),
            cpu_system: (self.cpu_system - old.cpu_system).max(0.0),
            read_bytes: self.read_bytes.saturating_sub(old.read_bytes),
            write_bytes: self.write_bytes.saturating_sub(old.write_bytes),
            major_faults: self.major_faults.saturating_sub(old.major_faults),
            minor_faults: self.minor_faults.saturating_sub(old.minor_faults),
            ctx_voluntary: self.ctx_voluntary.saturating_sub(old.ctx_voluntary),
            ctx_nonvoluntary: self.ctx_nonvoluntary.saturating_sub(old.ctx_nonvoluntary),
        }
    }
}

/// Memory in bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub resident: u64,
    pub virtual_: u64,
    pub swapped: u64,
    pub proportional_resident: u64,
    pub proportional_swapped: u64,
}

/// How many processes or threads are in each run state.
#[derive(Debug, Clone, Copy, Default)]
pub struct States {
    pub running: u64,
    pub sleeping: u64,
    pub waiting: u64,
    pub zombie: u64,
    pub other: u64,
}

impl States {
    pub fn of(state: &str) -> States {
        let mut s = States::default();
        match state {
            "R" => s.running = 1,
            "S" => s.sleeping = 1,
            "D" => s.waiting = 1,
            "Z" => s.zombie = 1,
            _ => s.other = 1,
        }
        s
    }

    pub fn add(&mut self, o: &States) {
        self.running += o.running;
        self.sleeping += o.sleeping;
        self.waiting += o.waiting;
        self.zombie += o.zombie;
        self.other += o.other;
    }
}

/// What changes between scrapes.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    pub counts: Counts,
    pub memory: Memory,
    /// Open descriptors, -1 when they cannot be counted.
    pub open_fds: i64,
    pub fd_limit: u64,
    pub num_threads: u64,
    pub states: States,
    pub wchan: String,
}

/// What a process is (read once, when it is first seen).
#[derive(Debug, Clone, Default)]
pub struct Static {
    pub name: String,
    pub cmdline: Vec<String>,
    pub cgroups: Vec<String>,
    pub ppid: i32,
    /// Nanoseconds since the epoch.
    pub start_ns: i64,
    pub euid: u32,
}

/// One thread of a process.
#[derive(Debug, Clone)]
pub struct Thread {
    pub id: ProcId,
    pub name: String,
    pub counts: Counts,
    pub wchan: String,
    pub states: States,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_never_go_back() {
        let old = Counts { cpu_user: 2.0, read_bytes: 10, ..Counts::default() };
        let new = Counts { cpu_user: 1.5, read_bytes: 15, ..Counts::default() };
        let d = new.since(&old);
        assert_eq!((d.cpu_user, d.read_bytes), (0.0, 5));
    }
}
