//! `stage.tenant`: sets the entry's tenant (the `__tenant_id__` label,
//! which `loki.write` sends as `X-Scope-OrgID`) from a fixed value, an
//! extracted value or a label; one of the three is required.

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{as_string, Item, Stage};

/// The reserved label of the entry's tenant.
pub const TENANT_LABEL: &str = "__tenant_id__";

enum From {
    Value(String),
    Source(String),
    Label(String),
}

pub struct Tenant {
    from: From,
}

impl Tenant {
    pub fn build(block: &Args) -> Result<Tenant, ArgError> {
        let label: String = block.get("label")?;
        let source: String = block.get("source")?;
        let value: String = block.get("value")?;
        let from = match (label.is_empty(), source.is_empty(), value.is_empty()) {
            (false, true, true) => From::Label(label),
            (true, false, true) => From::Source(source),
            (true, true, false) => From::Value(value),
            (true, true, true) => {
                return Err(block.invalid("value", "one of label, source or value is required"))
            }
            _ => {
                return Err(block.invalid("value", "only one of label, source or value may be set"))
            }
        };
        Ok(Tenant { from })
    }
}

impl Stage for Tenant {
    fn apply(&self, item: &mut Item) -> bool {
        let tenant = match &self.from {
            From::Value(value) => Some(value.clone()),
            From::Source(source) => item.extracted.get(source).and_then(as_string),
            From::Label(label) => item.entry.labels.get(label).map(str::to_owned),
        };
        if let Some(tenant) = tenant.filter(|t| !t.is_empty()) {
            item.entry.labels.set(TENANT_LABEL, &tenant);
        }
        true
    }
}
