//! Every lint rule: one file each, holding its metadata, its docs (with an
//! invalid and a valid example that the tests run) and its hook.

pub mod component_refused;
pub mod dependency_cycle;
pub mod deprecated;
pub mod duplicate_attribute;
pub mod duplicate_label;
pub mod eval_error;
pub mod invalid_duration;
pub mod invalid_label_name;
pub mod invalid_module;
pub mod invalid_ottl;
pub mod invalid_regex;
pub mod invalid_selector;
pub mod invalid_template;
pub mod invalid_time_layout;
pub mod invalid_value;
pub mod missing_label;
pub mod missing_required;
pub mod mutually_exclusive;
pub mod not_runnable;
pub mod repeated_block;
pub mod syntax_error;
pub mod type_mismatch;
pub mod undefined_reference;
pub mod unexpected_label;
pub mod unknown_argument;
pub mod unknown_block;
pub mod unknown_component;
pub mod unknown_export;
pub mod unknown_field;
pub mod unknown_function;
pub mod unused_component;
pub mod wrong_arity;

pub use super::rule::{Check, FixKind, Rule};

/// Every rule, in id order.
pub static RULES: &[&Rule] = &[
    &component_refused::RULE,
    &dependency_cycle::RULE,
    &deprecated::RULE,
    &duplicate_attribute::RULE,
    &duplicate_label::RULE,
    &eval_error::RULE,
    &invalid_duration::RULE,
    &invalid_label_name::RULE,
    &invalid_module::RULE,
    &invalid_ottl::RULE,
    &invalid_regex::RULE,
    &invalid_selector::RULE,
    &invalid_template::RULE,
    &invalid_time_layout::RULE,
    &invalid_value::RULE,
    &missing_label::RULE,
    &missing_required::RULE,
    &mutually_exclusive::RULE,
    &not_runnable::RULE,
    &repeated_block::RULE,
    &syntax_error::RULE,
    &type_mismatch::RULE,
    &undefined_reference::RULE,
    &unexpected_label::RULE,
    &unknown_argument::RULE,
    &unknown_block::RULE,
    &unknown_component::RULE,
    &unknown_export::RULE,
    &unknown_field::RULE,
    &unknown_function::RULE,
    &unused_component::RULE,
    &wrong_arity::RULE,
];

/// A rule by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}
