//! `systemd`: the state of systemd's units and of the system, read from
//! systemd's manager (`org.freedesktop.systemd1`) over the system bus, as
//! node_exporter 1.5 reads them: every unit's active state counted, and
//! for the units the `systemd` block's `unit_include` and `unit_exclude`
//! keep (anchored at both ends, as node_exporter anchors them) and that
//! are loaded, their state, service type, timer and socket counters, and
//! with the block's switches their start time, restarts and tasks.
//!
//! A host without a system bus (or without systemd on it) fails the
//! collector, as it fails node_exporter's.

mod fetch;

use std::collections::BTreeMap;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::dbus;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "systemd", default: false, build };

/// The states each kept unit has a `node_systemd_unit_state` sample for,
/// and that `node_systemd_units` always counts.
const STATES: [&str; 5] = ["active", "activating", "deactivating", "inactive", "failed"];

/// The `systemd` block.
pub struct Settings {
    include: Regex,
    exclude: Regex,
    restarts: bool,
    start_time: bool,
    tasks: bool,
}

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("systemd");
    Ok(Box::new(Settings {
        include: anchored(&block, "unit_include")?,
        exclude: anchored(&block, "unit_exclude")?,
        restarts: block.get("enable_restarts")?,
        start_time: block.get("start_time")?,
        tasks: block.get("task_metrics")?,
    }))
}

/// A unit-name pattern, which must match the whole name.
fn anchored(block: &Args, name: &str) -> Result<Regex, Error> {
    let text: String = block.get(name)?;
    Regex::new(&format!("^(?:{text})$"))
        .map_err(|e| block.invalid(name, format!("not a valid regexp: {e}")).into())
}

impl Collector for Settings {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let snapshot = dbus::block_on(fetch::snapshot(self))?;
        render(&snapshot, out)
    }
}

/// What one scrape read from systemd.
struct Snapshot {
    /// `Version` as a number and as the label shows it: 0 and "" when
    /// unreadable.
    version: (f64, String),
    /// The units, or why `ListUnits` failed.
    units: Result<Units, String>,
}

struct Units {
    /// Every listed unit's active state.
    states: Vec<String>,
    /// The kept units, with what was read of each.
    kept: Vec<Unit>,
    /// `SystemState`, read when systemd is 212 or newer.
    system_state: Option<Result<String, String>>,
}

/// One kept unit; each property is left out when it is not read (not of
/// the unit's type, switched off, or failed to read).
#[derive(Debug, Default, Clone, PartialEq)]
struct Unit {
    name: String,
    active_state: String,
    /// A service's or mount's `Type`; empty for other units.
    kind: String,
    restarts: Option<u32>,
    /// Microseconds since the epoch (0 when the unit is not active).
    start_time: Option<u64>,
    tasks_current: Option<u64>,
    tasks_max: Option<u64>,
    last_trigger: Option<u64>,
    socket: Option<Socket>,
}

/// A socket unit's counters: each only when those before it were read.
#[derive(Debug, Default, Clone, PartialEq)]
struct Socket {
    accepted: u32,
    current: Option<u32>,
    refused: Option<u32>,
}

fn render(snapshot: &Snapshot, out: &mut Exposition) -> Result<(), CollectError> {
    let (version, label) = &snapshot.version;
    out.gauge("node_systemd_version", "Detected systemd version")
        .sample(&[("version", label)], *version);
    let units = snapshot
        .units
        .as_ref()
        .map_err(|e| CollectError::Failed(format!("couldn't get units: {e}")))?;
    summary(&units.states, out);
    for unit in &units.kept {
        unit_metrics(unit, out);
    }
    match &units.system_state {
        Some(Ok(state)) => {
            out.gauge(
                "node_systemd_system_running",
                "Whether the system is operational (see 'systemctl is-system-running')",
            )
            .sample(&[], if state == "running" { 1.0 } else { 0.0 });
            Ok(())
        }
        Some(Err(error)) => {
            Err(CollectError::Failed(format!("couldn't get system state: {error}")))
        }
        None => Ok(()),
    }
}

