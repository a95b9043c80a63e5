//! `otelcol.processor.attributes`: the collector's attributes processor.
//! Its `action` blocks (`attraction`: insert, update, upsert, delete,
//! hash, extract, convert) change the attributes of spans, log records
//! and metric data points, in order, for the items the `include` and
//! `exclude` blocks let through.

use opentelemetry_proto::tonic::common::v1::{
    any_value, AnyValue, ArrayValue, KeyValue, KeyValueList,
};
use opentelemetry_proto::tonic::metrics::v1::metric;
use river_analyzer::Value;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;
use std::sync::Arc;

mod actions;
mod apply;
mod matching;

use actions::{action, Action};
use apply::apply;

pub use matching::{severity_number, Filter, Properties};

use super::Transform;
use crate::consumer::{ConsumeError, Data, Output};

/// `otelcol.processor.attributes`.
pub const PROCESSOR_ATTRIBUTES: Registration =
    Registration { name: "otelcol.processor.attributes", build, without_effect: MATCH_CACHE };

/// The `regexp` blocks of `include` and `exclude` (here and in the span
/// processor, which shares these match properties).
pub const MATCH_CACHE: &[(&str, &str)] = &[
    (
        "include/regexp",
        "sizes a cache of regexp match results; matching gives the same results without it",
    ),
    (
        "exclude/regexp",
        "sizes a cache of regexp match results; matching gives the same results without it",
    ),
];

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    Ok(Arc::new(super::build(&ctx, args, Box::new(Attributes::from_args))?))
}

/// A River value as a pdata value (`Value.FromRaw`).
pub fn river_to_any(value: &Value) -> AnyValue {
    use any_value::Value as V;
    use river_analyzer::value::Number;
    let inner = match value {
        Value::Null | Value::Function(..) | Value::Capsule(..) => None,
        Value::String(s) => Some(V::StringValue(s.clone())),
        Value::Secret(s) => Some(V::StringValue(s.to_string())),
        Value::Bool(b) => Some(V::BoolValue(*b)),
        Value::Number(Number::Int(i)) => Some(V::IntValue(*i)),
        Value::Number(Number::Uint(u)) => Some(V::IntValue(*u as i64)),
        Value::Number(Number::Float(f)) => Some(V::DoubleValue(*f)),
        Value::Array(items) => {
            Some(V::ArrayValue(ArrayValue { values: items.iter().map(river_to_any).collect() }))
        }
        Value::Object(map) => Some(V::KvlistValue(KeyValueList {
            values: map
                .iter()
                .map(|(k, v)| KeyValue {
                    key: k.clone(),
                    value: Some(river_to_any(v)),
                    ..Default::default()
                })
                .collect(),
        })),
    };
    AnyValue { value: inner }
}

/// The settings: actions in order, and what they apply to.
pub struct Attributes {
    actions: Vec<Action>,
    include: Option<Properties>,
    exclude: Option<Properties>,
}

impl Attributes {
    pub fn from_args(args: &Args, output: &Output) -> Result<Attributes, Error> {
        let actions = args
            .blocks("action")
            .enumerate()
            .map(|(i, b)| action(b, i))
            .collect::<Result<_, _>>()?;
        let mut sides = [None, None];
        for (slot, name) in sides.iter_mut().zip(["include", "exclude"]) {
            let Some(block) = args.block(name) else { continue };
            let properties = Properties::from_args(block)?;
            // The collector checks the properties for each signal it builds
            // a pipeline of: those the output hands on.
            let checks = [
                (
                    !output.traces.is_empty(),
                    Properties::check_spans as fn(&Properties) -> Result<(), String>,
                ),
                (!output.logs.is_empty(), Properties::check_logs),
            ];
            for (used, check) in checks {
                if used {
                    check(&properties).map_err(|e| args.invalid(name, e))?;
                }
            }
            *slot = Some(properties);
        }
        let [include, exclude] = sides;
        Ok(Attributes { actions, include, exclude })
    }

    fn skip(&self, matches: impl Fn(&Properties) -> bool) -> bool {
        self.include.as_ref().is_some_and(|p| !matches(p))
            || self.exclude.as_ref().is_some_and(matches)
    }

    /// Applies every action, in order (`AttrProc.Process`).
    pub fn process(&self, attrs: &mut Vec<KeyValue>) {
        for action in &self.actions {
            apply(action, attrs);
        }
    }
}

impl Transform for Attributes {
    fn apply(&self, data: &mut Data) -> Result<(), ConsumeError> {
        match data {
            Data::Traces(r) => {
                for rs in &mut r.resource_spans {
                    let resource =
                        rs.resource.as_ref().map(|r| r.attributes.clone()).unwrap_or_default();
                    for ss in &mut rs.scope_spans {
                        for span in &mut ss.spans {
                            if self.skip(|p| p.matches_span(span, &resource, ss.scope.as_ref())) {
                                continue;
                            }
                            self.process(&mut span.attributes);
                        }
                    }
                }
            }
            Data::Logs(r) => {
                for rl in &mut r.resource_logs {
                    let resource =
                        rl.resource.as_ref().map(|r| r.attributes.clone()).unwrap_or_default();
                    for sl in &mut rl.scope_logs {
                        for record in &mut sl.log_records {
                            if self.skip(|p| p.matches_log(record, &resource, sl.scope.as_ref())) {
                                continue;
                            }
                            self.process(&mut record.attributes);
                        }
                    }
                }
            }
            Data::Metrics(r) => {
                let metric_skip = |name: &str| {
                    self.include
                        .as_ref()
                        .and_then(Properties::metric_filter)
                        .is_some_and(|f| !f.matches(name))
                        || self
                            .exclude
                            .as_ref()
                            .and_then(Properties::metric_filter)
                            .is_some_and(|f| f.matches(name))
                };
                for m in r
                    .resource_metrics
                    .iter_mut()
                    .flat_map(|r| &mut r.scope_metrics)
                    .flat_map(|s| &mut s.metrics)
                {
                    if metric_skip(&m.name) {
                        continue;
                    }
                    match &mut m.data {
                        Some(metric::Data::Gauge(g)) => {
                            g.data_points.iter_mut().for_each(|p| self.process(&mut p.attributes))
                        }
                        Some(metric::Data::Sum(s)) => {
                            s.data_points.iter_mut().for_each(|p| self.process(&mut p.attributes))
                        }
                        Some(metric::Data::Histogram(h)) => {
                            h.data_points.iter_mut().for_each(|p| self.process(&mut p.attributes))
                        }
                        Some(metric::Data::ExponentialHistogram(h)) => {
                            h.data_points.iter_mut().for_each(|p| self.process(&mut p.attributes))
                        }
                        Some(metric::Data::Summary(s)) => {
                            s.data_points.iter_mut().for_each(|p| self.process(&mut p.attributes))
                        }
                        None => {}
                    }
                }
            }
        }
        Ok(())
    }
}
