//! `otelcol.auth.basic`, `otelcol.auth.bearer` and `otelcol.auth.headers`,
//! client side: each exports `handler` (an `otelcol.Handler` capsule that
//! stays the same while it runs) which the exporters' `auth` setting takes;
//! every request they send then carries the handler's current headers.
//! Server side (a receiver's `auth`) is not supported by this build.

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

/// One header a handler sets (or removes); `None`: no value (a
/// `from_context` header, without request metadata here), the rule
/// does nothing but delete.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: HeaderName,
    pub value: Option<HeaderValue>,
    pub action: Action,
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

    /// Applies the rules to an HTTP request's headers.
    pub fn apply_http(&self, headers: &mut HeaderMap) {
        let rules = self.0.read().clone();
        for rule in rules.iter() {
            let present = headers.contains_key(&rule.name);
            match (rule.action, &rule.value) {
                (Action::Delete, _) => {
                    headers.remove(&rule.name);
                }
                (_, None) => {}
                (Action::Insert, Some(_)) if present => {}
                (Action::Update, Some(_)) if !present => {}
                (_, Some(value)) => {
                    headers.insert(rule.name.clone(), value.clone());
                }
            }
        }
    }

    /// Applies the rules to a gRPC request's metadata.
    pub fn apply_grpc(&self, metadata: &mut MetadataMap) {
        let mut headers = std::mem::take(metadata).into_headers();
        self.apply_http(&mut headers);
        *metadata = MetadataMap::from_headers(headers);
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
