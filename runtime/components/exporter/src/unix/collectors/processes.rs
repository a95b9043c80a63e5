//! `processes`: processes and threads by state, their number and the
//! kernel's limits, from every `/proc/<pid>/stat` and
//! `/proc/<pid>/task/<tid>/stat`.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::{hwfs, procfs};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "processes", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Processes))
}

struct Processes;

#[derive(Default)]
struct Census {
    pids: u64,
    threads: i64,
    states: BTreeMap<String, u64>,
    thread_states: BTreeMap<String, u64>,
}

impl Collector for Processes {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let census = census(&host.procfs)?;
        out.gauge("node_processes_threads", "Allocated threads in system")
            .sample(&[], census.threads as f64);
        let max_threads = read_uint(&host.proc("sys/kernel/threads-max"))?;
        out.gauge("node_processes_max_threads", "Limit of threads in the system")
            .sample(&[], max_threads as f64);
        for (state, count) in &census.states {
            out.gauge("node_processes_state", "Number of processes in each state.")
                .sample(&[("state", state)], *count as f64);
        }
        for (state, count) in &census.thread_states {
            out.gauge("node_processes_threads_state", "Number of threads in each state.")
                .sample(&[("thread_state", state)], *count as f64);
        }
        let pid_max = read_uint(&host.proc("sys/kernel/pid_max"))?;
        out.gauge("node_processes_pids", "Number of PIDs").sample(&[], census.pids as f64);
        out.gauge("node_processes_max_processes", "Number of max PIDs limit")
            .sample(&[], pid_max as f64);
        Ok(())
    }
}

/// node_exporter's readUintFromFile: the whole file, trimmed, decimal.
fn read_uint(path: &Path) -> Result<u64, CollectError> {
    procfs::unsigned(path, procfs::read(path)?.trim())
}

/// A process or thread that went away while being read: passed over.
fn vanished(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::NotFound || error.raw_os_error() == Some(libc::ESRCH)
}

/// The numeric entries of a directory (procfs's AllProcs).
fn ids(dir: &Path) -> io::Result<Vec<i64>> {
    Ok(hwfs::names(dir)?.iter().filter_map(|n| n.parse().ok()).collect())
}

fn census(proc: &Path) -> Result<Census, CollectError> {
    let pids = ids(proc)
        .map_err(|e| procfs::failed(proc, format!("unable to list all processes: {e}")))?;
    let mut census = Census::default();
    for pid in pids {
        let dir = proc.join(pid.to_string());
        let Some((state, threads)) = stat(&dir.join("stat"))? else { continue };
        census.pids += 1;
        *census.states.entry(state.clone()).or_default() += 1;
        census.threads += threads;
        let tasks = dir.join("task");
        let tids = match ids(&tasks) {
            Ok(tids) => tids,
            Err(e) if vanished(&e) => continue,
            Err(e) => return Err(procfs::failed(&tasks, e)),
        };
        for tid in tids {
            // The main thread counts in its process's state.
            let thread_state = if tid == pid {
                state.clone()
            } else {
                match stat(&tasks.join(tid.to_string()).join("stat"))? {
                    Some((thread_state, _)) => thread_state,
                    None => continue,
                }
            };
            *census.thread_states.entry(thread_state).or_default() += 1;
        }
    }
    Ok(census)
}

/// How procfs's Fscan reads the fields after the command: the state,
/// then each field's kind (`i` signed, `u` unsigned); 40 in all.
const FIELDS: &[u8; 39] = b"iiiiiuuuuuuuiiiiiiuuiuuuuuuuuuuuuuiiuuu";

/// A `stat` file's state and number of threads; `None` when the process
/// went away.
fn stat(path: &Path) -> Result<Option<(String, i64)>, CollectError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if vanished(&e) => return Ok(None),
        Err(e) => return Err(procfs::failed(path, e)),
    };
    let text = String::from_utf8_lossy(&bytes);
    let (Some(left), Some(right)) = (text.find('('), text.rfind(')')) else {
        return Err(procfs::failed(path, "unexpected format, couldn't extract comm"));
    };
    let rest = text.get(right + 2..).filter(|_| left < right);
    let fields: Vec<&str> = rest.unwrap_or("").split_whitespace().collect();
    if fields.len() < FIELDS.len() + 1 {
        return Err(procfs::failed(path, "unexpected EOF"));
    }
    for (field, kind) in fields[1..].iter().zip(FIELDS) {
        let ok = match kind {
            b'i' => hwfs::parse_go_int(field).is_some(),
            _ => hwfs::parse_go_uint(field).is_some(),
        };
        if !ok {
            return Err(procfs::failed(path, format!("cannot parse {field:?}")));
        }
    }
    let threads = hwfs::parse_go_int(fields[17]).unwrap_or(0);
    Ok(Some((fields[0].to_owned(), threads)))
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn processes_and_threads_by_state() {
        let text = collect(&ENTRY, &no_args(), "processes").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_processes_max_processes 32768",
                "node_processes_max_threads 7000",
                "node_processes_pids 2",
                "node_processes_state{state=\"R\"} 1",
                "node_processes_state{state=\"S\"} 1",
                "node_processes_threads 4",
                "node_processes_threads_state{thread_state=\"D\"} 1",
                "node_processes_threads_state{thread_state=\"R\"} 1",
                "node_processes_threads_state{thread_state=\"S\"} 2",
            ]
        );
        assert!(text.contains("# HELP node_processes_threads_state Number of threads in each state.\n# TYPE node_processes_threads_state gauge\n"));
        assert!(text.contains("# HELP node_processes_max_processes Number of max PIDs limit\n"));
    }

    #[test]
    fn malformed_stat_fails() {
        let error = collect(&ENTRY, &no_args(), "processes_malformed").unwrap_err();
        assert!(matches!(&error, CollectError::Failed(m) if m.contains("\"x9\"")), "{error:?}");
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Failed(_))));
    }
}