/// `node_systemd_units`: how many units are in each state, every listed
/// unit counted (before include and exclude), the five states always.
fn summary(states: &[String], out: &mut Exposition) {
    let mut counts: BTreeMap<&str, f64> = STATES.iter().map(|s| (*s, 0.0)).collect();
    for state in states {
        *counts.entry(state).or_default() += 1.0;
    }
    let family = out.gauge("node_systemd_units", "Summary of systemd unit states");
    for (state, count) in counts {
        family.sample(&[("state", state)], count);
    }
}

fn unit_metrics(unit: &Unit, out: &mut Exposition) {
    let name = unit.name.as_str();
    let family = out.gauge("node_systemd_unit_state", "Systemd unit");
    for state in STATES {
        let value = if unit.active_state == state { 1.0 } else { 0.0 };
        family.sample(&[("name", name), ("state", state), ("type", &unit.kind)], value);
    }
    if let Some(n) = unit.restarts {
        out.counter("node_systemd_service_restart_total", "Service unit count of Restart triggers")
            .sample(&[("name", name)], n as f64);
    }
    if let Some(usec) = unit.start_time {
        out.gauge(
            "node_systemd_unit_start_time_seconds",
            "Start time of the unit since unix epoch in seconds.",
        )
        .sample(&[("name", name)], usec as f64 / 1e6);
    }
    // systemd says "no limit" and "not counted" with the largest value.
    if let Some(n) = unit.tasks_current.filter(|n| *n != u64::MAX) {
        out.gauge("node_systemd_unit_tasks_current", "Current number of tasks per Systemd unit")
            .sample(&[("name", name)], n as f64);
    }
    if let Some(n) = unit.tasks_max.filter(|n| *n != u64::MAX) {
        out.gauge("node_systemd_unit_tasks_max", "Maximum number of tasks per Systemd unit")
            .sample(&[("name", name)], n as f64);
    }
    if let Some(usec) = unit.last_trigger {
        out.gauge(
            "node_systemd_timer_last_trigger_seconds",
            "Seconds since epoch of last trigger.",
        )
        .sample(&[("name", name)], usec as f64 / 1e6);
    }
    if let Some(socket) = &unit.socket {
        socket_metrics(name, socket, out);
    }
}

