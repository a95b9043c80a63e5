//! `loki.echo`: writes every entry it receives to `flow run`'s own log,
//! at info, with its labels (as the reference does, for debugging a
//! pipeline).

use std::sync::Arc;

use river_analyzer::Object;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::logs::{Entry, LogsReceiver, LogsSink};

struct Echo {
    /// The component's span, captured in its builder: entries arrive on
    /// their senders' threads, but the lines must name this component.
    span: tracing::Span,
    id: String,
}

struct LokiEcho;

/// `loki.echo`.
pub const LOKI_ECHO: Registration = Registration { name: "loki.echo", build, without_effect: &[] };

pub fn build(ctx: Ctx, _args: &Args) -> Result<Arc<dyn Component>, Error> {
    let echo = Echo { span: tracing::Span::current(), id: ctx.id.clone() };
    let receiver = LogsReceiver(Arc::new(echo));
    ctx.export(Object::from_iter([("receiver".to_owned(), receiver.to_value())]));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(LokiEcho))
}

impl Component for LokiEcho {
    fn update(&self, _args: &Args) -> Result<(), Error> {
        Ok(())
    }
}

impl LogsSink for Echo {
    fn send(&self, entries: &[Entry]) {
        let _in = self.span.enter();
        for entry in entries {
            tracing::info!(receiver = %self.id, entry = %entry.line, labels = %entry.labels, "received log entry");
        }
    }
}
