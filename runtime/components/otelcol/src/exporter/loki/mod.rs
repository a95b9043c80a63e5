//! `otelcol.exporter.loki`: OTLP logs into `loki.*` receivers
//! (`forward_to`), converted as the reference's translator
//! (`pkg/translator/loki`, `convert`): labels `exporter="OTLP"`, `job`
//! and `instance` from `service.*`, `level` from the severity, and the
//! attributes the hints `loki.resource.labels` and `loki.attribute.labels`
//! name; the line is JSON, logfmt or the raw body (`loki.format`).

mod convert;
mod encode;

use std::sync::Arc;

use parking_lot::RwLock;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::logs::{fan_out_waiting, LogsReceiver};

pub use convert::entries;

use crate::consumer::{BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Signals};

/// `otelcol.exporter.loki`.
pub const EXPORTER_LOKI: Registration =
    Registration { name: "otelcol.exporter.loki", build, without_effect: &[] };

struct Input {
    ctx: Ctx,
    forward_to: Arc<RwLock<Vec<LogsReceiver>>>,
}

impl Consumer for Input {
    fn signals(&self) -> Signals {
        Signals { traces: false, metrics: false, logs: true }
    }

    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        Box::pin(async move {
            let Data::Logs(request) = data else { return Ok(()) };
            let entries = entries(&request);
            self.ctx.live_logs(&entries);
            let receivers = self.forward_to.read().clone();
            fan_out_waiting(&receivers, &entries).await;
            Ok(())
        })
    }
}

struct ExporterLoki(Arc<RwLock<Vec<LogsReceiver>>>);

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let forward_to = Arc::new(RwLock::new(args.require("forward_to")?));
    let input =
        ConsumerHandle(Arc::new(Input { ctx: ctx.clone(), forward_to: forward_to.clone() }));
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(ExporterLoki(forward_to)))
}

impl Component for ExporterLoki {
    fn update(&self, args: &Args) -> Result<(), Error> {
        *self.0.write() = args.require("forward_to")?;
        Ok(())
    }
}
