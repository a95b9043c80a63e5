//! The `namedprocess_*` families of one scrape, with process-exporter's
//! names, labels and units: one set per group (`groupname`), the smaps
//! memory types with `gather_smaps`, the per-thread-name families with
//! `track_threads`, and the scrape's own error counters.

use std::collections::BTreeMap;

use crate::exposition::Exposition;

use super::groups::Group;

/// What the families depend on beyond the groups.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shown {
    pub threads: bool,
    pub smaps: bool,
}

/// The error counters since the component started.
#[derive(Debug, Clone, Copy, Default)]
pub struct ErrorTotals {
    pub scrape: u64,
    pub read: u64,
    pub partial: u64,
}

/// Go's zero `time.Time` in Unix seconds: the oldest start of a group
/// with no process left, as process-exporter reports it.
const GO_ZERO_TIME: f64 = -62_135_596_800.0;

const P: &str = "namedprocess_namegroup_";

pub fn render(groups: Option<&BTreeMap<String, Group>>, shown: Shown, e: ErrorTotals) -> String {
    let mut out = Exposition::new();
    for (name, group) in groups.into_iter().flatten() {
        group_families(&mut out, name, group, shown);
    }
    let errors = [
        ("namedprocess_scrape_errors", "Scrapes that could not list the processes.", e.scrape),
        ("namedprocess_scrape_procread_errors", "Processes that could not be read.", e.read),
        (
            "namedprocess_scrape_partial_errors",
            "Tracked processes read only in part (I/O, descriptors, wchan, smaps or threads).",
            e.partial,
        ),
    ];
    for (name, help, value) in errors {
        out.counter(name, help).sample(&[], value as f64);
    }
    out.render()
}

fn group_families(out: &mut Exposition, name: &str, g: &Group, shown: Shown) {
    let gauge = |out: &mut Exposition, family: &str, help: &str, value: f64| {
        out.gauge(&format!("{P}{family}"), help).sample(&[("groupname", name)], value);
    };
    let counter = |out: &mut Exposition, family: &str, help: &str, value: f64| {
        out.counter(&format!("{P}{family}"), help).sample(&[("groupname", name)], value);
    };
    gauge(out, "num_procs", "Processes in the group.", g.procs as f64);
    gauge(out, "num_threads", "Threads of the group's processes.", g.num_threads as f64);
    gauge(out, "open_filedesc", "Open file descriptors of the group.", g.open_fds as f64);
    let worst = "The highest ratio of open descriptors to their limit in the group.";
    gauge(out, "worst_fd_ratio", worst, g.worst_fd_ratio);
    let oldest = g.oldest_start_ns.map_or(GO_ZERO_TIME, |ns| ns.div_euclid(1_000_000_000) as f64);
    let start = "Start of the group's oldest process, in seconds since the epoch.";
    gauge(out, "oldest_start_time_seconds", start, oldest);
    let c = &g.counts;
    counter(out, "read_bytes_total", "Bytes the group read.", c.read_bytes as f64);
    counter(out, "write_bytes_total", "Bytes the group wrote.", c.write_bytes as f64);
    counter(out, "major_page_faults_total", "Major page faults.", c.major_faults as f64);
    counter(out, "minor_page_faults_total", "Minor page faults.", c.minor_faults as f64);
    let cpu = out.counter(&format!("{P}cpu_seconds_total"), "CPU time of the group, by mode.");
    cpu.sample(&[("groupname", name), ("mode", "user")], c.cpu_user);
    cpu.sample(&[("groupname", name), ("mode", "system")], c.cpu_system);
    let ctx = out.counter(&format!("{P}context_switches_total"), "Context switches, by type.");
    ctx.sample(&[("groupname", name), ("ctxswitchtype", "voluntary")], c.ctx_voluntary as f64);
    let nonvoluntary = c.ctx_nonvoluntary as f64;
    ctx.sample(&[("groupname", name), ("ctxswitchtype", "nonvoluntary")], nonvoluntary);
    memory(out, name, g, shown.smaps);
    waiting(out, name, g);
    if shown.threads {
        threads(out, name, g);
    }
}

/// The run states and the kernel functions threads wait in.
fn waiting(out: &mut Exposition, name: &str, g: &Group) {
    let states = out.gauge(&format!("{P}states"), "Processes and threads in each run state.");
    let s = &g.states;
    let by_state = [
        ("Running", s.running),
        ("Sleeping", s.sleeping),
        ("Waiting", s.waiting),
        ("Zombie", s.zombie),
        ("Other", s.other),
    ];
    for (state, count) in by_state {
        states.sample(&[("groupname", name), ("state", state)], count as f64);
    }
    let wchan = out.gauge(&format!("{P}threads_wchan"), "Threads waiting in each kernel function.");
    for (function, count) in &g.wchans {
        wchan.sample(&[("groupname", name), ("wchan", function)], *count as f64);
    }
}

fn memory(out: &mut Exposition, name: &str, g: &Group, smaps: bool) {
    let bytes = out.gauge(&format!("{P}memory_bytes"), "Memory of the group in bytes, by type.");
    let m = &g.memory;
    let mut types = vec![("resident", m.resident), ("virtual", m.virtual_), ("swapped", m.swapped)];
    if smaps {
        types.push(("proportionalResident", m.proportional_resident));
        types.push(("proportionalSwapped", m.proportional_swapped));
    }
    for (memtype, value) in types {
        bytes.sample(&[("groupname", name), ("memtype", memtype)], value as f64);
    }
}

fn threads(out: &mut Exposition, name: &str, g: &Group) {
    for t in &g.threads {
        let labels = [("groupname", name), ("threadname", t.name.as_str())];
        let with = |key: &'static str, value: &'static str| {
            let mut l = labels.to_vec();
            l.push((key, value));
            l
        };
        let c = &t.counts;
        out.gauge(&format!("{P}thread_count"), "Threads of this name in the group.")
            .sample(&labels, t.count as f64);
        out.counter(&format!("{P}thread_cpu_seconds_total"), "CPU time of these threads, by mode.")
            .sample(&with("mode", "user"), c.cpu_user)
            .sample(&with("mode", "system"), c.cpu_system);
        out.counter(&format!("{P}thread_io_bytes_total"), "Bytes these threads read and wrote.")
            .sample(&with("iomode", "read"), c.read_bytes as f64)
            .sample(&with("iomode", "write"), c.write_bytes as f64);
        out.counter(
            &format!("{P}thread_major_page_faults_total"),
            "Major faults of these threads.",
        )
        .sample(&labels, c.major_faults as f64);
        out.counter(
            &format!("{P}thread_minor_page_faults_total"),
            "Minor faults of these threads.",
        )
        .sample(&labels, c.minor_faults as f64);
        out.counter(&format!("{P}thread_context_switches_total"), "Switches of these threads.")
            .sample(&with("ctxswitchtype", "voluntary"), c.ctx_voluntary as f64)
            .sample(&with("ctxswitchtype", "nonvoluntary"), c.ctx_nonvoluntary as f64);
    }
}
