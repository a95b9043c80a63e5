//! The `action` blocks: what each says (`attraction`'s actions), read and
//! checked as the collector checks them at load.

use opentelemetry_proto::tonic::common::v1::AnyValue;
use regex::Regex;
use river_analyzer::Value;
use river_runtime::args::{ArgError, Args};

use super::river_to_any;

#[derive(Debug, Clone)]
pub(super) enum Source {
    Value(AnyValue),
    Attribute(String),
    /// A client metadata key (`from_context = "metadata.<key>"`, or a
    /// bare key, as the collector falls back to metadata).
    Context(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Conversion {
    Int,
    Double,
    String,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
    Insert(Source),
    Update(Source),
    Upsert(Source),
    Delete(Option<Regex>),
    Hash(Option<Regex>),
    /// The pattern and its group names (all named).
    Extract(Regex),
    Convert(Conversion),
}

#[derive(Debug, Clone)]
pub(super) struct Action {
    pub(super) key: String,
    pub(super) kind: Kind,
}

/// An `action` block's settings, read once, with its place for errors.
struct Fields<'a> {
    block: &'a Args,
    /// Its index among the actions, as the collector's messages count.
    i: usize,
    name: String,
    key: String,
    value: Option<Value>,
    pattern: String,
    from_attribute: String,
    from_context: String,
    converted_type: String,
}

impl Fields<'_> {
    fn fail<T>(&self, setting: &str, message: String) -> Result<T, ArgError> {
        Err(self.block.invalid(setting, message))
    }

    /// How many of `value`, `from_attribute` and `from_context` are set.
    fn sources(&self) -> usize {
        self.value.is_some() as usize
            + !self.from_attribute.is_empty() as usize
            + !self.from_context.is_empty() as usize
    }

    fn no_converted_type(&self) -> Result<(), ArgError> {
        if self.converted_type.is_empty() {
            return Ok(());
        }
        let (name, i) = (&self.name, self.i);
        self.fail("converted_type", format!("action \"{name}\" does not use the \"converted_type\" field. This must not be specified for {i}-th action"))
    }

    fn compile(&self) -> Result<Regex, ArgError> {
        let (pattern, i) = (&self.pattern, self.i);
        Regex::new(pattern).map_err(|e| {
            self.block.invalid("pattern", format!("field \"pattern\" has invalid pattern: {pattern:?} to be set at the {i}-th actions: {e}"))
        })
    }
}

/// Reads action `i`, refusing what the collector refuses, with its words.
pub(super) fn action(block: &Args, i: usize) -> Result<Action, ArgError> {
    let f = Fields {
        block,
        i,
        name: block.require::<String>("action")?.to_lowercase(),
        key: block.require("key")?,
        value: Some(block.value("value")?).filter(|v| !matches!(v, Value::Null)),
        pattern: block.get("pattern")?,
        from_attribute: block.get("from_attribute")?,
        from_context: block.get("from_context")?,
        converted_type: block.get("converted_type")?,
    };
    check_key(&f)?;
    let kind = match f.name.as_str() {
        "insert" | "update" | "upsert" => valued(f.value.clone(), &f)?,
        "delete" | "hash" | "extract" | "convert" if f.sources() > 0 => {
            let name = &f.name;
            return f.fail("action", format!("action \"{name}\" does not use \"value\", \"from_attribute\" or \"from_context\" field. These must not be specified for {i}-th action"));
        }
        "delete" | "hash" => matching(&f)?,
        "extract" => extract(&f)?,
        "convert" => convert(&f)?,
        other => {
            return f.fail("action", format!("unsupported action {other:?} at the {i}-th actions"))
        }
    };
    Ok(Action { key: f.key, kind })
}

/// `key` is required, but for `delete` and `hash`, which may take a
/// `pattern` instead.
fn check_key(f: &Fields) -> Result<(), ArgError> {
    let (name, i) = (&f.name, f.i);
    match name.as_str() {
        "delete" | "hash" if f.key.is_empty() && f.pattern.is_empty() => f.fail("key", format!("either field \"key\" or \"pattern\" is required for action \"{name}\" at the {i}-th action")),
        "delete" | "hash" => Ok(()),
        _ if f.key.is_empty() => f.fail("key", format!("missing required field \"key\" at the {i}-th actions")),
        _ => Ok(()),
    }
}

