//! The process collector's metrics, under the names Prometheus client
//! libraries give them (what dashboards for Agent Flow chart): CPU time,
//! memory, file descriptors and start time, read from `/proc` when
//! `/metrics` is asked for. Elsewhere than Linux there are none.

use super::Registry;

/// Every metric of the process (its own figures read now, then every
/// component's) in the text exposition format: what `/metrics` serves.
pub fn render(globals: &crate::globals::Globals) -> String {
    update(&globals.process_metrics);
    globals.gatherer.render()
}

/// Sets the process metrics of `registry` to their values now.
pub fn update(registry: &Registry) {
    #[cfg(target_os = "linux")]
    if let Some(stat) = linux::read() {
        let set = |name: &str, help: &str, value: f64| registry.gauge(name, help).set(value);
        registry
            .counter("process_cpu_seconds_total", "User and system CPU time spent, in seconds.")
            .set(stat.cpu_seconds);
        set("process_resident_memory_bytes", "Resident memory size in bytes.", stat.resident);
        set("process_virtual_memory_bytes", "Virtual memory size in bytes.", stat.virtual_size);
        set(
            "process_start_time_seconds",
            "When the process started, in seconds since the Unix epoch.",
            stat.start_time,
        );
        set("process_open_fds", "Open file descriptors.", stat.open_fds);
        if let Some(max) = stat.max_fds {
            set("process_max_fds", "The most file descriptors the process may open.", max);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = registry;
}

#[cfg(target_os = "linux")]
mod linux {
    pub struct Stat {
        pub cpu_seconds: f64,
        pub resident: f64,
        pub virtual_size: f64,
        pub start_time: f64,
        pub open_fds: f64,
        pub max_fds: Option<f64>,
    }

    pub fn read() -> Option<Stat> {
        let text = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name, which is in parentheses and may
        // hold spaces; `field(n)` is field n of proc(5), from 1.
        let fields: Vec<&str> = text.rsplit_once(')')?.1.split_whitespace().collect();
        let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<f64>().ok());
        // SAFETY: `sysconf` only reads system settings.
        let (ticks, page) = unsafe {
            (libc::sysconf(libc::_SC_CLK_TCK) as f64, libc::sysconf(libc::_SC_PAGESIZE) as f64)
        };
        let boot: f64 = std::fs::read_to_string("/proc/stat")
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("btime "))?
            .trim()
            .parse()
            .ok()?;
        Some(Stat {
            cpu_seconds: (field(14)? + field(15)?) / ticks,
            start_time: boot + field(22)? / ticks,
            virtual_size: field(23)?,
            resident: field(24)? * page,
            open_fds: std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count()) as f64,
            max_fds: max_fds(),
        })
    }

    fn max_fds() -> Option<f64> {
        let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
        let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
        line.split_whitespace().nth(3)?.parse().ok()
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::sync::Arc;
    use std::time::SystemTime;

    use super::*;
    use crate::metrics::Gatherer;

    #[test]
    fn the_process_metrics_describe_this_process() {
        let registry = Arc::new(Registry::default());
        let gatherer = Gatherer::default();
        gatherer.register(&registry);
        update(&registry);
        let text = gatherer.render();
        let value = |name: &str| -> f64 {
            let line = text.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap();
            line.rsplit(' ').next().unwrap().parse().unwrap()
        };
        assert!(value("process_resident_memory_bytes") > 1e6, "{text}");
        assert!(value("process_virtual_memory_bytes") >= value("process_resident_memory_bytes"));
        assert!(value("process_open_fds") >= 3.0);
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs_f64();
        let started = value("process_start_time_seconds");
        assert!(started <= now + 1.0 && started > now - 3600.0, "{started} vs {now}");
        assert!(value("process_cpu_seconds_total") >= 0.0);
    }
}
