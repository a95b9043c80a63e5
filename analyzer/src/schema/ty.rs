//! The types that schemas give arguments and exports.
//!
//! They are the types the reference documents (`list(map(string))`,
//! `duration`, `secret`, `MetricsReceiver`, ...), parsed once into a tree so
//! that the linter can compare them with what an expression produces. The
//! receivers and handles that connect components are first-class: a logs
//! receiver is not a metrics receiver, although both are capsules at run time.

use std::fmt;

/// A type as a schema declares it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SchemaType {
    /// Any value at all.
    Any,
    String,
    Number,
    Bool,
    /// A string that must decode as a Go duration (`"1m30s"`).
    Duration,
    /// A secret; plain strings convert to it, never the other way.
    Secret,
    /// A string that is secret or not depending on settings (`content` of
    /// `local.file` with `is_secret`): usable as a string until it is one.
    OptionalSecret,
    List(Box<SchemaType>),
    Map(Box<SchemaType>),
    /// An object whose keys the schema does not list.
    Object,
    /// A value that only components create and pass around.
    Capsule(Handle),
}

/// The opaque values that wire components together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Handle {
    MetricsReceiver,
    LogsReceiver,
    ProfilesReceiver,
    /// `otelcol.Consumer`: takes OpenTelemetry metrics, logs or traces.
    OtelConsumer,
    /// `capsule(otelcol.Handler)`: an `otelcol.auth.*` or extension handler.
    OtelHandler,
    RelabelRules,
}

impl Handle {
    const ALL: [Handle; 6] = [
        Handle::MetricsReceiver,
        Handle::LogsReceiver,
        Handle::ProfilesReceiver,
        Handle::OtelConsumer,
        Handle::OtelHandler,
        Handle::RelabelRules,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Handle::MetricsReceiver => "MetricsReceiver",
            Handle::LogsReceiver => "LogsReceiver",
            Handle::ProfilesReceiver => "ProfilesReceiver",
            Handle::OtelConsumer => "otelcol.Consumer",
            Handle::OtelHandler => "capsule(otelcol.Handler)",
            Handle::RelabelRules => "RelabelRules",
        }
    }
}

impl SchemaType {
    /// Parses the canonical spelling that `Display` writes, plus the other
    /// spellings the reference docs use for the same types (`boolean`,
    /// `int`, `array(T)`, `Targets`, `string or secret`, ...).
    pub fn parse(text: &str) -> Result<SchemaType, String> {
        let text = text.trim();
        if let Some(handle) = Handle::ALL.iter().find(|h| h.name() == text) {
            return Ok(SchemaType::Capsule(*handle));
        }
        let simple = match text {
            "any" => Some(SchemaType::Any),
            "string" => Some(SchemaType::String),
            "number" | "int" | "uint" | "uint32" | "float" | "float32" => Some(SchemaType::Number),
            "bool" | "boolean" => Some(SchemaType::Bool),
            "duration" => Some(SchemaType::Duration),
            "secret" | "Secret" => Some(SchemaType::Secret),
            "string or secret" | "secret or string" => Some(SchemaType::OptionalSecret),
            "object" => Some(SchemaType::Object),
            "Targets" => Some(SchemaType::list(SchemaType::map(SchemaType::String))),
            _ => None,
        };
        if let Some(ty) = simple {
            return Ok(ty);
        }
        let inner = |prefix: &str| text.strip_prefix(prefix).and_then(|r| r.strip_suffix(')'));
        if let Some(item) = inner("list(").or_else(|| inner("array(")) {
            return Ok(SchemaType::list(SchemaType::parse(item)?));
        }
        if let Some(value) = inner("map(") {
            return Ok(SchemaType::map(SchemaType::parse(value)?));
        }
        Err(format!("unknown type `{text}`"))
    }

    pub fn list(item: SchemaType) -> SchemaType {
        SchemaType::List(Box::new(item))
    }

    pub fn map(value: SchemaType) -> SchemaType {
        SchemaType::Map(Box::new(value))
    }

    /// The handle inside this type (`list(LogsReceiver)` gives `LogsReceiver`).
    pub fn handle(&self) -> Option<Handle> {
        match self {
            SchemaType::Capsule(handle) => Some(*handle),
            SchemaType::List(inner) | SchemaType::Map(inner) => inner.handle(),
            _ => None,
        }
    }
}

impl fmt::Display for SchemaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaType::Any => f.write_str("any"),
            SchemaType::String => f.write_str("string"),
            SchemaType::Number => f.write_str("number"),
            SchemaType::Bool => f.write_str("bool"),
            SchemaType::Duration => f.write_str("duration"),
            SchemaType::Secret => f.write_str("secret"),
            SchemaType::OptionalSecret => f.write_str("string or secret"),
            SchemaType::List(item) => write!(f, "list({item})"),
            SchemaType::Map(value) => write!(f, "map({value})"),
            SchemaType::Object => f.write_str("object"),
            SchemaType::Capsule(handle) => f.write_str(handle.name()),
        }
    }
}

impl serde::Serialize for SchemaType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for SchemaType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        SchemaType::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_spellings_round_trip() {
        for text in [
            "any",
            "list(map(string))",
            "map(list(secret))",
            "list(MetricsReceiver)",
            "otelcol.Consumer",
            "capsule(otelcol.Handler)",
            "RelabelRules",
            "duration",
        ] {
            assert_eq!(SchemaType::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn docs_spellings_are_normalised() {
        assert_eq!(SchemaType::parse("boolean"), Ok(SchemaType::Bool));
        assert_eq!(SchemaType::parse("uint"), Ok(SchemaType::Number));
        assert_eq!(SchemaType::parse("array(string)").unwrap().to_string(), "list(string)");
        assert_eq!(SchemaType::parse("Targets").unwrap().to_string(), "list(map(string))");
        assert_eq!(SchemaType::parse("string or secret"), Ok(SchemaType::OptionalSecret));
        assert!(SchemaType::parse("list(widget)").is_err());
    }

    #[test]
    fn receivers_are_told_apart() {
        let logs = SchemaType::parse("list(LogsReceiver)").unwrap();
        let metrics = SchemaType::parse("list(MetricsReceiver)").unwrap();
        assert_eq!(logs.handle(), Some(Handle::LogsReceiver));
        assert_ne!(logs, metrics);
    }
}
