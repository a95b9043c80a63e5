//! The `policy` blocks read into evaluators, with the collector's checks
//! (`getPolicyEvaluator` and the `New*` constructors of its policies).
//!
//! As the reference decodes every block of a policy and builds only the
//! one its `type` names, the blocks of other types are read here too (so
//! their settings are seen) but neither checked nor used.

use std::collections::{HashMap, HashSet};

use regex::Regex;
use river_ottl::Context;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::evaluate::{Evaluator, Matcher, Share};
use super::hashing::threshold;
use crate::ottl::{Condition, ErrorMode};

/// One top-level policy.
pub struct Policy {
    pub name: String,
    pub evaluator: Evaluator,
}

/// The policy types with a block of their own (or none, `always_sample`)
/// that `and` and `composite` sub-policies can be.
const SHARED: &[&str] = &[
    "latency",
    "numeric_attribute",
    "probabilistic",
    "status_code",
    "string_attribute",
    "rate_limiting",
    "span_count",
    "boolean_attribute",
    "ottl_condition",
    "trace_state",
];

/// The collector's salt when `hash_salt` is left empty.
const DEFAULT_SALT: &str = "default-hash-seed";

pub fn policies(args: &Args) -> Result<Vec<Policy>, Error> {
    let mut policies = Vec::new();
    let mut names = HashSet::new();
    for block in args.blocks("policy") {
        let name: String = block.require("name")?;
        let ty: String = block.require("type")?;
        if !names.insert(name.clone()) {
            return Err(block.invalid("name", format!("duplicate policy name {name:?}")).into());
        }
        let and = block.block("and").map(and);
        let composite = block.block("composite").map(composite_of);
        let evaluator = match ty.as_str() {
            "and" => and.unwrap_or_else(|| Ok(Evaluator::And(Vec::new())))?,
            "composite" => {
                composite.unwrap_or_else(|| composite_of(&block.block_or_empty("composite")))?
            }
            _ => shared(block, &ty)?,
        };
        policies.push(Policy { name, evaluator });
    }
    Ok(policies)
}

/// A policy of one of the shared types (`getSharedPolicyEvaluator`).
fn shared(block: &Args, ty: &str) -> Result<Evaluator, Error> {
    let mut chosen = None;
    for kind in SHARED {
        let Some(inner) = block.block(kind) else { continue };
        let built = build(kind, inner);
        if *kind == ty {
            chosen = Some(built?);
        }
    }
    match (ty, chosen) {
        ("always_sample", _) => Ok(Evaluator::Always),
        (_, Some(evaluator)) => Ok(evaluator),
        (ty, None) if SHARED.contains(&ty) => {
            Err(block.invalid("type", format!("a policy of type {ty} needs a {ty} block")).into())
        }
        (ty, None) => {
            Err(block.invalid("type", format!("unknown sampling policy type {ty}")).into())
        }
    }
}

fn build(kind: &str, b: &Args) -> Result<Evaluator, Error> {
    Ok(match kind {
        "latency" => Evaluator::Latency {
            lower_ms: b.require("threshold_ms")?,
            upper_ms: b.get("upper_threshold_ms")?,
        },
        "numeric_attribute" => Evaluator::Numeric {
            key: b.require("key")?,
            min: b.require("min_value")?,
            max: b.require("max_value")?,
            invert: b.get("invert_match")?,
        },
        "probabilistic" => {
            let percentage: f64 = b.require("sampling_percentage")?;
            let salt = b.opt::<String>("hash_salt")?.filter(|s| !s.is_empty());
            let salt = salt.unwrap_or_else(|| DEFAULT_SALT.into());
            Evaluator::Probabilistic { salt, threshold: threshold(percentage / 100.0) }
        }
        "status_code" => status_code(b)?,
        "string_attribute" => string_attribute(b)?,
        "rate_limiting" => Evaluator::RateLimiting {
            per_second: b.require("spans_per_second")?,
            second: u64::MAX,
            spent: 0,
        },
        "span_count" => {
            Evaluator::SpanCount { min: b.require("min_spans")?, max: b.get("max_spans")? }
        }
        "boolean_attribute" => {
            Evaluator::Boolean { key: b.require("key")?, value: b.require("value")? }
        }
        "ottl_condition" => ottl_condition(b)?,
        _ => trace_state(b)?,
    })
}

