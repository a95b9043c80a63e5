//! What a converter is handed besides the settings: its label, its
//! consumers and the converted extensions. Apart from the table of
//! converters, so that converters and table do not import each other.

use std::cell::RefCell;

use super::encode::Body;
use super::pipeline::{Signal, SIGNALS};
use crate::river::{Block, Value};

/// What a converter needs besides the settings.
pub(crate) struct Ctx<'a> {
    pub flow: &'static str,
    pub label: String,
    /// The consumers of each signal, as `otelcol.x.y.label.input` references.
    pub next: [Vec<Value>; 3],
    /// Converted extensions: Collector id and Flow `name.label`.
    pub extensions: &'a [(String, String)],
    /// Blocks written just before the component's own: static mode's
    /// components become several (discoveries ahead of
    /// `otelcol.processor.discovery`, a relabel ahead of its exporter).
    pub before: RefCell<Vec<Block>>,
}

impl Ctx<'_> {
    /// The component's block, labelled.
    pub fn body(&self) -> Body {
        Body::labelled(self.flow, &self.label)
    }

    /// The `output` block with the consumers of `signals` (each listed,
    /// even when empty, as the reference does).
    pub fn output(&self, signals: &[Signal]) -> Body {
        let mut out = Body::new("output");
        for signal in SIGNALS.iter().filter(|s| signals.contains(s)) {
            out.raw(signal.name(), Value::List(self.next[*signal as usize].clone()));
        }
        out
    }

    /// Puts `block` ahead of the component's own.
    pub fn ahead(&self, block: Block) {
        self.before.borrow_mut().push(block);
    }

    /// The Flow reference to extension `id`'s export `what`.
    pub fn extension(&self, id: &str, what: &str) -> Option<Value> {
        let (_, name) = self.extensions.iter().find(|(i, _)| i == id)?;
        Some(Value::Ref(format!("{name}.{what}")))
    }
}
