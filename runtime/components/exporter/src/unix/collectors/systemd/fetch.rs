//! The calls node_exporter 1.5 makes to systemd (through go-systemd):
//! the manager's `Version`, `ListUnits` and `SystemState`, then each kept
//! unit's properties on its object, whose path is the unit's name escaped
//! as systemd escapes it. A property that does not read is left out, as
//! node_exporter leaves it out (logged at debug level).

use std::sync::LazyLock;

use regex::Regex;
use zbus::zvariant::OwnedObjectPath;
use zbus::Connection;

use super::super::dbus::{self, FromValue};
use super::{Settings, Snapshot, Socket, Unit, Units};
use crate::unix::collector::CollectError;

const SERVICE: &str = "org.freedesktop.systemd1";
const MANAGER_PATH: &str = "/org/freedesktop/systemd1";
const MANAGER: &str = "org.freedesktop.systemd1.Manager";
/// systemd's own socket, which go-systemd falls back to as root.
const PRIVATE_SOCKET: &str = "/run/systemd/private";
/// The first systemd with the manager's `SystemState` and the timers'
/// `LastTriggerUSec`: older ones are not asked for them.
const MIN_VERSION_SYSTEM_STATE: f64 = 212.0;

/// One row of `ListUnits`: name, description, load state, active state,
/// sub state, followed unit, object path, job id, job type, job path.
type Listed =
    (String, String, String, String, String, String, OwnedObjectPath, u32, String, OwnedObjectPath);

pub(super) async fn snapshot(settings: &Settings) -> Result<Snapshot, CollectError> {
    let bus = connect()
        .await
        .map_err(|e| CollectError::Failed(format!("couldn't get dbus connection: {e}")))?;
    let version = version(&bus).await;
    let listed: Vec<Listed> =
        match dbus::call(&bus, SERVICE, MANAGER_PATH, MANAGER, "ListUnits").await {
            Ok(listed) => listed,
            Err(error) => return Ok(Snapshot { version, units: Err(error.to_string()) }),
        };
    let recent = version.0 >= MIN_VERSION_SYSTEM_STATE;
    let states = listed.iter().map(|row| row.3.clone()).collect();
    let kept = listed.into_iter().filter(|row| settings.keeps(&row.0, &row.2));
    let kept = dbus::each(kept, |row| unit(&bus, settings, row.0, row.3, recent)).await;
    let system_state = match recent {
        true => Some(dbus::typed(&bus, SERVICE, MANAGER_PATH, MANAGER, "SystemState").await),
        false => None,
    };
    Ok(Snapshot { version, units: Ok(Units { states, kept, system_state }) })
}

impl Settings {
    /// Whether a listed unit is reported on: its name included and not
    /// excluded, and its unit file loaded.
    pub(super) fn keeps(&self, name: &str, load_state: &str) -> bool {
        self.include.is_match(name) && !self.exclude.is_match(name) && load_state == "loaded"
    }
}

