//! `otelcol.receiver.loki`: a `LogsReceiver` whose entries become OTLP log
//! records (one resource and scope per entry, as the reference), handed to
//! `output`'s logs: the line is the body, the labels attributes, listed in
//! the `loki.attribute.labels` hint so that `otelcol.exporter.loki` makes
//! them labels again; a `filename` label adds `log.file.path` and
//! `log.file.name`.

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::logs::{Entry, LogsReceiver, LogsSink};
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{mpsc, Notify};

use crate::attributes::text;
use crate::consumer::{Data, Fanout, Output};

/// `otelcol.receiver.loki`.
pub const RECEIVER_LOKI: Registration =
    Registration { name: "otelcol.receiver.loki", build, without_effect: &[] };

/// Entries waiting for the run loop.
const QUEUE: usize = 1024;

/// The receiver: an unbounded channel whose length (in batches) is kept
/// below `QUEUE` for senders that wait for room.
#[derive(Clone)]
struct Sink {
    sender: mpsc::UnboundedSender<Vec<Entry>>,
    pending: Arc<AtomicUsize>,
    freed: Arc<Notify>,
}

impl Sink {
    fn push(&self, entries: &[Entry]) {
        self.pending.fetch_add(1, Ordering::SeqCst);
        if self.sender.send(entries.to_vec()).is_err() {
            self.pending.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl LogsSink for Sink {
    fn send(&self, entries: &[Entry]) {
        if self.pending.load(Ordering::SeqCst) >= QUEUE {
            tracing::warn!(
                entries = entries.len(),
                "otelcol.receiver.loki is full, entries dropped"
            );
            return;
        }
        self.push(entries);
    }

    fn room(&self) -> river_runtime::logs::BoxFuture<'static, ()> {
        let sink = self.clone();
        Box::pin(async move {
            loop {
                let freed = sink.freed.notified();
                if sink.pending.load(Ordering::SeqCst) < QUEUE || sink.sender.is_closed() {
                    return;
                }
                freed.await;
            }
        })
    }

    fn send_after_room(&self, entries: &[Entry]) {
        self.push(entries);
    }
}

struct ReceiverLoki(Fanout);

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let fanout = Fanout::watched(&ctx, Output::from_args(args)?);
    let (sender, received) = mpsc::unbounded_channel();
    let sink = Sink { sender, pending: Arc::default(), freed: Arc::default() };
    let receiver = LogsReceiver(Arc::new(sink.clone()));
    ctx.export(Object::from_iter([("receiver".to_owned(), receiver.to_value())]));
    ctx.spawn(run(ctx.clone(), fanout.clone(), received, sink));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(ReceiverLoki(fanout)))
}

impl Component for ReceiverLoki {
    fn update(&self, args: &Args) -> Result<(), Error> {
        self.0.set(Output::from_args(args)?);
        Ok(())
    }
}

async fn run(
    ctx: Ctx,
    fanout: Fanout,
    mut received: mpsc::UnboundedReceiver<Vec<Entry>>,
    sink: Sink,
) {
    loop {
        let entries = tokio::select! {
            entries = received.recv() => entries,
            _ = ctx.cancel.cancelled() => None,
        };
        let Some(entries) = entries else { break };
        sink.pending.fetch_sub(1, Ordering::SeqCst);
        sink.freed.notify_waiters();
        for entry in &entries {
            if let Err(e) = fanout.consume(Data::Logs(convert(entry))).await {
                tracing::warn!(err = %e, "the next component refused a log record, dropped");
            }
        }
    }
}

/// One entry as one OTLP request.
pub fn convert(entry: &Entry) -> ExportLogsServiceRequest {
    let mut attributes: Vec<_> = entry.labels.iter().map(|(k, v)| text(k, v)).collect();
    if let Some(path) = entry.labels.get("filename") {
        let name =
            std::path::Path::new(path).file_name().map_or(path.into(), |n| n.to_string_lossy());
        attributes.push(text("log.file.path", path));
        attributes.push(text("log.file.name", &name));
    }
    if !entry.labels.is_empty() {
        let names: Vec<&str> = entry.labels.iter().map(|(k, _)| k).collect();
        attributes.push(text("loki.attribute.labels", &names.join(",")));
    }
    let now = river_runtime::logs::Entry::new(Default::default(), std::time::SystemTime::now(), "");
    let record = LogRecord {
        time_unix_nano: entry.timestamp_ns().max(0) as u64,
        observed_time_unix_nano: now.timestamp_ns().max(0) as u64,
        body: Some(AnyValue { value: Some(any_value::Value::StringValue(entry.line.clone())) }),
        attributes,
        ..Default::default()
    };
    let scope = ScopeLogs { log_records: vec![record], ..Default::default() };
    let resource = ResourceLogs { scope_logs: vec![scope], ..Default::default() };
    ExportLogsServiceRequest { resource_logs: vec![resource] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use river_runtime::labels::Labels;

    #[test]
    fn labels_become_attributes_and_the_hint_lists_them() {
        let labels = Labels::from_pairs([("job", "app"), ("filename", "/var/log/a.log")]);
        let entry = Entry::new(labels, river_runtime::logs::time_from_ns(42), "hello");
        let request = convert(&entry);
        let record = &request.resource_logs[0].scope_logs[0].log_records[0];
        assert_eq!(record.time_unix_nano, 42);
        assert!(record.observed_time_unix_nano > 42);
        let attrs: Vec<(String, String)> = record
            .attributes
            .iter()
            .map(|kv| (kv.key.clone(), crate::attributes::as_string(kv.value.as_ref())))
            .collect();
        let expected = [
            ("filename", "/var/log/a.log"),
            ("job", "app"),
            ("log.file.path", "/var/log/a.log"),
            ("log.file.name", "a.log"),
            ("loki.attribute.labels", "filename,job"),
        ];
        let expected: Vec<(String, String)> =
            expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(attrs, expected);
        assert_eq!(crate::attributes::as_string(record.body.as_ref()), "hello");
    }
}
