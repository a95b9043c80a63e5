//! `otelcol.processor.memory_limiter`: every `check_interval` it measures
//! the memory this process uses (its resident set: this build has no
//! garbage-collected heap to read, nor a collection to force at the hard
//! limit), and while that is at or above the soft limit (`limit` less
//! `spike_limit`) it refuses all data with the collector's error, "data
//! refused due to high memory usage", which the senders may retry. The
//! limits are fixed sizes (whole MiB, as the reference), or percentages of
//! the memory this process may use: its cgroup's limit, else the machine's.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;

use super::{Current, Transform};
use crate::consumer::{parse_size, ConsumeError, Data, Output};

/// `otelcol.processor.memory_limiter`.
pub const PROCESSOR_MEMORY_LIMITER: Registration =
    Registration { name: "otelcol.processor.memory_limiter", build, without_effect: &[] };

/// The collector's refusal.
pub const REFUSED: &str = "data refused due to high memory usage";

const MIB: u64 = 1 << 20;

/// Hard and soft limits, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub check_interval: Duration,
    pub hard: u64,
    pub spike: u64,
}

impl Limits {
    pub fn soft(&self) -> u64 {
        self.hard.saturating_sub(self.spike)
    }
}

/// `newFixedMemUsageChecker`: the spike limit must be under the limit;
/// none given is a fifth of it.
fn fixed(hard: u64, spike: u64) -> Result<(u64, u64), String> {
    if spike >= hard {
        return Err("'spike_limit_mib' must be smaller than 'limit_mib'".into());
    }
    Ok((hard, if spike == 0 { hard / 5 } else { spike }))
}

/// Reads the settings; `total` gives the memory percentages are of.
pub fn limits(args: &Args, total: impl Fn() -> Result<u64, String>) -> Result<Limits, Error> {
    let check_interval: Duration = args.require("check_interval")?;
    let size = |name: &str| -> Result<u64, Error> {
        let text: Option<String> = args.opt(name)?;
        let bytes = text.map(|t| parse_size(&t)).transpose().map_err(|e| args.invalid(name, e))?;
        // The reference keeps whole MiB (`uint32(limit / units.Mebibyte)`).
        Ok(bytes.unwrap_or(0) / MIB * MIB)
    };
    let (limit, spike) = (size("limit")?, size("spike_limit")?);
    let limit_percentage: f64 = args.get("limit_percentage")?;
    let spike_percentage: f64 = args.get("spike_limit_percentage")?;
    if check_interval.is_zero() {
        return Err(args
            .invalid("check_interval", "checkInterval must be greater than zero")
            .into());
    }
    if limit == 0 && limit_percentage <= 0.0 {
        return Err(args
            .invalid("limit", "'limit_mib' or 'limit_percentage' must be greater than zero")
            .into());
    }
    let out_of_range = "'limit_percentage' and 'spike_limit_percentage' must be greater than zero and less than or equal to hundred";
    if limit_percentage > 100.0
        || spike_percentage > 100.0
        || limit_percentage < 0.0
        || spike_percentage < 0.0
    {
        return Err(args.invalid("limit_percentage", out_of_range).into());
    }
    let (hard, spike) = if limit != 0 {
        fixed(limit, spike).map_err(|e| args.invalid("spike_limit", e))?
    } else {
        // `newPercentageMemUsageChecker`: whole percentages of the total.
        let (limit_percentage, spike_percentage) =
            (limit_percentage as u64, spike_percentage as u64);
        if limit_percentage == 0 || spike_percentage == 0 {
            return Err(args.invalid("spike_limit_percentage", out_of_range).into());
        }
        let total = total().map_err(|e| args.invalid("limit_percentage", e))?;
        fixed(limit_percentage * total / 100, spike_percentage * total / 100)
            .map_err(|e| args.invalid("spike_limit_percentage", e))?
    };
    Ok(Limits { check_interval, hard, spike })
}

