//! `stage.drop`: drops entries that meet every condition given: longer
//! than `longer_than`, older than `older_than`, extracted `source` values
//! present (equal to `value`, or matching `expression`), or a line that
//! matches `expression`. Counted in `loki_process_dropped_lines_total`
//! under `drop_counter_reason`.

use std::time::{Duration, SystemTime};

use river_analyzer::Value;
use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{as_string, Item, Shared, Stage};

pub struct Drop {
    sources: Vec<String>,
    separator: String,
    expression: Option<::regex::Regex>,
    older_than: Option<Duration>,
    longer_than: Option<usize>,
    reason: String,
    shared: Shared,
}

impl Drop {
    pub fn build(block: &Args, shared: &Shared) -> Result<Drop, ArgError> {
        let source: String = block.get("source")?;
        let expression: String = block.get("expression")?;
        let value: String = block.get("value")?;
        let older_than = older_than(block)?;
        let longer_than = longer_than(block)?;
        if source.is_empty()
            && expression.is_empty()
            && older_than.is_none()
            && longer_than.is_none()
        {
            return Err(block.invalid(
                "source",
                "one of source, expression, older_than or longer_than is required",
            ));
        }
        if !value.is_empty() && !expression.is_empty() {
            return Err(block.invalid("value", "value and expression cannot both be set"));
        }
        if !value.is_empty() && source.is_empty() {
            return Err(block.invalid("value", "value requires source"));
        }
        // A value is an expression matching exactly it, as the reference
        // turns it into one.
        let expression = match (expression.as_str(), value.as_str()) {
            ("", "") => None,
            ("", value) => {
                Some(super::go_regex(block, "value", &format!("^{}$", ::regex::escape(value)))?)
            }
            (text, _) => Some(super::go_regex(block, "expression", text)?),
        };
        Ok(Drop {
            sources: sources(&source),
            separator: block.get("separator")?,
            expression,
            older_than,
            longer_than,
            reason: reason(block)?,
            shared: shared.clone(),
        })
    }

    /// Whether every condition holds, as the reference checks them.
    fn should_drop(&self, item: &Item) -> bool {
        if self.longer_than.is_some_and(|max| item.entry.line.len() <= max) {
            return false;
        }
        if let Some(age) = self.older_than {
            let limit = SystemTime::now().checked_sub(age).unwrap_or(SystemTime::UNIX_EPOCH);
            if item.entry.timestamp >= limit {
                return false;
            }
        }
        match (&self.expression, self.sources.is_empty()) {
            (None, true) => true,
            // Sources alone: every one must have been extracted.
            (None, false) => self.sources.iter().all(|s| item.extracted.contains_key(s)),
            (Some(re), true) => re.is_match(&item.entry.line),
            (Some(re), false) => self.joined(item).is_some_and(|joined| re.is_match(&joined)),
        }
    }

    /// The values of the sources that were extracted, joined by the
    /// separator (missing ones left out, as the reference does); `None`
    /// when one is not text.
    fn joined(&self, item: &Item) -> Option<String> {
        let mut values = Vec::new();
        for source in &self.sources {
            if let Some(value) = item.extracted.get(source) {
                values.push(as_string(value)?);
            }
        }
        Some(values.join(&self.separator))
    }
}

/// `source` as a list: names separated by commas, as written.
fn sources(source: &str) -> Vec<String> {
    if source.is_empty() {
        return Vec::new();
    }
    source.split(',').map(str::to_owned).collect()
}

impl Stage for Drop {
    fn apply(&self, item: &mut Item) -> bool {
        if self.should_drop(item) {
            self.shared.drop_one(&self.reason);
            return false;
        }
        true
    }
}

/// `longer_than` in bytes, where `""` means none.
fn longer_than(block: &Args) -> Result<Option<usize>, ArgError> {
    match block.get::<String>("longer_than")?.as_str() {
        "" => Ok(None),
        text => base2_bytes(text).map(Some).ok_or_else(|| {
            block.invalid("longer_than", format!("{text:?} is not a size (such as 8KB)"))
        }),
    }
}

/// `drop_counter_reason`; empty means the default, as in the reference.
fn reason(block: &Args) -> Result<String, ArgError> {
    let reason: String = block.get("drop_counter_reason")?;
    Ok(if reason.is_empty() { "drop_stage".to_owned() } else { reason })
}

/// `older_than`, where the registry's default `""` means none.
fn older_than(block: &Args) -> Result<Option<Duration>, ArgError> {
    match block.value("older_than")? {
        Value::Null => Ok(None),
        Value::String(text) if text.is_empty() => Ok(None),
        _ => Ok(block.opt::<Duration>("older_than")?.filter(|d| !d.is_zero())),
    }
}

/// A size with base-2 units (`8KB` is 8192 bytes), as the reference's
/// `units.ParseBase2Bytes`.
pub fn base2_bytes(text: &str) -> Option<usize> {
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let power = match unit {
        "" | "B" => 0,
        "KB" | "KiB" => 1,
        "MB" | "MiB" => 2,
        "GB" | "GiB" => 3,
        "TB" | "TiB" => 4,
        "PB" | "PiB" => 5,
        _ => return None,
    };
    Some((number * 1024f64.powi(power)) as usize)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_are_base_two() {
        assert_eq!(super::base2_bytes("8KB"), Some(8192));
        assert_eq!(super::base2_bytes("1MiB"), Some(1 << 20));
        assert_eq!(super::base2_bytes("100"), Some(100));
        assert_eq!(super::base2_bytes("lots"), None);
    }
}
