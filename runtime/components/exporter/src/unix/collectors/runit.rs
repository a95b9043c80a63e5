//! `runit`: the state of each runit service under the `runit` block's
//! `service_dir` (default `/etc/service`), from the 20-byte
//! `supervise/status` file `runsv` keeps for it, read as node_exporter
//! 1.5's library (soundcloud/go-runit) reads it: the TAI64N time of the
//! last change (bytes 0-7), the wanted state (byte 17, `u` or `d`) and
//! the state (byte 19: 0 down, 1 run, 2 finish). A service whose status
//! cannot be read (no `runsv` ever ran for it) is left out.
//!
//! "Normally up" is whether `supervise/down` is absent: that library
//! looks there, not at the service's own `down` file that runit reads,
//! so it reports 1 for nearly every service; node_exporter's series
//! agree with it, and so do these.

use std::io::Read;
use std::path::{Path, PathBuf};

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "runit", default: false, build };

/// What go-runit takes for an empty directory setting.
const DEFAULT_DIR: &str = "/etc/service";

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let dir: String = args.block_or_empty("runit").get("service_dir")?;
    let dir = if dir.is_empty() { DEFAULT_DIR.to_owned() } else { dir };
    Ok(Box::new(Runit { dir: PathBuf::from(dir) }))
}

struct Runit {
    dir: PathBuf,
}

/// One service's `supervise/status`, as far as the metrics need it.
#[derive(Debug, PartialEq)]
struct Status {
    /// Seconds since the Unix epoch of the last state change.
    changed: i64,
    /// 1 when `runsv` wants the service up, else 0.
    want: u8,
    state: u8,
}

/// TAI64 labels count from 2^62, and runit's clock is 10 s ahead of
/// Unix time there (TAI at 1970).
const TAI_OFFSET: i64 = 4_611_686_018_427_387_914;

impl Collector for Runit {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let entries = hwfs::list_dir(&self.dir)
            .map_err(|e| CollectError::Failed(format!("{}: {e}", self.dir.display())))?;
        for (name, kind) in entries {
            // Services are directories, or links to them (not followed).
            if !kind.is_dir() && !kind.is_symlink() {
                continue;
            }
            let supervise = self.dir.join(&name).join("supervise");
            let status = match status(&supervise.join("status")) {
                Ok(status) => status,
                Err(e) => {
                    tracing::debug!(service = %name, err = %e, "couldn't get status");
                    continue;
                }
            };
            let normally_up = std::fs::metadata(supervise.join("down")).is_err();
            metrics(&name, &status, normally_up, out);
        }
        Ok(())
    }
}

/// The status file, read once into 20 bytes (a shorter file leaves
/// zeros, as go-runit's single read does; an empty one is an error).
fn status(path: &Path) -> std::io::Result<Status> {
    let mut bytes = [0u8; 20];
    let read = std::fs::File::open(path)?.read(&mut bytes)?;
    if read == 0 {
        return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "empty status file"));
    }
    let tai = i64::from_be_bytes(bytes[0..8].try_into().expect("eight bytes"));
    Ok(Status {
        changed: tai.wrapping_sub(TAI_OFFSET),
        want: u8::from(bytes[17] == b'u'),
        state: bytes[19],
    })
}

