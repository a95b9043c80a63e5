//! `perf`: per-CPU counters of the kernel's perf events, opened when the
//! component is built and read at each scrape (`events.rs`), as
//! node_exporter 1.5 reports them: hardware counters
//! (`node_perf_cpucycles_total{cpu}`, ...), software counters (page
//! faults, context switches, migrations), cache counters, and the
//! `tracepoint` block's tracepoints as `node_perf_<subsystem>_<event>`.
//! An event the host cannot count (no hardware PMU in a virtual machine,
//! `perf_event_paranoid`) is left out, as node_exporter leaves it out; a
//! tracepoint that cannot be opened refuses the component at load, as it
//! stops node_exporter at start.
//!
//! The block's profiler lists and switches are node_exporter 1.6's
//! (1.5 has only `cpus` and `tracepoint`): a list names the events kept
//! of its kind, a `disable_*` switch drops the kind.

mod events;

use std::path::{Path, PathBuf};

use river_runtime::args::Args;
use river_runtime::error::Error;

use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};
use events::{Counter, Group};

pub const ENTRY: Entry = Entry { name: "perf", default: false, build };

/// One counter node_exporter reports: its name in the profiler lists,
/// perf type and config, metric (after `node_perf_`) and help.
struct Event {
    name: &'static str,
    kind: u32,
    config: u64,
    metric: &'static str,
    help: &'static str,
}

const fn hw(name: &'static str, config: u64, metric: &'static str, help: &'static str) -> Event {
    Event { name, kind: 0, config, metric, help }
}

const fn sw(name: &'static str, config: u64, metric: &'static str, help: &'static str) -> Event {
    Event { name, kind: 1, config, metric, help }
}

/// A cache event: cache (L1D 0, L1I 1, LL 2, ITLB 4, BPU 5), operation
/// (read 0, write 1), result (access 0, miss 1).
const fn cache(
    name: &'static str,
    (id, op, result): (u64, u64, u64),
    metric: &'static str,
    help: &'static str,
) -> Event {
    Event { name, kind: 3, config: id | op << 8 | result << 16, metric, help }
}

const HARDWARE: &[Event] = &[
    hw("CpuCycles", 0, "cpucycles_total", "Number of CPU cycles (frequency scaled)"),
    hw("CpuInstr", 1, "instructions_total", "Number of CPU instructions"),
    hw("CacheRef", 2, "cache_refs_total", "Number of cache references (non frequency scaled)"),
    hw("CacheMisses", 3, "cache_misses_total", "Number of cache misses"),
    hw("BranchInstr", 4, "branch_instructions_total", "Number of CPU branch instructions"),
    hw("BranchMisses", 5, "branch_misses_total", "Number of CPU branch misses"),
    hw(
        "StalledCyclesFrontend",
        7,
        "stalled_cycles_frontend_total",
        "Number of stalled frontend CPU cycles",
    ),
    hw(
        "StalledCyclesBackend",
        8,
        "stalled_cycles_backend_total",
        "Number of stalled backend CPU cycles",
    ),
    hw("RefCpuCycles", 9, "ref_cpucycles_total", "Number of CPU cycles"),
];

const SOFTWARE: &[Event] = &[
    sw("PageFault", 2, "page_faults_total", "Number of page faults"),
    sw("ContextSwitch", 3, "context_switches_total", "Number of context switches"),
    sw("CpuMigration", 4, "cpu_migrations_total", "Number of CPU process migrations"),
    sw("MinorFault", 5, "minor_faults_total", "Number of minor page faults"),
    sw("MajorFault", 6, "major_faults_total", "Number of major page faults"),
];

