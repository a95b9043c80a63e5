//! `prometheus.exporter.process` built from a config's block as the
//! controller builds it, scraping a procfs made up in a temporary
//! directory (so that processes can start, grow and end between scrapes)
//! and this machine's own `/proc`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use river_exporter::process::EXPORTER_PROCESS;
use river_runtime::component::{Component, Ctx};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;

/// A procfs in a directory: `stat` with a boot time 1000 s ago, and one
/// directory per process written by `add`.
struct FakeProc {
    root: PathBuf,
}

/// A made-up process.
#[derive(Clone)]
struct P {
    pid: i32,
    ppid: i32,
    comm: &'static str,
    argv: &'static [&'static str],
    utime: u64,
    /// Seconds after boot; past 1000 is after the test started.
    start: u64,
    threads: &'static [(i32, &'static str)],
    io: bool,
}

const BOOT_AGO: u64 = 1000;

impl P {
    fn new(pid: i32, ppid: i32, comm: &'static str, argv: &'static [&'static str]) -> P {
        P { pid, ppid, comm, argv, utime: 100, start: 1, threads: &[], io: true }
    }
}

impl FakeProc {
    fn new(dir: &Path) -> FakeProc {
        let root = dir.join("proc");
        std::fs::create_dir_all(&root).unwrap();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        std::fs::write(root.join("stat"), format!("cpu 0 0 0\nbtime {}\n", now - BOOT_AGO))
            .unwrap();
        FakeProc { root }
    }