fn metrics(service: &str, status: &Status, normally_up: bool, out: &mut Exposition) {
    let labels = [("service", service), ("supervisor", "runit")];
    out.gauge("node_service_state", "State of runit service.")
        .sample(&labels, f64::from(status.state));
    out.gauge("node_service_desired_state", "Desired state of runit service.")
        .sample(&labels, f64::from(status.want));
    out.gauge(
        "node_service_state_last_change_timestamp_seconds",
        "Unix timestamp of the last runit service state change.",
    )
    .sample(&labels, status.changed as f64);
    out.gauge("node_service_normal_state", "Normal state of runit service.")
        .sample(&labels, if normally_up { 1.0 } else { 0.0 });
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, host, samples};
    use super::*;

    /// A status file as runsv writes it: TAI64N, PID (little-endian),
    /// paused, want, term, state.
    fn write_status(dir: &Path, unix: i64, pid: u32, want: u8, state: u8) {
        std::fs::create_dir_all(dir).unwrap();
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&(unix + TAI_OFFSET).to_be_bytes());
        bytes.extend_from_slice(&123_456u32.to_be_bytes());
        bytes.extend_from_slice(&pid.to_le_bytes());
        bytes.extend_from_slice(&[0, want, 0, state]);
        std::fs::write(dir.join("status"), bytes).unwrap();
    }

    fn collect(dir: &Path) -> Result<String, CollectError> {
        let args = args(&format!("runit {{\n service_dir = {:?}\n}}", dir.display().to_string()));
        let mut out = Exposition::new();
        (ENTRY.build)(&args).unwrap().collect(&host("empty"), &mut out)?;
        Ok(out.render())
    }

    #[test]
    fn services_and_their_states() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_status(&root.join("web/supervise"), 1_700_000_000, 4242, b'u', 1);
        write_status(&root.join("batch/supervise"), 1_700_000_100, 0, b'd', 0);
        std::fs::write(root.join("batch/supervise/down"), "").unwrap();
        // A link to a service elsewhere counts; a file and a directory
        // without a status do not.
        let elsewhere = tempfile::tempdir().unwrap();
        write_status(&elsewhere.path().join("supervise"), 1_700_000_200, 7, b'u', 2);
        std::os::unix::fs::symlink(elsewhere.path(), root.join("linked")).unwrap();
        std::fs::write(root.join("README"), "").unwrap();
        std::fs::create_dir(root.join("never-run")).unwrap();
        let text = collect(root).unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_service_desired_state{service=\"batch\",supervisor=\"runit\"} 0",
                "node_service_desired_state{service=\"linked\",supervisor=\"runit\"} 1",
                "node_service_desired_state{service=\"web\",supervisor=\"runit\"} 1",
                "node_service_normal_state{service=\"batch\",supervisor=\"runit\"} 0",
                "node_service_normal_state{service=\"linked\",supervisor=\"runit\"} 1",
                "node_service_normal_state{service=\"web\",supervisor=\"runit\"} 1",
                "node_service_state{service=\"batch\",supervisor=\"runit\"} 0",
                "node_service_state{service=\"linked\",supervisor=\"runit\"} 2",
                "node_service_state{service=\"web\",supervisor=\"runit\"} 1",
                "node_service_state_last_change_timestamp_seconds{service=\"batch\",supervisor=\"runit\"} 1700000100",
                "node_service_state_last_change_timestamp_seconds{service=\"linked\",supervisor=\"runit\"} 1700000200",
                "node_service_state_last_change_timestamp_seconds{service=\"web\",supervisor=\"runit\"} 1700000000",
            ]
        );
        assert!(text.contains(
            "# HELP node_service_state State of runit service.\n# TYPE node_service_state gauge\n"
        ));
    }

    #[test]
    fn short_and_empty_status_files() {
        let dir = tempfile::tempdir().unwrap();
        let short = dir.path().join("short/supervise");
        std::fs::create_dir_all(&short).unwrap();
        std::fs::write(short.join("status"), (TAI_OFFSET + 5).to_be_bytes()).unwrap();
        let empty = dir.path().join("empty/supervise");
        std::fs::create_dir_all(&empty).unwrap();
        std::fs::write(empty.join("status"), "").unwrap();
        assert_eq!(
            status(&short.join("status")).unwrap(),
            Status { changed: 5, want: 0, state: 0 }
        );
        assert!(status(&empty.join("status")).is_err());
        let text = collect(dir.path()).unwrap();
        assert!(!text.contains("\"empty\""), "{text}");
        assert!(
            text.contains("node_service_state{service=\"short\",supervisor=\"runit\"} 0"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_directory_fails() {
        let error = collect(Path::new("/nonexistent/service")).unwrap_err();
        assert!(
            matches!(&error, CollectError::Failed(m) if m.contains("/nonexistent/service")),
            "{error:?}"
        );
    }
}
