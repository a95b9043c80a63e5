//! The other components of the config, as a tested component sees them:
//! each export it could refer to, by the schema's type. A receiver
//! catches what it is sent (that is the test's output); any other export
//! is the empty value of its type, since nothing runs to give it one.

use std::sync::Arc;

use parking_lot::Mutex;
use river_analyzer::schema::{registry, Handle, SchemaType};
use river_analyzer::{Object, Value};

use crate::logs::{Entry, LogsReceiver, LogsSink};
use crate::series::{Appender, MetricsReceiver, Sample};

/// Everything the stand-ins' receivers were sent.
#[derive(Default)]
pub(super) struct Caught {
    pub samples: Mutex<Vec<Sample>>,
    pub entries: Mutex<Vec<Entry>>,
}

impl Appender for Caught {
    fn append(&self, samples: &[Sample]) {
        self.samples.lock().extend_from_slice(samples);
    }
}

impl LogsSink for Caught {
    fn send(&self, entries: &[Entry]) {
        self.entries.lock().extend_from_slice(entries);
    }
}

/// The exports of a stand-in for a component called `name`.
pub(super) fn exports(name: &str, caught: &Arc<Caught>) -> Value {
    let Some(component) = registry().get(name) else { return Value::Object(Object::new()) };
    let fields =
        component.exports.iter().map(|field| (field.name.clone(), value(&field.ty, caught)));
    Value::Object(fields.collect())
}

fn value(ty: &SchemaType, caught: &Arc<Caught>) -> Value {
    match ty {
        SchemaType::Capsule(Handle::MetricsReceiver) => MetricsReceiver(caught.clone()).to_value(),
        SchemaType::Capsule(Handle::LogsReceiver) => LogsReceiver(caught.clone()).to_value(),
        SchemaType::String | SchemaType::Duration | SchemaType::OptionalSecret => {
            Value::String(String::new())
        }
        SchemaType::Secret => Value::Secret("".into()),
        SchemaType::Number => Value::Number(river_analyzer::value::Number::Int(0)),
        SchemaType::Bool => Value::Bool(false),
        SchemaType::List(_) => Value::Array(Vec::new()),
        SchemaType::Map(_) | SchemaType::Object => Value::Object(Object::new()),
        SchemaType::Any | SchemaType::Capsule(_) => Value::Null,
    }
}
