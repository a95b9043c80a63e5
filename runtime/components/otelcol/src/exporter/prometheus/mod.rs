//! `otelcol.exporter.prometheus`: OTLP metrics into `prometheus.*`
//! receivers (`forward_to`), converted as the reference's converter does
//! (`convert`, `names`, `histogram`), with the metric families' metadata.
//! Every `gc_frequency`, series and families not seen since are forgotten.

mod convert;
mod histogram;
mod names;
mod points;

use std::sync::Arc;
use std::time::Duration;

use parking_lot::RwLock;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::series::{self, MetadataSource, MetricsReceiver};

pub use convert::{Converter, Options};
pub use names::compliant_name;

use crate::consumer::{BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Signals};

/// `otelcol.exporter.prometheus`.
pub const EXPORTER_PROMETHEUS: Registration =
    Registration { name: "otelcol.exporter.prometheus", build, without_effect: &[] };

struct Settings {
    options: Options,
    gc_frequency: Duration,
    forward_to: Vec<MetricsReceiver>,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let options = Options {
        include_target_info: args.get("include_target_info")?,
        include_scope_info: args.get("include_scope_info")?,
        include_scope_labels: args.get("include_scope_labels")?,
        add_metric_suffixes: args.get("add_metric_suffixes")?,
        resource_to_telemetry: args.get("resource_to_telemetry_conversion")?,
    };
    let gc_frequency: Duration = args.get("gc_frequency")?;
    if gc_frequency.is_zero() {
        return Err(args.invalid("gc_frequency", "must be greater than 0").into());
    }
    Ok(Settings { options, gc_frequency, forward_to: args.require("forward_to")? })
}

struct State {
    converter: Converter,
    settings: RwLock<Settings>,
    fanout: series::Fanout,
    source: MetadataSource,
}

impl State {
    fn send(&self, data: &Data) {
        let Data::Metrics(request) = data else { return };
        let settings = self.settings.read();
        let converted = self.converter.convert(&request.resource_metrics, settings.options);
        if converted.metadata_changed {
            let metadata = self.converter.metadata();
            self.fanout.send_metadata(&settings.forward_to, self.source, &metadata);
        }
        if !converted.samples.is_empty() {
            self.fanout.send(&settings.forward_to, converted.samples);
        }
    }
}

struct Input(Arc<State>);

impl Consumer for Input {
    fn signals(&self) -> Signals {
        Signals { traces: false, metrics: true, logs: false }
    }

    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        self.0.send(&data);
        Box::pin(std::future::ready(Ok(())))
    }
}

struct ExporterPrometheus(Arc<State>);

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let state = Arc::new(State {
        converter: Converter::default(),
        settings: RwLock::new(settings(args)?),
        fanout: series::Fanout::new(&ctx),
        source: series::new_metadata_source(),
    });
    let input = ConsumerHandle(Arc::new(Input(state.clone())));
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    ctx.spawn(collect_garbage(ctx.clone(), state.clone()));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(ExporterPrometheus(state)))
}

/// Forgets what was not seen for `gc_frequency`, every `gc_frequency`.
async fn collect_garbage(ctx: Ctx, state: Arc<State>) {
    loop {
        let every = state.settings.read().gc_frequency;
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = ctx.cancel.cancelled() => break,
        }
        if state.converter.gc(every) {
            let settings = state.settings.read();
            let metadata = state.converter.metadata();
            state.fanout.send_metadata(&settings.forward_to, state.source, &metadata);
        }
    }
    // Stopping: the families this component reported are withdrawn.
    let settings = state.settings.read();
    state.fanout.send_metadata(&settings.forward_to, state.source, &Arc::from([]));
}

impl Component for ExporterPrometheus {
    fn update(&self, args: &Args) -> Result<(), Error> {
        *self.0.settings.write() = settings(args)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
