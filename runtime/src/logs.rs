//! Log entries as they flow between logs components (`loki.*`), and the
//! receiver a component exports for others to send entries to. The
//! family's own code (the wire formats, the queues) is in its crate; this
//! is only what every logs component shares.

use std::sync::Arc;
use std::time::SystemTime;

use river_analyzer::value::{DecodeError, FromValue};
use river_analyzer::Value;

use crate::labels::Labels;

/// One log line with the labels of its stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub labels: Labels,
    pub timestamp: SystemTime,
    pub line: String,
    /// Labels of this line only, not of its stream (Loki's structured
    /// metadata).
    pub structured_metadata: Labels,
}

impl Entry {
    pub fn new(labels: Labels, timestamp: SystemTime, line: impl Into<String>) -> Entry {
        Entry { labels, timestamp, line: line.into(), structured_metadata: Labels::new() }
    }

    /// Nanoseconds since the Unix epoch (negative before it).
    pub fn timestamp_ns(&self) -> i64 {
        match self.timestamp.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i64,
            Err(e) => -(e.duration().as_nanos() as i64),
        }
    }
}

/// The time `ns` nanoseconds after (or before) the Unix epoch.
pub fn time_from_ns(ns: i64) -> SystemTime {
    let magnitude = std::time::Duration::from_nanos(ns.unsigned_abs());
    if ns >= 0 {
        SystemTime::UNIX_EPOCH + magnitude
    } else {
        SystemTime::UNIX_EPOCH - magnitude
    }
}

/// Something entries can be sent to.
///
/// A sender that can wait (a file being read, a push request, a syslog
/// connection) waits for `room` and then calls `send_after_room`, through
/// `fan_out_waiting`: that is how a sink with a bounded queue
/// (`loki.write`) slows its sources down instead of dropping, as the
/// reference's channels do. A sender that cannot wait (flow run's own log)
/// calls `send`, which never blocks and may drop what does not fit.
pub trait LogsSink: Send + Sync {
    fn send(&self, entries: &[Entry]);

    /// Resolves once the sink can take more (a queue below its capacity,
    /// or one that has stopped); a sink without a queue is always ready.
    fn room(&self) -> BoxFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }

    /// Takes every entry, after `room` resolved: nothing is dropped for
    /// lack of room (the queue may pass its capacity by what senders that
    /// waited at the same time hand it).
    fn send_after_room(&self, entries: &[Entry]) {
        self.send(entries);
    }
}

pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The `receiver` export of logs components: one capsule that stays the
/// same while its component runs, so that senders keep it across updates.
#[derive(Clone)]
pub struct LogsReceiver(pub Arc<dyn LogsSink>);

impl LogsReceiver {
    pub fn to_value(&self) -> Value {
        Value::Capsule("LogsReceiver", Arc::new(self.clone()))
    }
}

impl FromValue for LogsReceiver {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Capsule(_, inner) => inner
                .downcast_ref::<LogsReceiver>()
                .cloned()
                .ok_or_else(|| crate::args::decode_error("a logs receiver", value)),
            _ => Err(crate::args::decode_error("a logs receiver", value)),
        }
    }
}

/// Hands entries to every receiver of a `forward_to` list, each once it
/// has room: the sender waits as long as a receiver is full.
pub async fn fan_out_waiting(receivers: &[LogsReceiver], entries: &[Entry]) {
    if entries.is_empty() {
        return;
    }
    for receiver in receivers {
        receiver.0.room().await;
        receiver.0.send_after_room(entries);
    }
}

/// Hands entries to every receiver of a `forward_to` list without
/// waiting: a full receiver drops what does not fit.
pub fn fan_out(receivers: &[LogsReceiver], entries: &[Entry]) {
    if entries.is_empty() {
        return;
    }
    for receiver in receivers {
        receiver.0.send(entries);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;

    struct Collect(Mutex<Vec<Entry>>);

    impl LogsSink for Collect {
        fn send(&self, entries: &[Entry]) {
            self.0.lock().extend_from_slice(entries);
        }
    }

    #[test]
    fn a_receiver_survives_the_capsule_and_gets_what_is_fanned_out() {
        let sink = Arc::new(Collect(Mutex::default()));
        let value = LogsReceiver(sink.clone()).to_value();
        let decoded = LogsReceiver::from_value(&value).unwrap();
        let entry = Entry::new(Labels::from_pairs([("a", "b")]), time_from_ns(-5), "x");
        assert_eq!(entry.timestamp_ns(), -5);
        fan_out(&[decoded.clone(), decoded], std::slice::from_ref(&entry));
        assert_eq!(sink.0.lock().len(), 2);
        assert!(LogsReceiver::from_value(&Value::Bool(true)).is_err());
    }
}