/// `insert`, `update`, `upsert`: one value source, no pattern.
fn valued(value: Option<Value>, f: &Fields) -> Result<Kind, ArgError> {
    let (name, i) = (&f.name, f.i);
    match f.sources() {
        0 => return f.fail("action", format!("missing either \"value\", \"from_attribute\" or \"from_context\" field for action \"{name}\" at the {i}-th actions")),
        1 => {}
        _ => return f.fail("action", format!("multiple value sources being set at the {i}-th actions")),
    }
    if !f.pattern.is_empty() {
        return f.fail("pattern", format!("action \"{name}\" does not use the \"pattern\" field. This must not be specified for {i}-th action"));
    }
    f.no_converted_type()?;
    let source = match value {
        Some(v) => Source::Value(river_to_any(&v)),
        None if f.from_context.is_empty() => Source::Attribute(f.from_attribute.clone()),
        None => context(f)?,
    };
    Ok(match name.as_str() {
        "insert" => Kind::Insert(source),
        "update" => Kind::Update(source),
        _ => Kind::Upsert(source),
    })
}

/// `from_context`: client metadata (kept by a receiver's
/// `include_metadata`). The client's address and what server auth
/// learnt are not kept with the data here: refused.
fn context(f: &Fields) -> Result<Source, ArgError> {
    let key = f.from_context.as_str();
    if key == "client.address" || key.starts_with("auth.") {
        let why = format!(
            "{key:?}: only client metadata (metadata.<key>) travels with the data in this \
             build; the client's address and server auth attributes do not"
        );
        return f.fail("from_context", why);
    }
    Ok(Source::Context(key.strip_prefix("metadata.").unwrap_or(key).to_owned()))
}

/// `delete` and `hash`: by key, or by pattern.
fn matching(f: &Fields) -> Result<Kind, ArgError> {
    f.no_converted_type()?;
    let regex = (!f.pattern.is_empty()).then(|| f.compile()).transpose()?;
    Ok(if f.name == "delete" { Kind::Delete(regex) } else { Kind::Hash(regex) })
}

/// `extract`: a pattern whose groups are all named.
fn extract(f: &Fields) -> Result<Kind, ArgError> {
    let (name, i) = (&f.name, f.i);
    if f.pattern.is_empty() {
        return f.fail(
            "pattern",
            format!(
                "missing required field \"pattern\" for action \"{name}\" at the {i}-th action"
            ),
        );
    }
    f.no_converted_type()?;
    let regex = f.compile()?;
    let names: Vec<Option<&str>> = regex.capture_names().skip(1).collect();
    if names.is_empty() {
        return f.fail(
            "pattern",
            format!("field \"pattern\" contains no named matcher groups at the {i}-th actions"),
        );
    }
    if names.iter().any(Option::is_none) {
        return f.fail("pattern", format!("field \"pattern\" contains at least one unnamed matcher group at the {i}-th actions"));
    }
    Ok(Kind::Extract(regex))
}

/// `convert`: to `int`, `double` or `string`.
fn convert(f: &Fields) -> Result<Kind, ArgError> {
    let (name, i) = (&f.name, f.i);
    if !f.pattern.is_empty() {
        return f.fail("pattern", format!("action \"{name}\" does not use \"value\", \"pattern\" or \"from_attribute\" field. These must not be specified for {i}-th action"));
    }
    Ok(Kind::Convert(match f.converted_type.as_str() {
        "int" => Conversion::Int,
        "double" => Conversion::Double,
        "string" => Conversion::String,
        "" => return f.fail("converted_type", format!("missing required field \"converted_type\" for action \"{name}\" at the {i}-th action")),
        other => return f.fail("converted_type", format!("invalid value {other:?} in field \"converted_type\" for action \"{name}\" at the {i}-th action")),
    }))
}
