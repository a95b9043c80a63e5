//! A span while it runs, and what is kept of it when it ends. A span of
//! a trace the sampler dropped is empty and does nothing.

use std::sync::Arc;
use std::time::SystemTime;

use super::Tracer;

/// OpenTelemetry's span kinds that flow's spans use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    Internal,
    Client,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Str(String),
    Int(i64),
    Bool(bool),
}

/// How a span ended; `Unset` when nothing said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanStatus {
    Unset,
    Ok,
    Error(String),
}

/// A finished span.
#[derive(Debug, Clone)]
pub struct SpanRecord {
    pub trace_id: [u8; 16],
    pub span_id: [u8; 8],
    pub parent_span_id: Option<[u8; 8]>,
    pub name: &'static str,
    pub kind: SpanKind,
    pub start: SystemTime,
    pub end: SystemTime,
    pub attributes: Vec<(&'static str, AttrValue)>,
    pub status: SpanStatus,
}

/// A running span: ended (and queued for `write_to`) when dropped.
pub struct Span(Option<(Arc<Tracer>, SpanRecord)>);

impl Span {
    /// A span of a dropped trace.
    pub fn dropped() -> Span {
        Span(None)
    }

    pub(super) fn start(
        tracer: Arc<Tracer>,
        trace_id: [u8; 16],
        parent_span_id: Option<[u8; 8]>,
        name: &'static str,
        kind: SpanKind,
    ) -> Span {
        let now = SystemTime::now();
        Span(Some((
            tracer,
            SpanRecord {
                trace_id,
                span_id: random(),
                parent_span_id,
                name,
                kind,
                start: now,
                end: now,
                attributes: Vec::new(),
                status: SpanStatus::Unset,
            },
        )))
    }

    /// Whether the span is recorded (its trace was kept).
    pub fn is_recording(&self) -> bool {
        self.0.is_some()
    }

    /// A span inside this one, in the same trace (kept if this one is).
    pub fn child(&self, name: &'static str, kind: SpanKind) -> Span {
        match &self.0 {
            Some((tracer, parent)) => {
                Span::start(tracer.clone(), parent.trace_id, Some(parent.span_id), name, kind)
            }
            None => Span::dropped(),
        }
    }

    /// Sets an attribute; `value` is only computed for a recorded span.
    pub fn set(&mut self, key: &'static str, value: impl FnOnce() -> AttrValue) {
        if let Some((_, record)) = &mut self.0 {
            record.attributes.push((key, value()));
        }
    }

    pub fn set_status(&mut self, status: SpanStatus) {
        if let Some((_, record)) = &mut self.0 {
            record.status = status;
        }
    }

    /// Ok or the error's text, from a result.
    pub fn set_result<T, E: std::fmt::Display>(&mut self, result: &Result<T, E>) {
        match result {
            Ok(_) => self.set_status(SpanStatus::Ok),
            Err(e) => {
                if self.is_recording() {
                    self.set_status(SpanStatus::Error(e.to_string()));
                }
            }
        }
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some((tracer, mut record)) = self.0.take() {
            record.end = SystemTime::now();
            tracer.finished(record);
        }
    }
}

/// Random bytes for a trace or span id (never all zero, which OTLP
/// reads as no id).
pub(super) fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The system's generator does not fail where flow runs; were it to,
    // the id would still not be zero.
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    if bytes.iter().all(|&b| b == 0) {
        bytes[N - 1] = 1;
    }
    bytes
}
