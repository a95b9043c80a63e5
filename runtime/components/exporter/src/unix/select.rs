//! Which collectors a `prometheus.exporter.unix` runs.
//!
//! As the reference's node_exporter integration: node_exporter's Linux
//! defaults, or exactly `set_collectors` when it lists any; then
//! `enable_collectors` adds and `disable_collectors` removes, a name in
//! both ending disabled as the reference's documentation says. Names are
//! checked here, where the reference drops a name it does not know
//! without a word: a misspelt collector is refused with its place and the
//! known names.

use std::collections::BTreeSet;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::collector::Entry;

/// node_exporter's Linux collectors (1.5, and `softirqs`, which the
/// reference's page lists). Those this build has no module for are
/// refused when enabled.
pub const LINUX: &[&str] = &[
    "arp",
    "bcache",
    "bonding",
    "btrfs",
    "buddyinfo",
    "cgroups",
    "conntrack",
    "cpu",
    "cpufreq",
    "diskstats",
    "dmi",
    "drbd",
    "drm",
    "edac",
    "entropy",
    "ethtool",
    "fibrechannel",
    "filefd",
    "filesystem",
    "hwmon",
    "infiniband",
    "interrupts",
    "ipvs",
    "ksmd",
    "lnstat",
    "loadavg",
    "logind",
    "mdadm",
    "meminfo",
    "meminfo_numa",
    "mountstats",
    "netclass",
    "netdev",
    "netstat",
    "network_route",
    "nfs",
    "nfsd",
    "ntp",
    "nvme",
    "os",
    "perf",
    "powersupplyclass",
    "pressure",
    "processes",
    "qdisc",
    "rapl",
    "runit",
    "schedstat",
    "selinux",
    "slabinfo",
    "sockstat",
    "softirqs",
    "softnet",
    "stat",
    "supervisord",
    "sysctl",
    "systemd",
    "tapestats",
    "tcpstat",
    "textfile",
    "thermal_zone",
    "time",
    "timex",
    "udp_queues",
    "uname",
    "vmstat",
    "wifi",
    "xfs",
    "zfs",
    "zoneinfo",
];

/// Collectors node_exporter has only on other systems: on Linux the
/// reference drops them, so enabling one does nothing here either.
pub const OTHER_SYSTEMS: &[(&str, &str)] = &[
    ("boottime", "the BSDs and Solaris"),
    ("devstat", "FreeBSD and DragonFly"),
    ("exec", "FreeBSD and DragonFly"),
    ("netisr", "FreeBSD"),
    ("thermal", "macOS"),
];

/// The outcome: the collectors to run, in the table's order, and the
/// enabled names that do nothing on Linux (for a warning).
pub struct Selection {
    pub run: Vec<&'static Entry>,
    pub other_systems: Vec<&'static str>,
}

/// The collectors `args` enables among `table`.
pub fn select(args: &Args, table: &'static [Entry]) -> Result<Selection, Error> {
    let set: Vec<String> = args.get("set_collectors")?;
    let enable: Vec<String> = args.get("enable_collectors")?;
    let disable: Vec<String> = args.get("disable_collectors")?;
    for (setting, names) in
        [("set_collectors", &set), ("enable_collectors", &enable), ("disable_collectors", &disable)]
    {
        check_known(args, setting, names, table)?;
    }
    let mut on: BTreeSet<&str> = if set.is_empty() {
        table.iter().filter(|e| e.default).map(|e| e.name).collect()
    } else {
        set.iter().map(String::as_str).collect()
    };
    on.extend(enable.iter().map(String::as_str));
    for name in &disable {
        on.remove(name.as_str());
    }
    for name in &on {
        if table.iter().all(|e| e.name != *name) && LINUX.contains(name) {
            // Enabled by `enable_collectors` when it names it, else by `set_collectors`.
            let setting = if enable.iter().any(|n| n == name) {
                "enable_collectors"
            } else {
                "set_collectors"
            };
            return Err(args
                .invalid(
                    setting,
                    format!("collector {name:?} is not run by this build of flow run; disable it or leave it out"),
                )
                .into());
        }
    }
    Ok(Selection {
        run: table.iter().filter(|e| on.contains(e.name)).collect(),
        other_systems: OTHER_SYSTEMS.iter().map(|(n, _)| *n).filter(|n| on.contains(n)).collect(),
    })
}