const CACHE: &[Event] = &[
    cache(
        "L1DataReadHit",
        (0, 0, 0),
        "cache_l1d_read_hits_total",
        "Number L1 data cache read hits",
    ),
    cache(
        "L1DataReadMiss",
        (0, 0, 1),
        "cache_l1d_read_misses_total",
        "Number L1 data cache read misses",
    ),
    cache(
        "L1DataWriteHit",
        (0, 1, 0),
        "cache_l1d_write_hits_total",
        "Number L1 data cache write hits",
    ),
    cache(
        "L1InstrReadMiss",
        (1, 0, 1),
        "cache_l1_instr_read_misses_total",
        "Number instruction L1 instruction read misses",
    ),
    cache(
        "InstrTLBReadHit",
        (4, 0, 0),
        "cache_tlb_instr_read_hits_total",
        "Number instruction TLB read hits",
    ),
    cache(
        "InstrTLBReadMiss",
        (4, 0, 1),
        "cache_tlb_instr_read_misses_total",
        "Number instruction TLB read misses",
    ),
    cache("LLReadHit", (2, 0, 0), "cache_ll_read_hits_total", "Number last level read hits"),
    cache("LLReadMiss", (2, 0, 1), "cache_ll_read_misses_total", "Number last level read misses"),
    cache("LLWriteHit", (2, 1, 0), "cache_ll_write_hits_total", "Number last level write hits"),
    cache(
        "LLWriteMiss",
        (2, 1, 1),
        "cache_ll_write_misses_total",
        "Number last level write misses",
    ),
    cache("BPUReadHit", (5, 0, 0), "cache_bpu_read_hits_total", "Number BPU read hits"),
    cache("BPUReadMiss", (5, 0, 1), "cache_bpu_read_misses_total", "Number BPU read misses"),
];

/// The kinds, with their block settings: list, switch.
const KINDS: [(&[Event], &str, &str); 3] = [
    (HARDWARE, "hardware_profilers", "disable_hardware_profilers"),
    (SOFTWARE, "software_profilers", "disable_software_profilers"),
    (CACHE, "cache_profilers", "disable_cache_profilers"),
];

/// The counters of one CPU that opened.
struct CpuCounters {
    cpu: i32,
    counters: Vec<(&'static Event, Counter)>,
}

/// One configured tracepoint.
struct Tracepoint {
    subsystem: String,
    event: String,
}

struct Perf {
    /// Hardware, software and cache counters, per CPU.
    kinds: Vec<Vec<CpuCounters>>,
    tracepoints: Vec<Tracepoint>,
    groups: Vec<(i32, Group)>,
}

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("perf");
    let text: String = block.get("cpus")?;
    let cpus = if text.is_empty() {
        online_cpus()
    } else {
        parse_cpus(&text).map_err(|why| block.invalid("cpus", why))?
    };
    let named: Vec<String> = block.get("tracepoint")?;
    let tracepoints = parse_tracepoints(&named).map_err(|why| block.invalid("tracepoint", why))?;
    let sysfs = PathBuf::from(args.get::<String>("sysfs_path")?);
    let groups = open_tracepoints(&sysfs, &tracepoints, &cpus)
        .map_err(|why| block.invalid("tracepoint", why))?;
    let mut kinds = Vec::new();
    for (events, list, switch) in KINDS {
        let chosen = chosen(&block, events, list)?;
        let off: bool = block.get(switch)?;
        kinds.push(if off { Vec::new() } else { open_counters(&chosen, &cpus) });
    }
    Ok(Box::new(Perf { kinds, tracepoints, groups }))
}

/// The events of one kind a list keeps (all when it is empty); a name
/// that is not one of the kind's is refused.
fn chosen(
    block: &Args,
    events: &'static [Event],
    list: &str,
) -> Result<Vec<&'static Event>, Error> {
    let names: Vec<String> = block.get(list)?;
    if let Some(unknown) = names.iter().find(|n| events.iter().all(|e| e.name != n.as_str())) {
        let known: Vec<&str> = events.iter().map(|e| e.name).collect();
        let why = format!("unknown profiler {unknown:?}; the profilers are {}", known.join(", "));
        return Err(block.invalid(list, why).into());
    }
    Ok(events.iter().filter(|e| names.is_empty() || names.iter().any(|n| n == e.name)).collect())
}

