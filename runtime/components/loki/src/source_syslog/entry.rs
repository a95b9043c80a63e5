//! A parsed message as an entry: the listener's labels, the connection's
//! and the message's as `__syslog_*` labels, the component's rules, then
//! every `__` label dropped, as the reference builds it.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::SystemTime;

use parking_lot::RwLock;

use river_runtime::labels::Labels;
use river_runtime::logs::{fan_out_waiting, time_from_ns, Entry};
use river_runtime::relabel;

use super::framing::FrameError;
use super::rfc5424::{self, Message};
use super::settings::Settings;
use super::Shared;

/// Where messages come from: the sender's address, and its name when a
/// reverse lookup finds one.
pub struct Connection {
    address: String,
    hostname: String,
}

impl Connection {
    /// A TCP peer: its IP address, and its name looked up once (with the
    /// trailing dot of Go's lookups, which the reference labels with).
    pub async fn tcp(ip: IpAddr) -> Connection {
        let lookup = tokio::task::spawn_blocking(move || dns_lookup::lookup_addr(&ip));
        let hostname = match lookup.await {
            Ok(Ok(name)) if name.parse::<IpAddr>().is_err() => format!("{name}."),
            _ => String::new(),
        };
        Connection { address: ip.to_string(), hostname }
    }

    /// A UDP peer: the reference labels the address with its port, and
    /// finds no name for that.
    pub fn udp(peer: SocketAddr) -> Connection {
        Connection { address: peer.to_string(), hostname: String::new() }
    }
}

/// What a listener's tasks hand each frame to.
#[derive(Clone)]
pub struct Sender {
    pub shared: Arc<Shared>,
    pub settings: Arc<RwLock<Settings>>,
}

impl Sender {
    /// Parses a frame and forwards its entry, waiting while a receiver is
    /// full (a TCP sender then waits too; UDP datagrams wait in the
    /// socket's buffer, as in the reference).
    pub async fn frame(&self, connection: &Connection, frame: Result<Vec<u8>, FrameError>) {
        let parsed = match frame {
            Ok(frame) => rfc5424::parse(&frame).map(|m| (m, frame)),
            Err(e) => return self.error(&e),
        };
        match parsed {
            Ok((message, frame)) => {
                if let Some(entry) = self.entry(connection, &message, &frame) {
                    let to = self.shared.forward_to.read().clone();
                    let entries = [entry];
                    self.shared.live.logs(&entries);
                    fan_out_waiting(&to, &entries).await;
                    self.shared.entries.add(1.0);
                }
            }
            Err(e) => {
                tracing::warn!(err = %e, "error parsing syslog stream");
                self.shared.parsing_errors.add(1.0);
            }
        }
    }

    /// A stream that ended in an error, or a frame passed over.
    pub fn error(&self, error: &FrameError) {
        tracing::warn!(err = %error, "error parsing syslog stream");
        self.shared.parsing_errors.add(1.0);
    }

    /// The entry of a message; none when it has no text or the rules
    /// drop it.
    fn entry(&self, connection: &Connection, message: &Message, frame: &[u8]) -> Option<Entry> {
        let Some(text) = &message.message else {
            self.shared.empty_messages.add(1.0);
            return None;
        };
        let settings = self.settings.read();
        let labels = labels(&settings, connection, message);
        // The reference forwards a dropped entry with no labels (which
        // Loki refuses with the rest of its batch); here it is dropped.
        let mut labels = relabel::process(&labels, &self.shared.rules.read().0)?;
        labels.retain(|name| !name.starts_with("__"));
        let timestamp = match message.timestamp {
            Some(time) if settings.use_incoming_timestamp => {
                time_from_ns(time.as_nanosecond() as i64)
            }
            _ => SystemTime::now(),
        };
        let line = if settings.use_rfc5424_message {
            String::from_utf8_lossy(frame).into_owned()
        } else {
            text.clone()
        };
        Some(Entry::new(labels, timestamp, line))
    }
}

fn labels(settings: &Settings, connection: &Connection, message: &Message) -> Labels {
    let mut pairs: Vec<(String, String)> =
        settings.labels.iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
    let mut set = |name: &str, value: &str| pairs.push((name.to_owned(), value.to_owned()));
    set("__syslog_connection_ip_address", &connection.address);
    set("__syslog_connection_hostname", &connection.hostname);
    set("__syslog_message_severity", message.severity());
    set("__syslog_message_facility", message.facility());
    let fields = [
        ("__syslog_message_hostname", &message.hostname),
        ("__syslog_message_app_name", &message.app_name),
        ("__syslog_message_proc_id", &message.proc_id),
        ("__syslog_message_msg_id", &message.msg_id),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            set(name, value);
        }
    }
    if settings.label_structured_data {
        for (id, params) in &message.structured_data {
            let id = id.replace('@', "_");
            for (name, value) in params {
                set(&format!("__syslog_message_sd_{id}_{name}"), value);
            }
        }
    }
    Labels::from_pairs(pairs)
}