/// The memory this process may use: its cgroup's limit (v2, else v1),
/// no more than the machine's total.
pub fn total_memory() -> Result<u64, String> {
    let machine = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| kib_field(&text, "MemTotal:"))
        .ok_or("cannot read the machine's memory from /proc/meminfo")?;
    let cgroup = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok()?.trim().parse::<u64>().ok());
    Ok(cgroup.map_or(machine, |c| c.min(machine)))
}

/// The resident memory of this process.
pub fn used_memory() -> Option<u64> {
    kib_field(&std::fs::read_to_string("/proc/self/status").ok()?, "VmRSS:")
}

fn kib_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kib: u64 = line[name.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

/// The gate on the data: the current limits, and whether the last check
/// found memory over the soft limit.
pub struct Gate {
    pub limits: Limits,
    dropping: Arc<AtomicBool>,
}

impl Gate {
    fn open(&self) -> Result<(), ConsumeError> {
        if self.dropping.load(Ordering::Relaxed) {
            return Err(ConsumeError::retryable(REFUSED));
        }
        Ok(())
    }
}

impl Transform for Gate {
    fn apply(&self, _: &mut Data) -> Result<(), ConsumeError> {
        self.open()
    }

    /// The gate never reads the data: bytes pass as bytes.
    fn admit(&self) -> Option<Result<(), ConsumeError>> {
        Some(self.open())
    }
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let dropping = Arc::new(AtomicBool::new(false));
    let shared = dropping.clone();
    let read = move |args: &Args, _: &Output| {
        Ok(Gate { limits: limits(args, total_memory)?, dropping: shared.clone() })
    };
    let processor = super::build(&ctx, args, Box::new(read))?;
    check(&ctx, &processor.current, &dropping);
    ctx.spawn(monitor(ctx.clone(), processor.current.clone(), dropping));
    Ok(Arc::new(processor))
}

/// One check (`checkMemLimits`): drops while usage is at or above the
/// soft limit, and says so in the component's health.
fn check(ctx: &Ctx, current: &Current<Gate>, dropping: &AtomicBool) {
    let limits = current.read().limits;
    let Some(used) = used_memory() else {
        ctx.set_health(
            HealthKind::Unhealthy,
            "cannot read this process's memory usage from /proc/self/status",
        );
        return;
    };
    let over = used >= limits.soft();
    let was = dropping.swap(over, Ordering::Relaxed);
    let (mib, soft) = (used / MIB, limits.soft() / MIB);
    if over {
        if !was {
            tracing::warn!(
                used_mib = mib,
                soft_limit_mib = soft,
                "Memory usage is above soft limit. Refusing data."
            );
        }
        ctx.set_health(
            HealthKind::Unhealthy,
            format!("{REFUSED}: {mib} MiB used, soft limit {soft} MiB"),
        );
    } else {
        if was {
            tracing::info!(
                used_mib = mib,
                "Memory usage back within limits. Resuming normal operation."
            );
        }
        ctx.set_health(HealthKind::Healthy, format!("{mib} MiB used, soft limit {soft} MiB"));
    }
}

async fn monitor(ctx: Ctx, current: Current<Gate>, dropping: Arc<AtomicBool>) {
    loop {
        let every = current.read().limits.check_interval;
        tokio::select! {
            _ = tokio::time::sleep(every) => check(&ctx, &current, &dropping),
            _ = ctx.cancel.cancelled() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spike_defaults_to_a_fifth_and_must_stay_under_the_limit() {
        assert_eq!(fixed(100, 0), Ok((100, 20)));
        assert_eq!(fixed(100, 30), Ok((100, 30)));
        assert!(fixed(100, 100).is_err());
    }

    #[test]
    fn memory_reads_from_proc() {
        assert!(used_memory().unwrap() > 0);
        assert!(total_memory().unwrap() > used_memory().unwrap());
        assert_eq!(kib_field("VmRSS:\t  2048 kB\n", "VmRSS:"), Some(2 << 20));
    }
}
