//! `otelcol.auth.basic`, `otelcol.auth.bearer` and `otelcol.auth.headers`,
//! client side: each exports `handler` (an `otelcol.Handler` capsule that
//! stays the same while it runs) which the exporters' `auth` setting takes;
//! every request they send then carries the handler's current headers.
//! The server side the docs mention has no place to be used: no
//! receiver of the reference takes an `auth` handler (its gRPC and HTTP
//! server arguments leave auth out), nor does any here.

pub mod basic;
pub mod headers;

use std::sync::Arc;

use parking_lot::RwLock;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use river_analyzer::value::{DecodeError, FromValue};
use river_analyzer::Value;
use river_runtime::args::Args;
use river_runtime::error::Error;
use tonic::metadata::MetadataMap;

use crate::consumer::metadata;

/// What a rule does to a header the request may already have.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    /// Sets it only where it is missing.
    Insert,
    /// Replaces it only where it is present.
    Update,
    /// Sets it.
    Upsert,
    /// Removes it.
    Delete,
}

/// Where a header's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A fixed value.
    Value(HeaderValue),
    /// The client metadata key of the data being sent (kept by a
    /// receiver's `include_metadata`, and by `otelcol.processor.batch`
    /// for its `metadata_keys`); without it, the header is not set.
    FromContext(String),
    /// None (the schema requires one, so only a rule built by hand).
    None,
}

/// One header a handler sets (or removes).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: HeaderName,
    pub source: Source,
    pub action: Action,
}

impl Source {
    /// The value for the data being sent now, if any.
    fn value(&self) -> Result<Option<HeaderValue>, String> {
        match self {
            Source::Value(value) => Ok(Some(value.clone())),
            Source::None => Ok(None),
            Source::FromContext(key) => match metadata::current().get(key) {
                [] => Ok(None),
                [one] => HeaderValue::from_str(one).map(Some).map_err(|_| {
                    format!("the client metadata {key:?} is not a valid header value")
                }),
                many => Err(format!(
                    "{} values of the client metadata {key:?}: cannot tell which one to send",
                    many.len()
                )),
            },
        }
    }
}

/// The `handler` export: the rules of its component, as they are now.
#[derive(Clone, Default)]
pub struct Handler(pub Arc<RwLock<Arc<[Rule]>>>);

impl Handler {
    pub fn to_value(&self) -> Value {
        Value::Capsule("otelcol.Handler", Arc::new(self.clone()))
    }

    pub fn set(&self, rules: Vec<Rule>) {
        *self.0.write() = rules.into();
    }

    /// Applies the rules to an HTTP request's headers; an error when a
    /// header's value cannot be told (as the collector's headers setter).
    pub fn apply_http(&self, headers: &mut HeaderMap) -> Result<(), String> {
        let rules = self.0.read().clone();
        for rule in rules.iter() {
            let present = headers.contains_key(&rule.name);
            match (rule.action, rule.source.value()?) {
                (Action::Delete, _) => {
                    headers.remove(&rule.name);
                }
                (_, None) => {}
                (Action::Insert, Some(_)) if present => {}
                (Action::Update, Some(_)) if !present => {}
                (_, Some(value)) => {
                    headers.insert(rule.name.clone(), value);
                }
            }
        }
        Ok(())
    }

    /// Applies the rules to a gRPC request's metadata.
    pub fn apply_grpc(&self, metadata: &mut MetadataMap) -> Result<(), String> {
        let mut headers = std::mem::take(metadata).into_headers();
        let applied = self.apply_http(&mut headers);
        *metadata = MetadataMap::from_headers(headers);
        applied
    }
}

impl FromValue for Handler {
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        let found = || DecodeError(format!("expected otelcol.Handler, got {}", value.ty().name()));
        match value {
            Value::Capsule(_, inner) => inner.downcast_ref::<Handler>().cloned().ok_or_else(found),
            _ => Err(found()),
        }
    }
}

/// The `auth` setting of an exporter's `client` block: none, or the
/// handler of an `otelcol.auth.*` component.
pub fn from_client(client: &Args) -> Result<Option<Handler>, Error> {
    match client.value("auth")? {
        Value::Null => Ok(None),
        value => {
            Handler::from_value(&value).map(Some).map_err(|e| client.invalid("auth", e.0).into())
        }
    }
}

/// A header value as a request can carry it, refused at `setting` if not.
pub fn header_value(args: &Args, setting: &str, text: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(text)
        .map_err(|_| args.invalid(setting, "not a valid HTTP header value"))?;
    value.set_sensitive(true);
    Ok(value)
}