    fn add(&self, p: &P) {
        let dir = self.root.join(p.pid.to_string());
        write_task(&dir, p, p.pid, p.comm);
        std::fs::write(
            dir.join("limits"),
            "Limit Soft Hard Units\nMax open files 1024 4096 files\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.join("fd")).unwrap();
        for fd in 0..4 {
            std::fs::write(dir.join("fd").join(fd.to_string()), "").unwrap();
        }
        std::fs::write(dir.join("smaps_rollup"), "Rss: 8 kB\nPss: 6 kB\nSwapPss: 1 kB\n").unwrap();
        for (tid, name) in p.threads {
            write_task(&dir.join("task").join(tid.to_string()), p, *tid, name);
        }
    }

    fn remove(&self, pid: i32) {
        std::fs::remove_dir_all(self.root.join(pid.to_string())).unwrap();
    }
}

/// The files a process and a thread both have.
fn write_task(dir: &Path, p: &P, pid: i32, comm: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let (ppid, utime, start) = (p.ppid, p.utime, p.start * 100);
    let threads = p.threads.len().max(1);
    let stat = format!(
        "{pid} ({comm}) S {ppid} {pid} {pid} 0 -1 0 10 0 2 0 {utime} 50 0 0 20 0 {threads} 0 \
         {start} 4096000 100 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0"
    );
    std::fs::write(dir.join("stat"), stat).unwrap();
    let status = "Name:\tx\nUid:\t0\t0\t0\t0\nVmSwap:\t       2 kB\n\
                  voluntary_ctxt_switches:\t5\nnonvoluntary_ctxt_switches:\t1\n";
    std::fs::write(dir.join("status"), status).unwrap();
    if p.io {
        std::fs::write(dir.join("io"), "rchar: 1\nread_bytes: 4096\nwrite_bytes: 512\n").unwrap();
    }
    let argv: String = p.argv.iter().map(|a| format!("{a}\0")).collect();
    std::fs::write(dir.join("cmdline"), argv).unwrap();
    std::fs::write(dir.join("cgroup"), "0::/test.slice\n").unwrap();
    std::fs::write(dir.join("wchan"), "0").unwrap();
}

fn build(body: &str, dir: &Path) -> Result<Arc<dyn Component>, Error> {
    let config = format!("prometheus.exporter.process \"test\" {{\n{body}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], &[EXPORTER_PROCESS]).unwrap();
    let args = evaluate_alone(&plan.nodes[0]).unwrap();
    let globals = Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.into());
    let ctx = Ctx::detached("prometheus.exporter.process.test", dir.join("data"), globals);
    (EXPORTER_PROCESS.build)(ctx, &args)
}

async fn scrape(component: &Arc<dyn Component>) -> String {
    component.scrape(&[]).unwrap().await.unwrap()
}

/// The value of the sample written exactly as `series` (`name{labels}`).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn groups(text: &str) -> Vec<String> {
    let prefix = "namedprocess_namegroup_num_procs{groupname=\"";
    text.lines()
        .filter_map(|l| Some(l.strip_prefix(prefix)?.split('"').next()?.to_owned()))
        .collect()
}

const RUNNER: &[&str] = &["/bin/bash", "/opt/runner.sh", "--job", "alpha"];
const SLEEP: &[&str] = &["sleep", "60"];

fn body(fs: &FakeProc, children: bool) -> String {
    format!(
        "procfs_path = {:?}\ntrack_children = {children}\n\
         matcher {{\n name = \"job-{{{{.Matches.job}}}}\"\n cmdline = [\"runner\\\\.sh --job (?P<job>\\\\w+)\"]\n}}\n\
         matcher {{\n name = \"{{{{.Comm}}}}-{{{{.Username}}}}\"\n comm = [\"other\"]\n}}\n",
        fs.root
    )
}

#[tokio::test]
async fn children_join_their_parents_group_when_tracked() {
    let dir = tempfile::tempdir().unwrap();
    let fs = FakeProc::new(dir.path());
    fs.add(&P::new(100, 1, "bash", RUNNER));
    fs.add(&P::new(101, 100, "sleep", SLEEP));
    fs.add(&P::new(102, 101, "sleep", SLEEP));
    fs.add(&P::new(200, 1, "other", &["other"]));
    fs.add(&P::new(300, 1, "unrelated", &["unrelated"]));
    // A child that a matcher names is in its own group.
    fs.add(&P::new(201, 100, "other", &["other"]));
    let with = build(&body(&fs, true), dir.path()).unwrap();
    let text = scrape(&with).await;
    assert_eq!(groups(&text), ["job-alpha", "other-root"], "{text}");
    let others = value(&text, "namedprocess_namegroup_num_procs{groupname=\"other-root\"}");
    assert_eq!(others, Some(2.0));
    assert_eq!(
        value(&text, "namedprocess_namegroup_num_procs{groupname=\"job-alpha\"}"),
        Some(3.0)
    );
    let without = build(&body(&fs, false), dir.path()).unwrap();
    let text = scrape(&without).await;
    assert_eq!(
        value(&text, "namedprocess_namegroup_num_procs{groupname=\"job-alpha\"}"),
        Some(1.0)
    );
    // A child started later joins too.
    fs.add(&P { start: BOOT_AGO + 5, ..P::new(103, 100, "sleep", SLEEP) });
    let text = scrape(&with).await;
    assert_eq!(
        value(&text, "namedprocess_namegroup_num_procs{groupname=\"job-alpha\"}"),
        Some(4.0)
    );
}

#[tokio::test]
async fn an_ignored_process_is_looked_at_again_only_with_recheck_on_scrape() {
    let dir = tempfile::tempdir().unwrap();
    let fs = FakeProc::new(dir.path());
    fs.add(&P::new(200, 1, "before", &["other"]));
    let once = build(&body(&fs, true), dir.path()).unwrap();
    let again =
        build(&format!("{}recheck_on_scrape = true\n", body(&fs, true)), dir.path()).unwrap();
    assert!(groups(&scrape(&once).await).is_empty());
    assert!(groups(&scrape(&again).await).is_empty());
    // The same process (same pid and start) renames itself.
    fs.add(&P::new(200, 1, "other", &["other"]));
    assert!(groups(&scrape(&once).await).is_empty());
    assert_eq!(groups(&scrape(&again).await), ["other-root"]);
}

#[tokio::test]
async fn counters_grow_from_the_first_reading_and_never_go_down() {
    let dir = tempfile::tempdir().unwrap();
    let fs = FakeProc::new(dir.path());
    fs.add(&P::new(100, 1, "bash", RUNNER));
    fs.add(&P::new(101, 100, "sleep", SLEEP));
    let c = build(&body(&fs, true), dir.path()).unwrap();
    let cpu = "namedprocess_namegroup_cpu_seconds_total{groupname=\"job-alpha\",mode=\"user\"}";
    // What ran before the first reading does not count.
    let text = scrape(&c).await;
    assert_eq!(value(&text, cpu), Some(0.0), "{text}");
    fs.add(&P { utime: 350, ..P::new(101, 100, "sleep", SLEEP) });
    let text = scrape(&c).await;
    assert_eq!(value(&text, cpu), Some(2.5));
    // A process started since counts whole; one that ended keeps its share.
    fs.remove(101);
    fs.add(&P { start: BOOT_AGO + 5, utime: 100, ..P::new(102, 100, "sleep", SLEEP) });
    let text = scrape(&c).await;
    assert_eq!(value(&text, cpu), Some(3.5));
    let procs = "namedprocess_namegroup_num_procs{groupname=\"job-alpha\"}";
    assert_eq!(value(&text, procs), Some(2.0));
    // A group with nothing left keeps its counters, with nothing running.
    fs.remove(100);
    fs.remove(102);
    let text = scrape(&c).await;
    assert_eq!((value(&text, cpu), value(&text, procs)), (Some(3.5), Some(0.0)));
    let oldest = "namedprocess_namegroup_oldest_start_time_seconds{groupname=\"job-alpha\"}";
    assert_eq!(value(&text, oldest), Some(-62135596800.0));
}

#[tokio::test]
async fn group_gauges_and_smaps_memory() {
    let dir = tempfile::tempdir().unwrap();
    let fs = FakeProc::new(dir.path());
    fs.add(&P::new(100, 1, "bash", RUNNER));
    let c = build(&body(&fs, true), dir.path()).unwrap();
    let text = scrape(&c).await;
    let g = |name: &str, extra: &str| {
        value(&text, &format!("namedprocess_namegroup_{name}{{groupname=\"job-alpha\"{extra}}}"))
    };
    assert_eq!(g("open_filedesc", ""), Some(4.0));
    assert_eq!(g("worst_fd_ratio", ""), Some(4.0 / 1024.0));
    assert_eq!(g("memory_bytes", ",memtype=\"virtual\""), Some(4096000.0));
    assert_eq!(g("memory_bytes", ",memtype=\"swapped\""), Some(2048.0));
    assert_eq!(g("memory_bytes", ",memtype=\"proportionalResident\""), Some(6144.0));
    assert_eq!(g("memory_bytes", ",memtype=\"proportionalSwapped\""), Some(1024.0));
    assert_eq!(g("states", ",state=\"Sleeping\""), Some(1.0));
    assert_eq!(g("num_threads", ""), Some(1.0));
    let start = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() - BOOT_AGO + 1;
    let oldest = g("oldest_start_time_seconds", "").unwrap();
    assert!((oldest - start as f64).abs() <= 1.0, "{oldest} vs {start}");
    let no_smaps = format!("{}gather_smaps = false\n", body(&fs, true));
    let text = scrape(&build(&no_smaps, dir.path()).unwrap()).await;
    assert!(!text.contains("proportionalResident"), "{text}");
}

#[tokio::test]
async fn threads_are_reported_by_name_with_track_threads() {
    let dir = tempfile::tempdir().unwrap();
    let fs = FakeProc::new(dir.path());
    let threads: &[(i32, &str)] = &[(100, "bash"), (104, "worker"), (105, "worker")];
    fs.add(&P { threads, ..P::new(100, 1, "bash", RUNNER) });
    let c = build(&body(&fs, true), dir.path()).unwrap();
    let text = scrape(&c).await;
    let count =
        "namedprocess_namegroup_thread_count{groupname=\"job-alpha\",threadname=\"worker\"}";
    assert_eq!(value(&text, count), Some(2.0), "{text}");
    let g = "{groupname=\"job-alpha\"}";
    // The process's own state and each thread's.
    let sleeping = "namedprocess_namegroup_states{groupname=\"job-alpha\",state=\"Sleeping\"}";
    assert_eq!(value(&text, sleeping), Some(4.0));
    assert_eq!(value(&text, &format!("namedprocess_namegroup_num_threads{g}")), Some(3.0));
    let cpu = "namedprocess_namegroup_thread_cpu_seconds_total{groupname=\"job-alpha\",\
               mode=\"user\",threadname=\"worker\"}";
    assert_eq!(value(&text, cpu), Some(0.0), "{text}");
    let off = format!("{}track_threads = false\n", body(&fs, true));
    let text = scrape(&build(&off, dir.path()).unwrap()).await;
    assert!(!text.contains("namedprocess_namegroup_thread_"), "{text}");
}

#[tokio::test]
async fn unreadable_processes_and_a_lost_mount_count_as_errors() {
    let dir = tempfile::tempdir().unwrap();
    let fs = FakeProc::new(dir.path());
    fs.add(&P { io: false, ..P::new(100, 1, "bash", RUNNER) });
    fs.add(&P::new(200, 1, "other", &["other"]));
    // A process without a status cannot be read at all.
    std::fs::remove_file(fs.root.join("200/status")).unwrap();
    let c = build(&body(&fs, true), dir.path()).unwrap();
    let text = scrape(&c).await;
    let errors = |text: &str, kind: &str| value(text, &format!("namedprocess_scrape_{kind}"));
    assert!(errors(&text, "partial_errors").unwrap() >= 1.0, "{text}");
    assert!(errors(&text, "procread_errors").unwrap() >= 1.0, "{text}");
    assert_eq!(errors(&text, "errors"), Some(0.0));
    assert_eq!(groups(&text), ["job-alpha"]);
    std::fs::remove_dir_all(&fs.root).unwrap();
    let text = scrape(&c).await;
    assert_eq!(errors(&text, "errors"), Some(1.0), "{text}");
    assert!(groups(&text).is_empty());
}

#[tokio::test]
async fn settings_that_cannot_work_are_refused_at_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing");
    let Err(Error::Setting(e)) = build(&format!("procfs_path = {missing:?}"), dir.path()) else {
        panic!("a missing procfs was taken")
    };
    assert_eq!(e.path, "procfs_path");
    assert!(e.message.contains("cannot read"), "{e}");
    let Err(Error::Setting(e)) = build("matcher {\n name = \"x\"\n}", dir.path()) else {
        panic!("a matcher without rules was taken")
    };
    assert_eq!(e.path, "matcher/comm");
    let Err(Error::Setting(e)) =
        build("matcher {\n comm = [\"a\"]\n}\nmatcher {\n cmdline = [\"(\"]\n}", dir.path())
    else {
        panic!("a bad regexp was taken")
    };
    assert_eq!(e.path, "matcher[1]/cmdline");
}

#[tokio::test]
async fn this_test_process_is_found_in_the_real_proc() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::args().next().unwrap();
    let body = format!("matcher {{\n name = \"me\"\n exe = [{exe:?}]\n}}\n");
    let c = build(&body, dir.path()).unwrap();
    let text = scrape(&c).await;
    assert_eq!(value(&text, "namedprocess_namegroup_num_procs{groupname=\"me\"}"), Some(1.0));
    let resident = "namedprocess_namegroup_memory_bytes{groupname=\"me\",memtype=\"resident\"}";
    assert!(value(&text, resident).unwrap() > 0.0, "{text}");
    let threads = value(&text, "namedprocess_namegroup_num_threads{groupname=\"me\"}").unwrap();
    assert!(threads >= 2.0, "{text}");
    assert!(text.contains("# TYPE namedprocess_namegroup_cpu_seconds_total counter"));
}
