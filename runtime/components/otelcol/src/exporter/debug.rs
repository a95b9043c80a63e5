//! `otelcol.exporter.debug` and `otelcol.exporter.logging`: write what
//! they receive to `flow run`'s log (at info), as the reference's debug
//! exporter does: `basic` one line per batch with its counts, `normal`
//! one line per span, data point or log record, `detailed` with every
//! attribute too. `sampling_initial` lines a second are written, then one
//! in `sampling_thereafter`, as the reference's zap sampler.

use std::sync::Arc;
use std::time::Instant;

use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::metric;
use parking_lot::Mutex;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;

use crate::consumer::{
    data_points, BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Signals,
};

/// `otelcol.exporter.debug`.
pub const EXPORTER_DEBUG: Registration =
    Registration { name: "otelcol.exporter.debug", build, without_effect: &[] };

/// `otelcol.exporter.logging`.
pub const EXPORTER_LOGGING: Registration = Registration {
    name: "otelcol.exporter.logging",
    build,
    without_effect: &[(
        "debug_metrics",
        "this build registers none of the collector's internal metrics, with or without high-cardinality labels",
    )],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Basic,
    Normal,
    Detailed,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Settings {
    verbosity: Verbosity,
    initial: u64,
    thereafter: u64,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let verbosity = match args.get::<String>("verbosity")?.as_str() {
        "basic" => Verbosity::Basic,
        "detailed" => Verbosity::Detailed,
        _ => Verbosity::Normal,
    };
    Ok(Settings {
        verbosity,
        initial: args.get("sampling_initial")?,
        thereafter: args.get("sampling_thereafter")?,
    })
}

/// The sampler's state: the second it counts in, and how many lines it
/// has seen there.
struct Window {
    started: Instant,
    seen: u64,
}

struct Debug {
    span: tracing::Span,
    settings: Mutex<Settings>,
    window: Mutex<Window>,
}

impl Debug {
    /// Whether the next line is written.
    fn sampled(&self, settings: &Settings) -> bool {
        let mut window = self.window.lock();
        if window.started.elapsed().as_secs() >= 1 {
            *window = Window { started: Instant::now(), seen: 0 };
        }
        window.seen += 1;
        let n = window.seen;
        n <= settings.initial
            || (settings.thereafter > 0
                && (n - settings.initial).is_multiple_of(settings.thereafter))
    }

    fn write(&self, data: &Data) {
        let settings = *self.settings.lock();
        let _in = self.span.enter();
        if !self.sampled(&settings) {
            return;
        }
        let signal = data.signal().name();
        let items = data.items();
        let lines = if settings.verbosity == Verbosity::Basic {
            Vec::new()
        } else {
            lines(data, settings.verbosity)
        };
        tracing::info!(signal, items, "received {items} {signal}");
        for line in lines {
            tracing::info!(signal, "{line}");
        }
    }
}

impl Consumer for Debug {
    fn signals(&self) -> Signals {
        Signals::ALL
    }

    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        self.write(&data);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// An attribute value as text (strings unquoted).
pub fn value_text(value: &Option<AnyValue>) -> String {
    match value.as_ref().and_then(|v| v.value.as_ref()) {
        None => String::new(),
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(any_value::Value::BytesValue(b)) => format!("{b:02x?}"),
        Some(any_value::Value::ArrayValue(a)) => {
            let items: Vec<String> =
                a.values.iter().map(|v| value_text(&Some(v.clone()))).collect();
            format!("[{}]", items.join(", "))
        }
        Some(any_value::Value::KvlistValue(kv)) => format!("{{{}}}", attributes(&kv.values)),
        Some(any_value::Value::StringValueStrindex(i)) => format!("string #{i}"),
    }
}

fn attributes(attributes: &[KeyValue]) -> String {
    let pairs: Vec<String> =
        attributes.iter().map(|kv| format!("{}={}", kv.key, value_text(&kv.value))).collect();
    pairs.join(" ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One line per item (and, detailed, per resource with its attributes).
pub fn lines(data: &Data, verbosity: Verbosity) -> Vec<String> {
    let detailed = verbosity == Verbosity::Detailed;
    let mut out = Vec::new();
    let resource = |out: &mut Vec<String>, attrs: Option<&[KeyValue]>| {
        if detailed {
            out.push(format!("resource {}", attributes(attrs.unwrap_or_default())));
        }
    };
    match data {
        Data::Traces(r) => {
            for rs in &r.resource_spans {
                resource(&mut out, rs.resource.as_ref().map(|r| r.attributes.as_slice()));
                for span in rs.scope_spans.iter().flat_map(|s| &s.spans) {
                    let mut line = format!(
                        "span {:?} trace_id={} span_id={} kind={}",
                        span.name,
                        hex(&span.trace_id),
                        hex(&span.span_id),
                        span.kind
                    );
                    if detailed {
                        line.push_str(&format!(
                            " start={} end={} {}",
                            span.start_time_unix_nano,
                            span.end_time_unix_nano,
                            attributes(&span.attributes)
                        ));
                    }
                    out.push(line);
                }
            }
        }
        Data::Metrics(r) => {
            for rm in &r.resource_metrics {
                resource(&mut out, rm.resource.as_ref().map(|r| r.attributes.as_slice()));
                for m in rm.scope_metrics.iter().flat_map(|s| &s.metrics) {
                    let kind = match &m.data {
                        Some(metric::Data::Gauge(_)) => "gauge",
                        Some(metric::Data::Sum(_)) => "sum",
                        Some(metric::Data::Histogram(_)) => "histogram",
                        Some(metric::Data::ExponentialHistogram(_)) => "exponential histogram",
                        Some(metric::Data::Summary(_)) => "summary",
                        None => "empty",
                    };
                    let mut line =
                        format!("metric {:?} {kind} with {} data points", m.name, data_points(m));
                    if detailed {
                        line.push_str(&format!(
                            " unit={:?} description={:?}",
                            m.unit, m.description
                        ));
                    }
                    out.push(line);
                }
            }
        }
        Data::Logs(r) => {
            for rl in &r.resource_logs {
                resource(&mut out, rl.resource.as_ref().map(|r| r.attributes.as_slice()));
                for log in rl.scope_logs.iter().flat_map(|s| &s.log_records) {
                    let mut line = format!(
                        "log {:?} severity={}",
                        value_text(&log.body),
                        if log.severity_text.is_empty() {
                            log.severity_number.to_string()
                        } else {
                            log.severity_text.clone()
                        }
                    );
                    if detailed {
                        line.push_str(&format!(
                            " time={} trace_id={} {}",
                            log.time_unix_nano,
                            hex(&log.trace_id),
                            attributes(&log.attributes)
                        ));
                    }
                    out.push(line);
                }
            }
        }
    }
    out
}

struct ExporterDebug {
    debug: Arc<Debug>,
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let debug = Arc::new(Debug {
        span: tracing::Span::current(),
        settings: Mutex::new(settings(args)?),
        window: Mutex::new(Window { started: Instant::now(), seen: 0 }),
    });
    let input = ConsumerHandle(debug.clone());
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(ExporterDebug { debug }))
}

impl Component for ExporterDebug {
    fn update(&self, args: &Args) -> Result<(), Error> {
        *self.debug.settings.lock() = settings(args)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};

    fn text(s: &str) -> Option<AnyValue> {
        Some(AnyValue { value: Some(any_value::Value::StringValue(s.into())) })
    }

    #[test]
    fn normal_shows_items_and_detailed_their_attributes() {
        let record = LogRecord {
            body: text("hello"),
            severity_text: "INFO".into(),
            attributes: vec![KeyValue { key: "k".into(), value: text("v"), ..Default::default() }],
            ..Default::default()
        };
        let data = Data::Logs(ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                scope_logs: vec![ScopeLogs { log_records: vec![record], ..Default::default() }],
                ..Default::default()
            }],
        });
        assert_eq!(lines(&data, Verbosity::Normal), vec!["log \"hello\" severity=INFO"]);
        let detailed = lines(&data, Verbosity::Detailed);
        assert_eq!(detailed.len(), 2, "{detailed:?}");
        assert!(detailed[1].ends_with("k=v"), "{detailed:?}");
    }

    #[test]
    fn sampling_keeps_the_first_then_one_in_n() {
        let debug = Debug {
            span: tracing::Span::none(),
            settings: Mutex::new(Settings {
                verbosity: Verbosity::Basic,
                initial: 2,
                thereafter: 3,
            }),
            window: Mutex::new(Window { started: Instant::now(), seen: 0 }),
        };
        let settings = *debug.settings.lock();
        let kept: Vec<bool> = (0..8).map(|_| debug.sampled(&settings)).collect();
        assert_eq!(kept, [true, true, false, false, true, false, false, true]);
    }
}