fn socket_metrics(name: &str, socket: &Socket, out: &mut Exposition) {
    out.counter(
        "node_systemd_socket_accepted_connections_total",
        "Total number of accepted socket connections",
    )
    .sample(&[("name", name)], socket.accepted as f64);
    if let Some(n) = socket.current {
        out.gauge(
            "node_systemd_socket_current_connections",
            "Current number of socket connections",
        )
        .sample(&[("name", name)], n as f64);
    }
    // A gauge despite its name, as node_exporter 1.5 has it.
    if let Some(n) = socket.refused {
        out.gauge(
            "node_systemd_socket_refused_connections_total",
            "Total number of refused socket connections",
        )
        .sample(&[("name", name)], n as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, build as build_entry, samples};
    use super::*;

    fn unit(name: &str, state: &str) -> Unit {
        Unit { name: name.into(), active_state: state.into(), ..Unit::default() }
    }

    fn rendered(snapshot: &Snapshot) -> (String, Result<(), CollectError>) {
        let mut out = Exposition::new();
        let result = render(snapshot, &mut out);
        (out.render(), result)
    }

    fn snapshot(
        kept: Vec<Unit>,
        states: &[&str],
        system_state: Option<Result<String, String>>,
    ) -> Snapshot {
        Snapshot {
            version: (252.22, "252.22-1~deb12u1".into()),
            units: Ok(Units {
                states: states.iter().map(|s| s.to_string()).collect(),
                kept,
                system_state,
            }),
        }
    }

    #[test]
    fn unit_states_summary_and_system_state() {
        let mut ssh = unit("ssh.service", "active");
        ssh.kind = "notify".into();
        let states = ["active", "active", "failed", "reloading"];
        let (text, result) = rendered(&snapshot(
            vec![ssh, unit("x.path", "failed")],
            &states,
            Some(Ok("running".into())),
        ));
        result.unwrap();
        let lines = samples(&text);
        assert!(
            lines.contains(&"node_systemd_version{version=\"252.22-1~deb12u1\"} 252.22"),
            "{text}"
        );
        assert!(lines.contains(&"node_systemd_units{state=\"active\"} 2"), "{text}");
        assert!(lines.contains(&"node_systemd_units{state=\"deactivating\"} 0"), "{text}");
        assert!(lines.contains(&"node_systemd_units{state=\"reloading\"} 1"), "{text}");
        assert!(lines.contains(&"node_systemd_system_running 1"), "{text}");
        assert!(lines.contains(
            &"node_systemd_unit_state{name=\"ssh.service\",state=\"active\",type=\"notify\"} 1"
        ));
        assert!(lines.contains(
            &"node_systemd_unit_state{name=\"ssh.service\",state=\"failed\",type=\"notify\"} 0"
        ));
        assert_eq!(text.matches("node_systemd_unit_state{name=\"x.path\"").count(), 5, "{text}");
        assert!(text.contains("# TYPE node_systemd_units gauge\n"));
    }

    #[test]
    fn optional_families_and_their_types() {
        let mut service = unit("a.service", "active");
        service.restarts = Some(3);
        service.start_time = Some(1_700_000_000_500_000);
        service.tasks_current = Some(4);
        service.tasks_max = Some(u64::MAX);
        let mut timer = unit("b.timer", "active");
        timer.last_trigger = Some(2_000_000);
        let mut socket = unit("c.socket", "active");
        socket.socket = Some(Socket { accepted: 5, current: Some(1), refused: Some(2) });
        let (text, result) = rendered(&snapshot(vec![service, timer, socket], &[], None));
        result.unwrap();
        for line in [
            "# TYPE node_systemd_service_restart_total counter",
            "node_systemd_service_restart_total{name=\"a.service\"} 3",
            "node_systemd_unit_start_time_seconds{name=\"a.service\"} 1700000000.5",
            "node_systemd_unit_tasks_current{name=\"a.service\"} 4",
            "node_systemd_timer_last_trigger_seconds{name=\"b.timer\"} 2",
            "# TYPE node_systemd_socket_accepted_connections_total counter",
            "node_systemd_socket_accepted_connections_total{name=\"c.socket\"} 5",
            "node_systemd_socket_current_connections{name=\"c.socket\"} 1",
            "# TYPE node_systemd_socket_refused_connections_total gauge",
            "node_systemd_socket_refused_connections_total{name=\"c.socket\"} 2",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing from\n{text}");
        }
        // "No limit" is left out; systemd older than 212 has no system state.
        assert!(!text.contains("node_systemd_unit_tasks_max"), "{text}");
        assert!(!text.contains("node_systemd_system_running"), "{text}");
    }

    #[test]
    fn failures_keep_what_came_before() {
        let failed =
            Snapshot { version: (0.0, String::new()), units: Err("no such method".into()) };
        let (text, result) = rendered(&failed);
        assert!(
            matches!(result, Err(CollectError::Failed(why)) if why == "couldn't get units: no such method")
        );
        assert_eq!(samples(&text), ["node_systemd_version 0"]);
        let (text, result) = rendered(&snapshot(vec![], &[], Some(Err("timed out".into()))));
        assert!(
            matches!(result, Err(CollectError::Failed(why)) if why == "couldn't get system state: timed out")
        );
        assert!(text.contains("node_systemd_units{state=\"active\"} 0"), "{text}");
    }

    #[test]
    fn patterns_are_anchored_and_checked() {
        let settings = |body: &str| build(&args(body)).map(|_| ()).map_err(|e| e.to_string());
        settings("").unwrap();
        let error = settings("systemd {\n unit_include = \"(\"\n}").unwrap_err();
        assert!(error.starts_with("systemd/unit_include: not a valid regexp"), "{error}");
        let block = args("systemd {\n unit_include = \"ssh|cron\\\\.service\"\n}");
        let include = anchored(&block.block_or_empty("systemd"), "unit_include").unwrap();
        assert!(include.is_match("ssh") && include.is_match("cron.service"));
        assert!(!include.is_match("ssh.service") && !include.is_match("xcron.service"));
        let _ = build_entry(&ENTRY, &args("systemd {\n task_metrics = true\n}"));
    }
}
