//! The evaluator against the collector's own test cases: telemetry shaped
//! like the fixtures of `pkg/ottl`'s context tests, statements run on
//! every item of a context, and what must then hold checked by an OTTL
//! condition on the same items (`table`); errors at run time and refusals
//! at load (`errors`); every function of the catalog builds (`catalog`).

mod catalog;
mod errors;
mod fixtures;
mod table;

use river_ottl::Context;

use super::item::{point_count, Item, Kind};
use super::{Condition, Statement};
use crate::consumer::Data;

/// Calls `f` on every item of `context` in `data`, walking metrics and
/// events by index as the transform processor does.
fn each_item(data: &mut Data, context: Context, f: &mut dyn FnMut(Item)) {
    match data {
        Data::Traces(r) => {
            for rs in &mut r.resource_spans {
                span_items(context, rs, f);
            }
        }
        Data::Metrics(r) => {
            for rm in &mut r.resource_metrics {
                let resource = &mut rm.resource;
                if context == Context::Resource {
                    f(Item::new(&mut *resource, None, Kind::Resource));
                    continue;
                }
                for sm in &mut rm.scope_metrics {
                    metric_items(context, &mut rm.resource, sm, f);
                }
            }
        }
        Data::Logs(r) => {
            for rl in &mut r.resource_logs {
                let resource = &mut rl.resource;
                if context == Context::Resource {
                    f(Item::new(&mut *resource, None, Kind::Resource));
                    continue;
                }
                for sl in &mut rl.scope_logs {
                    let scope = &mut sl.scope;
                    if context == Context::Scope {
                        f(Item::new(&mut *resource, Some(&mut *scope), Kind::Scope));
                        continue;
                    }
                    for log in &mut sl.log_records {
                        f(Item::new(&mut *resource, Some(&mut *scope), Kind::Log(log)));
                    }
                }
            }
        }
    }
}

fn span_items(
    context: Context,
    rs: &mut opentelemetry_proto::tonic::trace::v1::ResourceSpans,
    f: &mut dyn FnMut(Item),
) {
    let resource = &mut rs.resource;
    if context == Context::Resource {
        return f(Item::new(resource, None, Kind::Resource));
    }
    for ss in &mut rs.scope_spans {
        let scope = &mut ss.scope;
        if context == Context::Scope {
            f(Item::new(&mut *resource, Some(&mut *scope), Kind::Scope));
            continue;
        }
        for span in &mut ss.spans {
            if context == Context::Span {
                f(Item::new(&mut *resource, Some(&mut *scope), Kind::Span(&mut *span)));
                continue;
            }
            for i in 0..span.events.len() {
                f(Item::new(&mut *resource, Some(&mut *scope), Kind::SpanEvent(&mut *span, i)));
            }
        }
    }
}

fn metric_items(
    context: Context,
    resource: &mut Option<opentelemetry_proto::tonic::resource::v1::Resource>,
    sm: &mut opentelemetry_proto::tonic::metrics::v1::ScopeMetrics,
    f: &mut dyn FnMut(Item),
) {
    let (scope, metrics) = (&mut sm.scope, &mut sm.metrics);
    if context == Context::Scope {
        return f(Item::new(&mut *resource, Some(&mut *scope), Kind::Scope));
    }
    let mut m = 0;
    while m < metrics.len() {
        if context == Context::Metric {
            f(Item::new(&mut *resource, Some(&mut *scope), Kind::Metric(&mut *metrics, m)));
        } else {
            let mut p = 0;
            while p < point_count(&metrics[m]) {
                f(Item::new(
                    &mut *resource,
                    Some(&mut *scope),
                    Kind::DataPoint(&mut *metrics, m, p),
                ));
                p += 1;
            }
        }
        m += 1;
    }
}

/// Runs `statements` in order on each item of `context`, failing on the
/// first error.
fn run(data: &mut Data, context: Context, statements: &[&str]) -> Result<(), String> {
    let compiled: Vec<Statement> = statements
        .iter()
        .map(|s| Statement::new(s, context))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("refused at load: {e}"))?;
    let mut result = Ok(());
    each_item(data, context, &mut |mut item| {
        for statement in &compiled {
            if let Err(e) = statement.execute(&mut item) {
                result = result.clone().and(Err(e));
            }
        }
    });
    result
}

/// Whether `condition` holds on every item of `context` (and there is one).
fn holds_everywhere(data: &mut Data, context: Context, condition: &str) -> Result<bool, String> {
    let condition = Condition::new(condition, context)?;
    let (mut all, mut seen) = (Ok(true), 0);
    each_item(data, context, &mut |item| {
        seen += 1;
        all = all.clone().and_then(|a| Ok(a && condition.test(&item)?));
    });
    all.map(|a| a && seen > 0)
}
