//! `logind`: the sessions systemd-logind has (`org.freedesktop.login1`
//! over the system bus), counted by seat, remoteness, type and class, as
//! node_exporter 1.5 counts them: a sample for every seat (and the empty
//! seat of remote sessions) and every known remote, type and class value,
//! 0 where there is no session; a type or class logind adds later counts
//! as "other".
//!
//! A host without a system bus (or without logind on it) fails the
//! collector, as it fails node_exporter's.

use std::collections::HashMap;

use river_runtime::args::Args;
use river_runtime::error::Error;
use zbus::zvariant::OwnedObjectPath;
use zbus::Connection;

use super::dbus;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "logind", default: false, build };

const SERVICE: &str = "org.freedesktop.login1";
const MANAGER_PATH: &str = "/org/freedesktop/login1";
const MANAGER: &str = "org.freedesktop.login1.Manager";
const SESSION: &str = "org.freedesktop.login1.Session";

/// The values each label is reported for (logind's as of systemd 229).
const REMOTES: [&str; 2] = ["true", "false"];
const TYPES: [&str; 7] = ["other", "unspecified", "tty", "x11", "wayland", "mir", "web"];
const CLASSES: [&str; 5] = ["other", "user", "greeter", "lock-screen", "background"];

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Logind))
}

struct Logind;

impl Collector for Logind {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let (seats, sessions) = dbus::block_on(read())?;
        render(&seats, &sessions, out);
        Ok(())
    }
}

/// One session's labels: seat, remote, type, class.
type Session = (String, &'static str, &'static str, &'static str);

/// The seats (the empty one last) and the sessions whose properties read.
async fn read() -> Result<(Vec<String>, Vec<Session>), CollectError> {
    let failed = |what: &str, error: String| CollectError::Failed(format!("{what}: {error}"));
    let bus = dbus::system_bus().await.map_err(|e| failed("unable to connect to dbus", e))?;
    let seats: Vec<(String, OwnedObjectPath)> =
        dbus::call(&bus, SERVICE, MANAGER_PATH, MANAGER, "ListSeats")
            .await
            .map_err(|e| failed("unable to get seats", e.to_string()))?;
    // id, user id, user name, seat, object path
    let listed: Vec<(String, u32, String, String, OwnedObjectPath)> =
        dbus::call(&bus, SERVICE, MANAGER_PATH, MANAGER, "ListSessions")
            .await
            .map_err(|e| failed("unable to get sessions", e.to_string()))?;
    let sessions = dbus::each(listed, |(_, _, _, seat, path)| session(&bus, seat, path)).await;
    let mut seats: Vec<String> = seats.into_iter().map(|(id, _)| id).collect();
    // Remote sessions (SSH) have no seat.
    seats.push(String::new());
    Ok((seats, sessions.into_iter().flatten().collect()))
}

/// A session's labels; `None` (not counted) when a property does not
/// read or is of another type.
async fn session(bus: &Connection, seat: String, path: OwnedObjectPath) -> Option<Session> {
    let path = path.as_str();
    let remote: bool = dbus::typed(bus, SERVICE, path, SESSION, "Remote").await.ok()?;
    let kind: String = dbus::typed(bus, SERVICE, path, SESSION, "Type").await.ok()?;
    let class: String = dbus::typed(bus, SERVICE, path, SESSION, "Class").await.ok()?;
    let remote = if remote { "true" } else { "false" };
    Some((seat, remote, known_or_other(&kind, &TYPES), known_or_other(&class, &CLASSES)))
}

fn known_or_other(value: &str, known: &[&'static str]) -> &'static str {
    known.iter().find(|k| **k == value).copied().unwrap_or("other")
}

/// `node_logind_sessions` for every seat and label value; a session on a
/// seat logind did not list is not counted.
fn render(seats: &[String], sessions: &[Session], out: &mut Exposition) {
    let mut counts: HashMap<(&str, &str, &str, &str), f64> = HashMap::new();
    for (seat, remote, kind, class) in sessions {
        *counts.entry((seat.as_str(), *remote, *kind, *class)).or_default() += 1.0;
    }
    let family = out.gauge("node_logind_sessions", "Number of sessions registered in logind.");
    for remote in REMOTES {
        for kind in TYPES {
            for class in CLASSES {
                for seat in seats {
                    let count = counts.get(&(seat.as_str(), remote, kind, class)).copied();
                    let labels = [
                        ("seat", seat.as_str()),
                        ("remote", remote),
                        ("type", kind),
                        ("class", class),
                    ];
                    family.sample(&labels, count.unwrap_or(0.0));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::samples;
    use super::*;

    #[test]
    fn sessions_by_seat_and_labels() {
        let seats = vec!["seat0".to_string(), String::new()];
        let sessions = vec![
            ("seat0".to_string(), "false", "x11", "user"),
            (String::new(), "true", "tty", "user"),
            (String::new(), "true", "tty", "user"),
            // On a seat logind did not list: not counted.
            ("seat9".to_string(), "false", "tty", "user"),
        ];
        let mut out = Exposition::new();
        render(&seats, &sessions, &mut out);
        let text = out.render();
        let lines = samples(&text);
        assert_eq!(lines.len(), 2 * 7 * 5 * 2);
        assert!(lines.contains(
            &"node_logind_sessions{class=\"user\",remote=\"false\",seat=\"seat0\",type=\"x11\"} 1"
        ));
        assert!(
            lines.contains(&"node_logind_sessions{class=\"user\",remote=\"true\",type=\"tty\"} 2")
        );
        assert_eq!(lines.iter().filter(|l| !l.ends_with(" 0")).count(), 2, "{text}");
        assert!(text.starts_with(
            "# HELP node_logind_sessions Number of sessions registered in logind.\n# TYPE node_logind_sessions gauge\n"
        ));
    }

    #[test]
    fn unknown_types_and_classes_are_other() {
        assert_eq!(known_or_other("wayland", &TYPES), "wayland");
        assert_eq!(known_or_other("holographic", &TYPES), "other");
        assert_eq!(known_or_other("manager", &CLASSES), "other");
    }
}
