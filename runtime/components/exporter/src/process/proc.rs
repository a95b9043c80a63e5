//! One process (or one of its threads) read from a procfs mount, as
//! process-exporter reads it through prometheus/procfs: `stat` (name,
//! state, parent, faults, CPU ticks, threads, start, memory), `status`
//! (effective user, swap, context switches), `io`, `limits` (the open
//! files soft limit), `fd` (counted), `wchan`, `smaps_rollup`, `cmdline`
//! and `cgroup`. What can be missing without losing the process (I/O,
//! descriptors, wchan, smaps: unreadable for other users' processes) is a
//! soft error; the rest fails the read.

use std::io;
use std::path::{Path, PathBuf};

pub use super::counts::*;

/// Clock ticks a second, as procfs assumes (`USER_HZ`).
const USER_HZ: f64 = 100.0;

/// A procfs mount and the machine facts its readings need.
#[derive(Debug, Clone)]
pub struct Procfs {
    pub root: PathBuf,
    boot_time: i64,
    page_size: u64,
}

impl Procfs {
    /// The mount at `root`, refused when its `stat` (the boot time) or its
    /// listing cannot be read.
    pub fn open(root: &Path) -> Result<Procfs, String> {
        let path = root.join("stat");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let boot_time = text
            .lines()
            .find_map(|l| l.strip_prefix("btime "))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| format!("{} has no boot time (btime)", path.display()))?;
        std::fs::read_dir(root).map_err(|e| format!("cannot list {}: {e}", root.display()))?;
        Ok(Procfs { root: root.to_owned(), boot_time, page_size: page_size() })
    }

    /// The pids under `dir` (the mount, or a process's `task`), in order.
    pub fn pids(dir: &Path) -> io::Result<Vec<i32>> {
        let mut pids: Vec<i32> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        pids.sort_unstable();
        Ok(pids)
    }

    pub fn dir(&self, pid: i32) -> PathBuf {
        self.root.join(pid.to_string())
    }

    /// A start time in ticks after boot, in nanoseconds since the epoch.
    pub fn start_ns(&self, ticks: u64) -> i64 {
        let ticks = i64::try_from(ticks).unwrap_or(i64::MAX);
        self.boot_time
            .saturating_mul(1_000_000_000)
            .saturating_add(ticks.saturating_mul(10_000_000))
    }

    /// The changing readings of the process at `dir` whose `stat` was just
    /// read, and whether some were soft errors.
    pub fn metrics(&self, dir: &Path, stat: &Stat, smaps: bool) -> io::Result<(Metrics, bool)> {
        let (counts, mut soft) = counts(dir, stat)?;
        let status = Status::read(dir)?;
        let open_fds = match std::fs::read_dir(dir.join("fd")) {
            Ok(entries) => entries.count() as i64,
            Err(_) => {
                soft = true;
                -1
            }
        };
        let fd_limit = open_files_limit(dir)?;
        let wchan = read_wchan(dir).unwrap_or_else(|_| {
            soft = true;
            String::new()
        });
        let mut memory = Memory {
            resident: stat.rss_pages.saturating_mul(self.page_size),
            virtual_: stat.vsize,
            swapped: status.vm_swap,
            ..Memory::default()
        };
        if smaps {
            match proportional(dir) {
                Ok((pss, swap_pss)) => {
                    memory.proportional_resident = pss;
                    memory.proportional_swapped = swap_pss;
                }
                Err(_) => soft = true,
            }
        }
        let (states, num_threads) = (States::of(&stat.state), stat.num_threads);
        Ok((Metrics { counts, memory, open_fds, fd_limit, num_threads, states, wchan }, soft))
    }

    /// What the process at `dir` is. Cgroups that cannot be read are none.
    pub fn static_of(&self, dir: &Path, stat: &Stat) -> io::Result<Static> {
        let cmdline = cmdline(dir)?;
        let status = Status::read(dir)?;
        let euid = status.euid.ok_or_else(|| invalid("status has no effective uid"))?;
        Ok(Static {
            name: stat.comm.clone(),
            cmdline,
            cgroups: cgroups(dir).unwrap_or_default(),
            ppid: stat.ppid,
            start_ns: self.start_ns(stat.start_ticks),
            euid,
        })
    }

    /// The threads of process `pid`, or none when it has fewer than two;
    /// a thread that cannot be read (it ended) is left out.
    pub fn threads(&self, pid: i32) -> io::Result<Vec<Thread>> {
        let task = self.dir(pid).join("task");
        let mut threads = Vec::new();
        for tid in Procfs::pids(&task)? {
            let dir = task.join(tid.to_string());
            let Ok(stat) = read_stat(&dir) else { continue };
            // The thread's command line and status must be readable too,
            // as process-exporter reads them before taking a thread.
            if self.static_of(&dir, &stat).is_err() {
                continue;
            }
            let Ok((counts, _)) = counts(&dir, &stat) else { continue };
            threads.push(Thread {
                id: ProcId { pid: tid, start_ticks: stat.start_ticks },
                name: stat.comm.clone(),
                counts,
                wchan: read_wchan(&dir).unwrap_or_default(),
                states: States::of(&stat.state),
            });
        }
        if threads.len() < 2 {
            threads.clear();
        }
        Ok(threads)
    }
}

