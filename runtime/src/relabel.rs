//! Relabelling, as Prometheus does it, in one place for `discovery.relabel`,
//! `prometheus.relabel`, scrape targets and remote write: every action of
//! the reference, regexes anchored at both ends, with Go's meaning of
//! `\d`, `\w`, `\s` and `\b` (ASCII only).

use regex::Regex;
use river_analyzer::go;
use river_analyzer::value::{DecodeError, FromValue};
use river_analyzer::Value;

use crate::args::{self, ArgError, Args};
use crate::labels::Labels;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Replace,
    Keep,
    Drop,
    KeepEqual,
    DropEqual,
    HashMod,
    LabelMap,
    LabelDrop,
    LabelKeep,
    Lowercase,
    Uppercase,
}

impl Action {
    fn parse(name: &str) -> Option<Action> {
        Some(match name.to_ascii_lowercase().as_str() {
            "replace" => Action::Replace,
            "keep" => Action::Keep,
            "drop" => Action::Drop,
            "keepequal" => Action::KeepEqual,
            "dropequal" => Action::DropEqual,
            "hashmod" => Action::HashMod,
            "labelmap" => Action::LabelMap,
            "labeldrop" => Action::LabelDrop,
            "labelkeep" => Action::LabelKeep,
            "lowercase" => Action::Lowercase,
            "uppercase" => Action::Uppercase,
            _ => return None,
        })
    }
}

/// One rule, ready to apply.
#[derive(Debug, Clone)]
pub struct Rule {
    pub source_labels: Vec<String>,
    pub separator: String,
    pub regex: Regex,
    pub modulus: u64,
    pub target_label: String,
    pub replacement: String,
    pub action: Action,
}

impl Rule {
    /// A rule from a `rule` block's values, with the reference's defaults
    /// and checks (a `hashmod` needs a modulus, `replace` a target, ...).
    pub fn from_args(block: &Args) -> Result<Rule, ArgError> {
        let action_name: String = block.get("action")?;
        let action = Action::parse(&action_name).ok_or_else(|| {
            block.invalid("action", format!("unknown relabel action {action_name:?}"))
        })?;
        let pattern: String = block.get("regex")?;
        let rule = Rule {
            source_labels: block.get("source_labels")?,
            separator: block.get("separator")?,
            regex: go_regex(&pattern)
                .map_err(|e| block.invalid("regex", format!("invalid regex {pattern:?}: {e}")))?,
            modulus: block.get::<u64>("modulus")?,
            target_label: block.get("target_label")?,
            replacement: block.get("replacement")?,
            action,
        };
        rule.validate().map_err(|(setting, message)| block.invalid(setting, message))?;
        Ok(rule)
    }

    /// The reference's checks: which setting is wrong, and why.
    fn validate(&self) -> Result<(), (&'static str, String)> {
        let needs_target = matches!(
            self.action,
            Action::Replace
                | Action::HashMod
                | Action::Lowercase
                | Action::Uppercase
                | Action::KeepEqual
                | Action::DropEqual
        );
        if needs_target && self.target_label.is_empty() {
            let message = format!("relabel action {:?} needs a target_label", self.action);
            return Err(("target_label", message));
        }
        if self.action == Action::HashMod && self.modulus == 0 {
            return Err((
                "modulus",
                "relabel action hashmod needs a modulus greater than 0".into(),
            ));
        }
        Ok(())
    }
}

/// Rules from a list of `rule` blocks.
pub fn rules_from(blocks: &[Args]) -> Result<Vec<Rule>, ArgError> {
    blocks.iter().map(Rule::from_args).collect()
}

/// Rules handed from one component to another (`discovery.relabel`'s
/// `rules` export), as a capsule.
#[derive(Debug, Clone, Default)]
pub struct RelabelRules(pub std::sync::Arc<Vec<Rule>>);

impl FromValue for RelabelRules {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(RelabelRules::default()),
            Value::Capsule(_, inner) => inner
                .downcast_ref::<RelabelRules>()
                .cloned()
                .ok_or_else(|| args::decode_error("relabel rules", value)),
            _ => Err(args::decode_error("relabel rules", value)),
        }
    }
}

/// Compiles a Go (RE2) pattern as Prometheus does: anchored at both ends,
/// with the ASCII meaning of the Perl classes.
pub fn go_regex(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&format!("^(?:{})$", river_analyzer::go::regex::translate(pattern)))
}

/// Applies `rules` in order; `None` when a rule drops the label set.
pub fn process(labels: &Labels, rules: &[Rule]) -> Option<Labels> {
    let mut builder = labels.clone();
    for rule in rules {
        if !apply(&mut builder, rule) {
            return None;
        }
    }
    Some(builder)
}

/// One rule; false when it drops the label set.
fn apply(labels: &mut Labels, rule: &Rule) -> bool {
    let value = || {
        let values: Vec<&str> =
            rule.source_labels.iter().map(|n| labels.get(n).unwrap_or("")).collect();
        values.join(&rule.separator)
    };
    match rule.action {
        Action::Drop => return !rule.regex.is_match(&value()),
        Action::Keep => return rule.regex.is_match(&value()),
        Action::DropEqual => return labels.get(&rule.target_label).unwrap_or("") != value(),
        Action::KeepEqual => return labels.get(&rule.target_label).unwrap_or("") == value(),
        Action::Replace => replace(labels, rule, &value()),
        Action::Lowercase => labels.set(&rule.target_label, &go::case::to_lower(&value())),
        Action::Uppercase => labels.set(&rule.target_label, &go::case::to_upper(&value())),
        Action::HashMod => {
            let digest = md5::compute(value().as_bytes());
            let tail = u64::from_be_bytes(digest.0[8..].try_into().expect("eight bytes"));
            labels.set(&rule.target_label, &(tail % rule.modulus).to_string());
        }
        Action::LabelMap => {
            let mapped: Vec<(String, String)> = labels
                .iter()
                .filter(|(name, _)| rule.regex.is_match(name))
                .map(|(name, value)| {
                    (
                        rule.regex.replace_all(name, rule.replacement.as_str()).into_owned(),
                        value.to_owned(),
                    )
                })
                .collect();
            for (name, value) in mapped {
                labels.set(&name, &value);
            }
        }
        Action::LabelDrop => labels.retain(|name| !rule.regex.is_match(name)),
        Action::LabelKeep => labels.retain(|name| rule.regex.is_match(name)),
    }
    true
}

fn replace(labels: &mut Labels, rule: &Rule, value: &str) {
    let Some(captures) = rule.regex.captures(value) else { return };
    let mut target = String::new();
    captures.expand(&rule.target_label, &mut target);
    if !is_label_name(&target) {
        return;
    }
    let mut result = String::new();
    captures.expand(&rule.replacement, &mut result);
    if result.is_empty() {
        labels.remove(&target);
    } else {
        labels.set(&target, &result);
    }
}

/// Prometheus's label names: `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests;
