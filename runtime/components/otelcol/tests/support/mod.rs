//! What the otelcol component tests share: a consumer that keeps what it
//! is given, and a component of a test's table built from River text as
//! the controller builds it, its `output` going to such a consumer (the
//! one value a config cannot name, put into the evaluated block).

#![allow(dead_code)]

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use parking_lot::Mutex;
use river_analyzer::Value;
use river_otelcol::consumer::{BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Signals};
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;

/// Keeps every batch it is given, of every signal.
#[derive(Default)]
pub struct Collect(pub Mutex<Vec<Data>>);

impl Consumer for Collect {
    fn signals(&self) -> Signals {
        Signals::ALL
    }
    fn consume(&self, data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        self.0.lock().push(data);
        Box::pin(async { Ok(()) })
    }
}

/// A component with no place in a running controller.
pub fn ctx(id: &str) -> Ctx {
    let dir = std::env::temp_dir();
    let globals = Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.clone());
    Ctx::detached(id, dir.join(id), globals)
}

/// The evaluated arguments of `name` with `body` and an empty `output`
/// block; why the config is refused, if it is.
pub fn arguments(table: &'static [Registration], name: &str, body: &str) -> Result<Args, String> {
    let config = format!("{name} \"test\" {{\n{body}\n\toutput {{}}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], table)
        .map_err(|e| format!("the config is refused: {e:?}"))?;
    evaluate_alone(&plan.nodes[0]).map_err(|e| e.message)
}

/// Builds `name` from `args`, the `signals` of its output going to the
/// returned collector.
pub fn build_with(
    table: &'static [Registration],
    name: &str,
    mut args: Args,
    signals: &[&str],
) -> (Result<Arc<dyn Component>, Error>, Ctx, Arc<Collect>) {
    let sink = Arc::new(Collect::default());
    let handle = ConsumerHandle(sink.clone()).to_value();
    for (block_name, block) in &mut args.blocks {
        if block_name == "output" {
            for signal in signals {
                block.attrs.insert((*signal).into(), Value::Array(vec![handle.clone()]));
            }
        }
    }
    let ctx = ctx(&format!("{name}.test"));
    let registration = table.iter().find(|r| r.name == name).unwrap();
    ((registration.build)(ctx.clone(), &args), ctx, sink)
}

/// `build_with` from River text the linter takes.
pub fn build(
    table: &'static [Registration],
    name: &str,
    body: &str,
    signals: &[&str],
) -> (Result<Arc<dyn Component>, Error>, Ctx, Arc<Collect>) {
    let args = arguments(table, name, body).unwrap_or_else(|e| panic!("{name}: {e}"));
    build_with(table, name, args, signals)
}

/// Why `name` refused `body`: its setting's path and message.
pub fn refusal(table: &'static [Registration], name: &str, body: &str, signals: &[&str]) -> String {
    match build(table, name, body, signals).0 {
        Err(Error::Setting(e)) => format!("{}: {}", e.path, e.message),
        Err(e) => panic!("{name}: not a setting's error: {e}"),
        Ok(_) => panic!("{name} accepted {body}"),
    }
}

/// The component's `input`.
pub fn input(ctx: &Ctx) -> ConsumerHandle {
    let Value::Object(exports) = ctx.exports() else { panic!("no exports") };
    exports["input"].decode().unwrap()
}

/// Traces of one resource and scope: a span of each name.
pub fn spans(names: &[&str]) -> Data {
    let spans = names.iter().map(|n| Span { name: (*n).into(), ..Default::default() });
    Data::Traces(ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans { spans: spans.collect(), ..Default::default() }],
            ..Default::default()
        }],
    })
}

/// The names of the spans of traces, in order.
pub fn span_names(data: &Data) -> Vec<String> {
    let Data::Traces(request) = data else { panic!("not traces") };
    let spans = request.resource_spans.iter().flat_map(|r| &r.scope_spans).flat_map(|s| &s.spans);
    spans.map(|s| s.name.clone()).collect()
}
