//! The block's settings, and the counters of this host (software events
//! count wherever perf events are allowed; hardware ones only with a PMU).

use super::*;
use crate::unix::collectors::hwfs::testing::{args, host};

fn built(body: &str) -> Result<Box<dyn Collector>, String> {
    build(&args(body)).map_err(|e| e.to_string())
}

fn refused(body: &str) -> String {
    match built(body) {
        Ok(_) => panic!("{body} builds"),
        Err(e) => e,
    }
}

#[test]
fn cpu_lists_as_node_exporter_reads_them() {
    assert_eq!(parse_cpus("0"), Ok(vec![0]));
    assert_eq!(parse_cpus("0,2,1"), Ok(vec![0, 2, 1]));
    assert_eq!(parse_cpus("1-3"), Ok(vec![1, 2, 3]));
    assert_eq!(parse_cpus("1-10:5"), Ok(vec![1, 6]));
    assert_eq!(parse_cpus("0,0-1"), Ok(vec![0, 1]));
    assert!(parse_cpus("a").is_err());
    assert!(parse_cpus("1-2-3").is_err());
    assert!(parse_cpus("1-4:0").is_err());
    assert!(parse_cpus("").is_err());
    assert!(!online_cpus().is_empty());
}

#[test]
fn tracepoints_are_subsystem_and_event() {
    let parsed =
        parse_tracepoints(&["sched:sched_switch".into(), "sched:sched_switch".into()]).unwrap();
    assert_eq!(parsed.len(), 1);
    assert_eq!((parsed[0].subsystem.as_str(), parsed[0].event.as_str()), ("sched", "sched_switch"));
    assert!(parse_tracepoints(&["sched".into()]).is_err());
    assert!(parse_tracepoints(&["a:b:c".into()]).is_err());
}

#[test]
fn settings_refused_at_load() {
    let error = refused("perf {\n cpus = \"x\"\n}");
    assert!(error.starts_with("perf/cpus: invalid CPU \"x\""), "{error}");
    let error = refused("perf {\n hardware_profilers = [\"CpuCycles\", \"Nope\"]\n}");
    assert!(error.starts_with("perf/hardware_profilers: unknown profiler \"Nope\""), "{error}");
    // No tracing file system under this sysfs: the tracepoint cannot be found.
    let sysfs = host("empty").sysfs;
    let body = format!(
        "sysfs_path = {:?}\nperf {{\n tracepoint = [\"sched:sched_switch\"]\n}}",
        sysfs.display().to_string()
    );
    let error = refused(&body);
    assert!(error.starts_with("perf/tracepoint: "), "{error}");
    assert!(error.contains("kernel/debug/tracing/events/sched/sched_switch/id"), "{error}");
}

#[test]
fn profiler_lists_and_switches() {
    let block = args("perf {\n cache_profilers = [\"LLReadMiss\", \"BPUReadHit\"]\n}")
        .block_or_empty("perf");
    let names: Vec<&str> =
        chosen(&block, CACHE, "cache_profilers").unwrap().iter().map(|e| e.name).collect();
    assert_eq!(names, ["LLReadMiss", "BPUReadHit"]);
    assert_eq!(chosen(&block, HARDWARE, "hardware_profilers").unwrap().len(), 9);
    assert_eq!(CACHE[7].config, 2 | 1 << 16);
    assert_eq!(CACHE[8].config, 2 | 1 << 8);
    let text = collect("perf {\n disable_hardware_profilers = true\n disable_software_profilers = true\n disable_cache_profilers = true\n}");
    assert_eq!(text, "");
}

fn collect(body: &str) -> String {
    let Ok(collector) = built(body) else { panic!("{body} does not build") };
    let mut out = Exposition::new();
    collector.collect(&host("empty"), &mut out).unwrap();
    out.render()
}

#[test]
fn software_counters_of_this_host() {
    let text = collect(
        "perf {\n cpus = \"0\"\n software_profilers = [\"ContextSwitch\", \"PageFault\"]\n}",
    );
    // Where perf events are allowed at all, software ones always count.
    if Counter::open(1, 3, 0).is_ok() {
        assert!(text.contains("# HELP node_perf_context_switches_total Number of context switches\n# TYPE node_perf_context_switches_total counter\nnode_perf_context_switches_total{cpu=\"0\"} "), "{text}");
        assert!(text.contains("node_perf_page_faults_total{cpu=\"0\"} "), "{text}");
        assert!(!text.contains("node_perf_minor_faults_total"), "{text}");
        assert!(!text.contains("cpu=\"1\""), "{text}");
    }
}