/// Each CPU's counters that open: an event the host cannot count is
/// left out, as node_exporter leaves it out.
fn open_counters(events: &[&'static Event], cpus: &[i32]) -> Vec<CpuCounters> {
    let mut out = Vec::new();
    for &cpu in cpus {
        let mut counters = Vec::new();
        for &event in events {
            match Counter::open(event.kind, event.config, cpu) {
                Ok(counter) => counters.push((event, counter)),
                Err(e) => {
                    tracing::debug!(collector = "perf", cpu, event = event.name, err = %e, "perf event not opened")
                }
            }
        }
        out.push(CpuCounters { cpu, counters });
    }
    out
}

fn open_tracepoints(
    sysfs: &Path,
    tracepoints: &[Tracepoint],
    cpus: &[i32],
) -> Result<Vec<(i32, Group)>, String> {
    if tracepoints.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids = Vec::new();
    for t in tracepoints {
        let path =
            sysfs.join("kernel/debug/tracing/events").join(&t.subsystem).join(&t.event).join("id");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let first = text.split('\n').next().unwrap_or_default();
        ids.push(first.parse::<u64>().map_err(|e| format!("{}: {first:?}: {e}", path.display()))?);
    }
    cpus.iter()
        .map(|&cpu| {
            Group::open(&ids, cpu)
                .map(|g| (cpu, g))
                .map_err(|e| format!("perf tracepoints on CPU {cpu}: {e}"))
        })
        .collect()
}

impl Collector for Perf {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        for kind in &self.kinds {
            for cpu in kind {
                // A CPU whose counters cannot all be read reports none of
                // them, and the scrape stops there, as in node_exporter.
                let mut values = Vec::with_capacity(cpu.counters.len());
                for (event, counter) in &cpu.counters {
                    values.push((event, counter.read()?));
                }
                let id = cpu.cpu.to_string();
                for (event, value) in values {
                    out.counter(&format!("node_perf_{}", event.metric), event.help)
                        .sample(&[("cpu", &id)], value as f64);
                }
            }
        }
        for (cpu, group) in &self.groups {
            let id = cpu.to_string();
            for (t, value) in self.tracepoints.iter().zip(group.read()?) {
                let name = format!("node_perf_{}_{}", t.subsystem, t.event);
                let help = format!("Perf tracepoint {}:{}", t.subsystem, t.event);
                out.counter(&name, &help).sample(&[("cpu", &id)], value as f64);
            }
        }
        Ok(())
    }
}

/// `subsystem:event` each, as node_exporter splits them; a repeated one
/// is counted once.
fn parse_tracepoints(named: &[String]) -> Result<Vec<Tracepoint>, String> {
    let mut out: Vec<Tracepoint> = Vec::new();
    for text in named {
        let parts: Vec<&str> = text.split(':').collect();
        let [subsystem, event] = parts[..] else {
            return Err(format!("invalid tracepoint config {text}"));
        };
        if !out.iter().any(|t| t.subsystem == subsystem && t.event == event) {
            out.push(Tracepoint { subsystem: subsystem.to_owned(), event: event.to_owned() });
        }
    }
    Ok(out)
}

/// node_exporter's CPU list: comma-separated CPUs and ranges, a range
/// with an optional stride (`1-10:5` is 1, 6). A stride below 1 (where
/// node_exporter would loop forever) is refused.
fn parse_cpus(text: &str) -> Result<Vec<i32>, String> {
    let number = |s: &str| s.parse::<i32>().map_err(|_| format!("invalid CPU {s:?} in {text:?}"));
    let mut cpus = Vec::new();
    for subset in text.split(',') {
        if !subset.contains('-') {
            cpus.push(number(subset)?);
            continue;
        }
        let (range, stride) = match subset.split(':').collect::<Vec<_>>()[..] {
            [range, stride] => (range, number(stride)?),
            _ => (subset.split(':').next().unwrap_or_default(), 1),
        };
        if stride < 1 {
            return Err(format!("invalid stride {stride} in {text:?}"));
        }
        let [start, end] = range.split('-').collect::<Vec<_>>()[..] else {
            return Err(format!("invalid flag value {text:?}"));
        };
        let (start, end) = (number(start)?, number(end)?);
        cpus.extend((start..=end).step_by(stride as usize));
    }
    let mut unique = Vec::new();
    for cpu in cpus {
        if !unique.contains(&cpu) {
            unique.push(cpu);
        }
    }
    Ok(unique)
}

/// CPUs 0 to n-1 for the n CPUs this process may run on, as Go's
/// `runtime.NumCPU`.
fn online_cpus() -> Vec<i32> {
    // SAFETY: a zeroed cpu_set_t is empty; sched_getaffinity fills it.
    let count = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
            libc::CPU_COUNT(&set)
        } else {
            1
        }
    };
    (0..count.max(1)).collect()
}

#[cfg(test)]
mod tests;