fn status_code(b: &Args) -> Result<Evaluator, Error> {
    let names: Vec<String> = b.require("status_codes")?;
    if names.is_empty() {
        return Err(b
            .invalid("status_codes", "expected at least one status code to filter on")
            .into());
    }
    let codes = names.iter().map(|name| match name.as_str() {
        "OK" => Ok(1),
        "ERROR" => Ok(2),
        "UNSET" => Ok(0),
        _ => Err(b.invalid(
            "status_codes",
            format!("unknown status code {name:?}, supported: OK, ERROR, UNSET"),
        )),
    });
    Ok(Evaluator::StatusCode(codes.collect::<Result<_, _>>()?))
}

fn string_attribute(b: &Args) -> Result<Evaluator, Error> {
    let key: String = b.require("key")?;
    let values: Vec<String> = b.require("values")?;
    let regex: bool = b.get("enabled_regex_matching")?;
    let invert: bool = b.get("invert_match")?;
    // Only sizes the collector's cache of match results; checked, unused.
    if let Some(size) = b.opt::<String>("cache_max_size")? {
        size.trim().parse::<i64>().map_err(|_| {
            b.invalid("cache_max_size", format!("{size:?} is not a number of entries"))
        })?;
    }
    let matcher = if regex {
        let compiled = values.iter().map(|v| {
            Regex::new(v).map_err(|e| b.invalid("values", format!("invalid regexp {v:?}: {e}")))
        });
        Matcher::Patterns(compiled.collect::<Result<_, _>>()?)
    } else {
        Matcher::Exact(values.into_iter().collect())
    };
    Ok(Evaluator::StringAttribute { key, matcher, invert })
}

fn ottl_condition(b: &Args) -> Result<Evaluator, Error> {
    let mode: String = b.require("error_mode")?;
    let span: Vec<String> = b.get("span")?;
    let spanevent: Vec<String> = b.get("spanevent")?;
    let mode = ErrorMode::named(&mode).map_err(|e| b.invalid("error_mode", e))?;
    if span.is_empty() && spanevent.is_empty() {
        return Err(b.invalid("span", "expected at least one OTTL condition to filter on").into());
    }
    let compile = |setting: &str, texts: &[String], context| {
        texts
            .iter()
            .map(|t| {
                Condition::new(t, context).map_err(|e| b.invalid(setting, format!("{t:?}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(Evaluator::Ottl {
        spans: compile("span", &span, Context::Span)?,
        events: compile("spanevent", &spanevent, Context::SpanEvent)?,
        mode,
    })
}

fn trace_state(b: &Args) -> Result<Evaluator, Error> {
    let key: String = b.require("key")?;
    let values: Vec<String> = b.require("values")?;
    // A member of a trace state is at most 256 characters with its `=`.
    let values = values.into_iter().filter(|v| !v.is_empty() && key.len() + v.len() < 256);
    Ok(Evaluator::TraceState { values: values.collect(), key })
}

fn and(b: &Args) -> Result<Evaluator, Error> {
    let policies = b.blocks("and_sub_policy").map(sub_policy).map(|p| p.map(|(_, e)| e));
    Ok(Evaluator::And(policies.collect::<Result<_, _>>()?))
}

fn sub_policy(b: &Args) -> Result<(String, Evaluator), Error> {
    let name: String = b.require("name")?;
    let ty: String = b.require("type")?;
    Ok((name, shared(b, &ty)?))
}

/// `getNewCompositePolicy`: each sub-policy, in the order written (the
/// collector reads `policy_order` but does not use it), gets its
/// `rate_allocation` percent of the total, or an equal share for an
/// allocation of zero percent; none at all for a sub-policy no
/// allocation names.
fn composite_of(b: &Args) -> Result<Evaluator, Error> {
    let max_total: i64 = b.get("max_total_spans_per_second")?;
    let _order: Vec<String> = b.get("policy_order")?;
    let subs = b.blocks("composite_sub_policy").map(sub_policy).collect::<Result<Vec<_>, _>>()?;
    let equal = max_total as f64 / subs.len() as f64;
    let mut allocations = HashMap::new();
    for allocation in b.blocks("rate_allocation") {
        let policy: String = allocation.get("policy")?;
        let percent: i64 = allocation.get("percent")?;
        let share = if percent > 0 { percent as f64 / 100.0 * max_total as f64 } else { equal };
        allocations.insert(policy, share);
    }
    let shares = subs.into_iter().map(|(name, policy)| Share {
        policy,
        allocated: allocations.get(&name).copied().unwrap_or(0.0) as i64,
        spent: 0,
    });
    Ok(Evaluator::Composite { max_total, second: u64::MAX, shares: shares.collect() })
}