fn invalid(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.to_owned())
}

fn page_size() -> u64 {
    // SAFETY: sysconf reads a constant of the C library and has no
    // preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size).ok().filter(|s| *s > 0).unwrap_or(4096)
}

/// `stat` of the process or thread at `dir`.
pub fn read_stat(dir: &Path) -> io::Result<Stat> {
    parse_stat(&std::fs::read_to_string(dir.join("stat"))?).ok_or_else(|| invalid("bad stat"))
}

fn parse_stat(text: &str) -> Option<Stat> {
    // The name is between the first `(` and the last `)`: it may hold both.
    let (open, close) = (text.find('(')?, text.rfind(')')?);
    let comm = text.get(open + 1..close)?.to_owned();
    let rest: Vec<&str> = text.get(close + 1..)?.split_whitespace().collect();
    let num = |i: usize| rest.get(i).and_then(|v| v.parse::<u64>().ok());
    Some(Stat {
        comm,
        state: rest.first()?.to_string(),
        ppid: rest.get(1)?.parse().ok()?,
        minflt: num(7)?,
        majflt: num(9)?,
        utime: num(11)?,
        stime: num(12)?,
        num_threads: num(17)?,
        start_ticks: num(19)?,
        vsize: num(20)?,
        // A negative resident size (never seen) reads as none.
        rss_pages: rest.get(21)?.parse::<i64>().ok()?.max(0) as u64,
    })
}

/// The fields of `status` that are used.
struct Status {
    euid: Option<u32>,
    vm_swap: u64,
    voluntary: u64,
    nonvoluntary: u64,
}

impl Status {
    fn read(dir: &Path) -> io::Result<Status> {
        let text = std::fs::read_to_string(dir.join("status"))?;
        let mut status = Status { euid: None, vm_swap: 0, voluntary: 0, nonvoluntary: 0 };
        for line in text.lines() {
            let Some((key, value)) = line.split_once(':') else { continue };
            let first = |i: usize| value.split_whitespace().nth(i).and_then(|v| v.parse().ok());
            match key {
                "Uid" => status.euid = first(1).map(|v: u64| v as u32),
                "VmSwap" => status.vm_swap = first(0).unwrap_or(0u64).saturating_mul(1024),
                "voluntary_ctxt_switches" => status.voluntary = first(0).unwrap_or(0),
                "nonvoluntary_ctxt_switches" => status.nonvoluntary = first(0).unwrap_or(0),
                _ => {}
            }
        }
        Ok(status)
    }
}

