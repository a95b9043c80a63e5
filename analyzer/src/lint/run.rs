//! Running the rules: each kind of context, once computed by the walk, is
//! handed to every rule of that kind in `RULES` order, each with a
//! [`Report`] bound to it.

use super::context::{AttributeCx, BlockCx, FileCx, ItemCx};
use super::finding::Finding;
use super::rule::{Check, Report};
use super::rules::RULES;
use crate::db::Config;

/// Runs every rule whose hook `hook_of` picks on `cx`, each with a report
/// bound to it.
fn run<C: ?Sized>(
    cx: &C,
    out: &mut Vec<Finding>,
    hook_of: impl Fn(Check) -> Option<fn(&C, &mut Report<'_>)>,
) {
    for rule in RULES {
        if let Some(hook) = hook_of(rule.check) {
            hook(cx, &mut Report::new(rule, out));
        }
    }
}

pub(super) fn file(cx: &FileCx<'_>, out: &mut Vec<Finding>) {
    run(cx, out, |c| if let Check::File(hook) = c { Some(hook) } else { None });
}

pub(super) fn item(cx: &ItemCx<'_>, out: &mut Vec<Finding>) {
    run(cx, out, |c| if let Check::Item(hook) = c { Some(hook) } else { None });
}

pub(super) fn block(cx: &BlockCx<'_>, out: &mut Vec<Finding>) {
    run(cx, out, |c| if let Check::Block(hook) = c { Some(hook) } else { None });
}

pub(super) fn attribute(cx: &AttributeCx<'_>, out: &mut Vec<Finding>) {
    run(cx, out, |c| if let Check::Attribute(hook) = c { Some(hook) } else { None });
}

pub(super) fn config(db: &dyn salsa::Database, config: Config, out: &mut Vec<Finding>) {
    for rule in RULES {
        if let Check::Config(hook) = rule.check {
            hook(db, config, &mut Report::new(rule, out));
        }
    }
}
