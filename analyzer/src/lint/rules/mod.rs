//! Every lint rule: one file each, holding its metadata, its docs (with an
//! invalid and a valid example that the tests run) and its check.

pub mod dependency_cycle;
pub mod deprecated;
pub mod duplicate_attribute;
pub mod duplicate_label;
pub mod eval_error;
pub mod invalid_duration;
pub mod invalid_label_name;
pub mod invalid_regex;
pub mod invalid_value;
pub mod missing_label;
pub mod missing_required;
pub mod mutually_exclusive;
pub mod repeated_block;
pub mod syntax_error;
pub mod type_mismatch;
pub mod undefined_reference;
pub mod unexpected_label;
pub mod unknown_argument;
pub mod unknown_block;
pub mod unknown_component;
pub mod unknown_export;
pub mod unknown_function;
pub mod unused_component;
pub mod wrong_arity;

use river_syntax::ast::{self, AstNode};

use super::context::Cx;
pub use super::rule::{FixKind, Rule};
use crate::schema::Argument;

/// Every rule, in id order.
pub static RULES: &[&Rule] = &[
    &dependency_cycle::RULE,
    &deprecated::RULE,
    &duplicate_attribute::RULE,
    &duplicate_label::RULE,
    &eval_error::RULE,
    &invalid_duration::RULE,
    &invalid_label_name::RULE,
    &invalid_regex::RULE,
    &invalid_value::RULE,
    &missing_label::RULE,
    &missing_required::RULE,
    &mutually_exclusive::RULE,
    &repeated_block::RULE,
    &syntax_error::RULE,
    &type_mismatch::RULE,
    &undefined_reference::RULE,
    &unexpected_label::RULE,
    &unknown_argument::RULE,
    &unknown_block::RULE,
    &unknown_component::RULE,
    &unknown_export::RULE,
    &unknown_function::RULE,
    &unused_component::RULE,
    &wrong_arity::RULE,
];

/// A rule by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// The checks on one attribute's value against its argument's schema:
/// its type, then, where the value is known before running, what it holds.
pub(crate) fn value_checks(
    cx: &mut Cx,
    argument: &Argument,
    attribute: &ast::Attribute,
    path: &str,
) {
    deprecated::check_argument(cx, argument, attribute);
    let Some(value) = attribute.value() else { return };
    if !type_mismatch::check(cx, argument, &value, path) {
        return;
    }
    match super::fold::fold(&value) {
        Some(Ok(folded)) => {
            invalid_duration::check(cx, argument, &value, &folded);
            invalid_value::check(cx, argument, &value, &folded);
            invalid_regex::check(cx, argument, &value, &folded, path);
            invalid_label_name::check(cx, argument, &value, &folded);
        }
        Some(Err(error)) => eval_error::report(cx, &error),
        None => {}
    }
    let _ = value.syntax();
}