/// The counters of the process or thread at `dir`; I/O that cannot be
/// read (another user's process) is a soft error and counts nothing.
fn counts(dir: &Path, stat: &Stat) -> io::Result<(Counts, bool)> {
    let status = Status::read(dir)?;
    let io = std::fs::read_to_string(dir.join("io"));
    let field = |text: &str, key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    let (read_bytes, write_bytes) = match &io {
        Ok(text) => (field(text, "read_bytes"), field(text, "write_bytes")),
        Err(_) => (0, 0),
    };
    let counts = Counts {
        cpu_user: stat.utime as f64 / USER_HZ,
        cpu_system: stat.stime as f64 / USER_HZ,
        read_bytes,
        write_bytes,
        major_faults: stat.majflt,
        minor_faults: stat.minflt,
        ctx_voluntary: status.voluntary,
        ctx_nonvoluntary: status.nonvoluntary,
    };
    Ok((counts, io.is_err()))
}

/// The soft limit of open files; `unlimited` is the largest number.
fn open_files_limit(dir: &Path) -> io::Result<u64> {
    let text = std::fs::read_to_string(dir.join("limits"))?;
    let line = text.lines().find(|l| l.starts_with("Max open files")).unwrap_or_default();
    let soft = line.trim_start_matches("Max open files").split_whitespace().next();
    Ok(match soft {
        Some("unlimited") => u64::MAX,
        Some(v) => v.parse().map_err(|_| invalid("bad open files limit"))?,
        None => 0,
    })
}

/// Where the process waits in the kernel; `0` (hidden, or running) is none.
fn read_wchan(dir: &Path) -> io::Result<String> {
    let text = std::fs::read_to_string(dir.join("wchan"))?;
    Ok(if text == "0" { String::new() } else { text })
}

/// Proportional resident and swapped bytes (`Pss`, `SwapPss`) from
/// `smaps_rollup`, or `smaps` summed where the kernel has no rollup.
fn proportional(dir: &Path) -> io::Result<(u64, u64)> {
    let text = std::fs::read_to_string(dir.join("smaps_rollup"))
        .or_else(|_| std::fs::read_to_string(dir.join("smaps")))?;
    let (mut pss, mut swap_pss) = (0u64, 0u64);
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else { continue };
        let kb = || value.split_whitespace().next().and_then(|v| v.parse::<u64>().ok());
        match key {
            "Pss" => pss += kb().unwrap_or(0) * 1024,
            "SwapPss" => swap_pss += kb().unwrap_or(0) * 1024,
            _ => {}
        }
    }
    Ok((pss, swap_pss))
}

/// The arguments (`argv`), none for a kernel thread.
fn cmdline(dir: &Path) -> io::Result<Vec<String>> {
    let data = std::fs::read(dir.join("cmdline"))?;
    let end = data.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    if end == 0 {
        return Ok(Vec::new());
    }
    Ok(data[..end].split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect())
}

/// The cgroup paths of the process, one per hierarchy.
fn cgroups(dir: &Path) -> io::Result<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("cgroup"))?;
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.splitn(3, ':').nth(2).map(str::to_owned).ok_or_else(|| invalid("bad cgroup")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_names_may_hold_parentheses_and_spaces() {
        let text = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 7 0 250 50 0 0 20 0 3 0 1234 \
                    8192000 300 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
        let stat = parse_stat(text).unwrap();
        assert_eq!(stat.comm, "a (b) c");
        assert_eq!((stat.state.as_str(), stat.ppid), ("S", 1));
        assert_eq!((stat.minflt, stat.majflt, stat.utime, stat.stime), (100, 7, 250, 50));
        assert_eq!((stat.num_threads, stat.start_ticks), (3, 1234));
        assert_eq!((stat.vsize, stat.rss_pages), (8192000, 300));
        assert!(parse_stat("42 (x) S").is_none());
    }

    #[test]
    fn the_running_process_reads_whole() {
        let fs = Procfs::open(Path::new("/proc")).unwrap();
        let me = fs.dir(std::process::id() as i32);
        let stat = read_stat(&me).unwrap();
        let (metrics, _) = fs.metrics(&me, &stat, true).unwrap();
        assert!(metrics.memory.resident > 0 && metrics.open_fds > 0, "{metrics:?}");
        let stat_static = fs.static_of(&me, &stat).unwrap();
        assert!(!stat_static.cmdline.is_empty());
        let now_ns =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
                as i64;
        assert!(stat_static.start_ns <= now_ns && stat_static.start_ns > now_ns - 86_400e9 as i64);
    }
}