/// The system bus; as root, when there is none, systemd's private socket,
/// as go-systemd connects.
async fn connect() -> Result<Connection, String> {
    match dbus::system_bus().await {
        Ok(bus) => Ok(bus),
        Err(error) if is_root() => {
            dbus::peer(PRIVATE_SOCKET).await.map_err(|private| format!("{error}; then {private}"))
        }
        Err(error) => Err(error),
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The manager's `Version` as node_exporter reads it: (0, "") when it
/// does not read or has no version number in it.
async fn version(bus: &Connection) -> (f64, String) {
    match dbus::typed::<String>(bus, SERVICE, MANAGER_PATH, MANAGER, "Version").await {
        Ok(text) => parse_version(&text),
        Err(error) => {
            tracing::debug!(err = %error, "unable to get systemd version property, defaulting to 0");
            (0.0, String::new())
        }
    }
}

/// The number is the first run of three or more digits, with its decimals;
/// the label is the text as godbus prints a string, without its quotes.
fn parse_version(text: &str) -> (f64, String) {
    static NUMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[0-9]{3,}(\.[0-9]+)?").expect("a valid pattern"));
    match NUMBER.find(text).and_then(|m| m.as_str().parse::<f64>().ok()) {
        Some(number) => (number, go_quoted(text)),
        None => (0.0, String::new()),
    }
}

/// `text` escaped as Go's `strconv.Quote` escapes it, quotes left off.
fn go_quoted(text: &str) -> String {
    let quoted = river_analyzer::go::quote(text);
    quoted[1..quoted.len() - 1].to_owned()
}

/// A unit's object path: `/org/freedesktop/systemd1/unit/` and its name
/// with every byte but letters and digits (and a leading digit) written
/// `_xx`, as systemd names its objects.
fn unit_path(name: &str) -> String {
    let mut path = String::from("/org/freedesktop/systemd1/unit/");
    if name.is_empty() {
        path.push('_');
    }
    for (i, byte) in name.bytes().enumerate() {
        if byte.is_ascii_alphabetic() || (byte.is_ascii_digit() && i > 0) {
            path.push(byte as char);
        } else {
            path.push_str(&format!("_{byte:02x}"));
        }
    }
    path
}

/// One property of a unit's object, on interface
/// `org.freedesktop.systemd1.<interface>`; `None` when it does not read.
async fn read<T: FromValue>(
    bus: &Connection,
    unit: &str,
    interface: &str,
    name: &str,
) -> Option<T> {
    let interface = format!("org.freedesktop.systemd1.{interface}");
    match dbus::typed(bus, SERVICE, &unit_path(unit), &interface, name).await {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::debug!(unit, property = name, err = %error, "couldn't get a unit property");
            None
        }
    }
}

/// What node_exporter reads of one kept unit.
async fn unit(
    bus: &Connection,
    settings: &Settings,
    name: String,
    active_state: String,
    recent: bool,
) -> Unit {
    let n = name.as_str();
    let mut unit = Unit::default();
    if n.ends_with(".service") {
        unit.kind = read(bus, n, "Service", "Type").await.unwrap_or_default();
        if settings.restarts {
            unit.restarts = read(bus, n, "Service", "NRestarts").await;
        }
        if settings.tasks {
            unit.tasks_current = read(bus, n, "Service", "TasksCurrent").await;
            unit.tasks_max = read(bus, n, "Service", "TasksMax").await;
        }
    } else if n.ends_with(".mount") {
        unit.kind = read(bus, n, "Mount", "Type").await.unwrap_or_default();
    }
    if settings.start_time {
        unit.start_time = match active_state.as_str() {
            "active" => read(bus, n, "Unit", "ActiveEnterTimestamp").await,
            _ => Some(0),
        };
    }
    if recent && n.ends_with(".timer") {
        unit.last_trigger = read(bus, n, "Timer", "LastTriggerUSec").await;
    }
    if n.ends_with(".socket") {
        unit.socket = socket(bus, n).await;
    }
    Unit { name, active_state, ..unit }
}

/// A socket's counters, each read only when the one before it was.
async fn socket(bus: &Connection, name: &str) -> Option<Socket> {
    let accepted = read(bus, name, "Socket", "NAccepted").await?;
    let mut socket = Socket { accepted, ..Socket::default() };
    socket.current = read(bus, name, "Socket", "NConnections").await;
    if socket.current.is_some() {
        socket.refused = read(bus, name, "Socket", "NRefused").await;
    }
    Some(socket)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unix::collectors::hwfs::testing::args;

    #[test]
    fn object_paths_escape_as_systemd() {
        assert_eq!(unit_path("ssh.service"), "/org/freedesktop/systemd1/unit/ssh_2eservice");
        assert_eq!(
            unit_path("systemd-fsck@dev-sda1.service"),
            "/org/freedesktop/systemd1/unit/systemd_2dfsck_40dev_2dsda1_2eservice"
        );
        assert_eq!(unit_path("1a.mount"), "/org/freedesktop/systemd1/unit/_31a_2emount");
        assert_eq!(unit_path("-.mount"), "/org/freedesktop/systemd1/unit/_2d_2emount");
        assert_eq!(unit_path(""), "/org/freedesktop/systemd1/unit/_");
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("252.22-1~deb12u1"), (252.22, "252.22-1~deb12u1".into()));
        assert_eq!(parse_version("v249"), (249.0, "v249".into()));
        assert_eq!(parse_version("systemd 2"), (0.0, String::new()));
        assert_eq!(parse_version("255 \"x\"\t"), (255.0, "255 \\\"x\\\"\\t".into()));
        assert_eq!(go_quoted("a\u{1}b\u{85}"), "a\\x01b\\u0085");
    }

    #[test]
    fn the_default_patterns_keep_loaded_services_not_mounts() {
        let args = args("");
        let settings = Settings {
            include: super::super::anchored(&args.block_or_empty("systemd"), "unit_include")
                .unwrap(),
            exclude: super::super::anchored(&args.block_or_empty("systemd"), "unit_exclude")
                .unwrap(),
            restarts: false,
            start_time: false,
            tasks: false,
        };
        assert!(settings.keeps("ssh.service", "loaded"));
        assert!(settings.keeps("apt-daily.timer", "loaded"));
        assert!(!settings.keeps("ssh.service", "not-found"));
        for excluded in [
            "-.mount",
            "dev-sda.device",
            "user.slice",
            "session-1.scope",
            "proc-sys-fs-binfmt_misc.automount",
        ] {
            assert!(!settings.keeps(excluded, "loaded"), "{excluded}");
        }
        // Anchored: a name that only contains an excluded one is kept.
        assert!(settings.keeps("x.mount.service", "loaded"));
    }
}
