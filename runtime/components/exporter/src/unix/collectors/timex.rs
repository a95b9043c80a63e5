//! `timex`: the kernel clock's discipline as adjtimex(2) reports it
//! (offset, frequency, errors, PPS counters, synchronisation).

use river_runtime::args::Args;
use river_runtime::error::Error;

use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "timex", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Timex))
}

struct Timex;

/// adjtimex's answer when the clock is not synchronised.
const TIME_ERROR: i32 = 5;
/// Status bit: offsets and jitter are in nanoseconds, not microseconds.
const STA_NANO: i32 = 0x2000;
/// Frequencies are in ppm with a 16-bit fraction.
const PPM16: f64 = 1_000_000.0 * 65536.0;

impl Collector for Timex {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        // SAFETY: a zeroed timex (modes 0) only reads the clock's state.
        let mut t: libc::timex = unsafe { std::mem::zeroed() };
        let state = unsafe { libc::adjtimex(&mut t) };
        if state < 0 {
            let error = std::io::Error::last_os_error();
            if error.kind() == std::io::ErrorKind::PermissionDenied {
                return Err(CollectError::Unsupported(error.to_string()));
            }
            return Err(CollectError::Failed(format!(
                "failed to retrieve adjtimex stats: {error}"
            )));
        }
        let divisor = if t.status & STA_NANO != 0 { 1e9 } else { 1e6 };
        let gauges: [(&str, &str, f64); 13] = [
            (
                "sync_status",
                "Is clock synchronized to a reliable server (1 = yes, 0 = no).",
                if state == TIME_ERROR { 0.0 } else { 1.0 },
            ),
            (
                "offset_seconds",
                "Time offset in between local system and reference clock.",
                t.offset as f64 / divisor,
            ),
            (
                "frequency_adjustment_ratio",
                "Local clock frequency adjustment.",
                1.0 + t.freq as f64 / PPM16,
            ),
            ("maxerror_seconds", "Maximum error in seconds.", t.maxerror as f64 / 1e6),
            ("estimated_error_seconds", "Estimated error in seconds.", t.esterror as f64 / 1e6),
            ("status", "Value of the status array bits.", t.status as f64),
            ("loop_time_constant", "Phase-locked loop time constant.", t.constant as f64),
            ("tick_seconds", "Seconds between clock ticks.", t.tick as f64 / 1e6),
            ("pps_frequency_hertz", "Pulse per second frequency.", t.ppsfreq as f64 / PPM16),
            ("pps_jitter_seconds", "Pulse per second jitter.", t.jitter as f64 / divisor),
            ("pps_shift_seconds", "Pulse per second interval duration.", t.shift as f64),
            (
                "pps_stability_hertz",
                "Pulse per second stability, average of recent frequency changes.",
                t.stabil as f64 / PPM16,
            ),
            ("tai_offset_seconds", "International Atomic Time (TAI) offset.", t.tai as f64),
        ];
        for (name, help, value) in gauges {
            out.gauge(&format!("node_timex_{name}"), help).sample(&[], value);
        }
        let counters: [(&str, &str, f64); 4] = [
            (
                "pps_jitter_total",
                "Pulse per second count of jitter limit exceeded events.",
                t.jitcnt as f64,
            ),
            (
                "pps_calibration_total",
                "Pulse per second count of calibration intervals.",
                t.calcnt as f64,
            ),
            ("pps_error_total", "Pulse per second count of calibration errors.", t.errcnt as f64),
            (
                "pps_stability_exceeded_total",
                "Pulse per second count of stability limit exceeded events.",
                t.stbcnt as f64,
            ),
        ];
        for (name, help, value) in counters {
            out.counter(&format!("node_timex_{name}"), help).sample(&[], value);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args};
    use super::*;

    #[test]
    fn this_clock() {
        let text = collect(&ENTRY, &no_args(), "empty").unwrap();
        assert_eq!(text.matches("# TYPE node_timex_").count(), 17, "{text}");
        assert!(text.contains("# TYPE node_timex_pps_jitter_total counter\n"));
        assert!(text.contains("\nnode_timex_tick_seconds 0.0"), "{text}");
    }
}
