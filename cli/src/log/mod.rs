//! `flow run`'s own log on standard error, as the reference writes it:
//! logfmt (or JSON) lines with `ts`, `level` and `msg`, then the
//! `component_path` and `component_id` of the component whose code wrote
//! the line, then the line's own fields.
//!
//! The level and format are the runtime's (`river_runtime::logging`),
//! read for every line, so a reload changes them at once. Lines of our own
//! crates pass at the configured level; libraries' (salsa, hyper, h2,
//! rustls, ...) only from `warn`, whatever the level: their internals are
//! not what an operator reads. With `write_to`, each line also goes, as
//! written, to those `loki.*` receivers.

mod encode;

use std::io::Write;

use river_runtime::labels::Labels;
use river_runtime::logging::{self, LogFormat};
use river_runtime::logs::{fan_out, Entry};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

use encode::{Line, Value};

/// Installs the log for this process.
pub fn init() {
    let _ = tracing_subscriber::registry().with(RunLog).try_init();
}

/// The layer that filters and writes every line.
struct RunLog;

/// A `component` span's names, kept in its extensions.
struct ComponentNames(Vec<(&'static str, Value)>);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for RunLog {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        // The level may change on reload: ask every time.
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        if meta.is_span() {
            return meta.name() == "component";
        }
        let mut max = logging::current().level;
        if !meta.target().starts_with("river") {
            max = max.min(Level::WARN);
        }
        *meta.level() <= max
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let (Some(span), "component") = (ctx.span(id), attrs.metadata().name()) else { return };
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        span.extensions_mut().insert(ComponentNames(fields.values));
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut line = Line::new(*event.metadata().level(), fields.message.unwrap_or_default());
        let component = ctx.event_scope(event).and_then(|scope| {
            // The innermost component span names the line: one clone.
            scope
                .into_iter()
                .find_map(|s| s.extensions().get::<ComponentNames>().map(|c| c.0.clone()))
        });
        for (key, value) in component.into_iter().flatten() {
            // A line may name another component than the code it runs in
            // (a receiver called by its sender): its own field wins.
            if !fields.values.iter().any(|(k, _)| *k == key) {
                line.push(key, value);
            }
        }
        for (key, value) in fields.values {
            line.push(key, value);
        }
        let text = match logging::current().format {
            LogFormat::Logfmt => line.logfmt(),
            LogFormat::Json => line.json(),
        };
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
        write_to(text);
    }
}

thread_local! {
    /// Set while a line is handed to `write_to`: a line logged by a
    /// receiver meanwhile goes to standard error only, not round again.
    static SENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The line, as written, to the `logging` block's `write_to` receivers,
/// labelled `component="agent"` as the reference labels it.
fn write_to(line: String) {
    let receivers = logging::write_to();
    if receivers.is_empty() || SENDING.get() {
        return;
    }
    SENDING.set(true);
    let labels = Labels::from_pairs([("component", "agent")]);
    fan_out(&receivers, &[Entry::new(labels, std::time::SystemTime::now(), line)]);
    SENDING.set(false);
}

/// A line's or span's fields, with the message apart.
#[derive(Default)]
struct Fields {
    message: Option<String>,
    values: Vec<(&'static str, Value)>,
}

impl Fields {
    fn push(&mut self, field: &Field, value: Value) {
        match (field.name(), value) {
            ("message", Value::Str(text)) => self.message = Some(text),
            (name, value) => self.values.push((name, value)),
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, Value::Str(value.to_owned()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.push(field, Value::Int(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.push(field, Value::Uint(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.push(field, Value::Float(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.push(field, Value::Bool(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.push(field, Value::Str(value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        // `%x` fields and the message come here as their display.
        self.push(field, Value::Str(format!("{value:?}")));
    }
}