/// Refuses a name node_exporter does not have, listing those it has.
fn check_known(
    args: &Args,
    setting: &str,
    names: &[String],
    table: &'static [Entry],
) -> Result<(), Error> {
    let known = |name: &str| {
        table.iter().any(|e| e.name == name)
            || LINUX.contains(&name)
            || OTHER_SYSTEMS.iter().any(|(n, _)| *n == name)
    };
    let Some(unknown) = names.iter().find(|n| !known(n)) else { return Ok(()) };
    let mut all: BTreeSet<&str> = LINUX.iter().copied().collect();
    all.extend(table.iter().map(|e| e.name));
    all.extend(OTHER_SYSTEMS.iter().map(|(n, _)| *n));
    let list: Vec<&str> = all.into_iter().collect();
    Err(args
        .invalid(
            setting,
            format!("unknown collector {unknown:?}; the collectors are {}", list.join(", ")),
        )
        .into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unix::collector::Collector;
    use crate::unix::collectors::hwfs::testing::args;

    fn never(_: &Args) -> Result<Box<dyn Collector>, Error> {
        Err(Error::invalid("not built in this test"))
    }

    static TABLE: &[Entry] = &[
        Entry { name: "cpu", default: true, build: never },
        Entry { name: "loadavg", default: true, build: never },
        Entry { name: "meminfo", default: true, build: never },
        Entry { name: "tcpstat_fake", default: false, build: never },
    ];

    fn names(body: &str) -> Result<Vec<&'static str>, String> {
        select(&args(body), TABLE)
            .map(|s| s.run.iter().map(|e| e.name).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_then_set_enable_and_disable() {
        assert_eq!(names("").unwrap(), ["cpu", "loadavg", "meminfo"]);
        assert_eq!(names("set_collectors = [\"loadavg\"]").unwrap(), ["loadavg"]);
        assert_eq!(names("set_collectors = []").unwrap(), ["cpu", "loadavg", "meminfo"]);
        assert_eq!(
            names("set_collectors = [\"loadavg\"]\nenable_collectors = [\"tcpstat_fake\"]")
                .unwrap(),
            ["loadavg", "tcpstat_fake"]
        );
        assert_eq!(names("disable_collectors = [\"cpu\"]").unwrap(), ["loadavg", "meminfo"]);
        // A name in both lists ends disabled.
        assert_eq!(
            names("enable_collectors = [\"tcpstat_fake\"]\ndisable_collectors = [\"tcpstat_fake\", \"meminfo\"]").unwrap(),
            ["cpu", "loadavg"]
        );
    }

    #[test]
    fn unknown_names_are_refused_with_their_place() {
        let error = names("enable_collectors = [\"cpuu\"]").unwrap_err();
        assert!(error.starts_with("enable_collectors: unknown collector \"cpuu\""), "{error}");
        assert!(error.contains("loadavg, logind"), "{error}");
        let error = names("disable_collectors = [\"nope\"]").unwrap_err();
        assert!(error.starts_with("disable_collectors: unknown collector \"nope\""), "{error}");
        let error = names("set_collectors = [\"x\"]").unwrap_err();
        assert!(error.starts_with("set_collectors: unknown collector \"x\""), "{error}");
    }

    #[test]
    fn collectors_not_run_here_are_refused_only_when_enabled() {
        let error = names("enable_collectors = [\"systemd\"]").unwrap_err();
        assert_eq!(
            error,
            "enable_collectors: collector \"systemd\" is not run by this build of flow run; disable it or leave it out"
        );
        let error = names("set_collectors = [\"perf\", \"cpu\"]").unwrap_err();
        assert!(error.starts_with("set_collectors: collector \"perf\""), "{error}");
        assert_eq!(
            names("set_collectors = [\"perf\", \"cpu\"]\ndisable_collectors = [\"perf\"]").unwrap(),
            ["cpu"]
        );
        assert_eq!(
            names("disable_collectors = [\"systemd\"]").unwrap(),
            ["cpu", "loadavg", "meminfo"]
        );
    }

    #[test]
    fn other_systems_collectors_do_nothing() {
        let selection = select(&args("enable_collectors = [\"boottime\"]"), TABLE).unwrap();
        assert_eq!(selection.other_systems, ["boottime"]);
        assert_eq!(selection.run.len(), 3);
    }
}
