//! The wire reader against prost itself: random requests made from the
//! schema (known fields, unknown ones, groups, packed and unpacked
//! numbers, wrong wire types, bad UTF-8, cut and flipped bytes) must be
//! refused by both or counted alike.

use super::schema::{LOGS, METRICS, TRACES};
use super::*;
use crate::consumer::Data;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message as _;

fn prost_items(signal: Signal, bytes: &[u8]) -> Result<usize, prost::DecodeError> {
    Ok(match signal {
        Signal::Traces => Data::Traces(ExportTraceServiceRequest::decode(bytes)?),
        Signal::Metrics => Data::Metrics(ExportMetricsServiceRequest::decode(bytes)?),
        Signal::Logs => Data::Logs(ExportLogsServiceRequest::decode(bytes)?),
    }
    .items())
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_key(out: &mut Vec<u8>, tag: u32, wire: u8) {
    put_varint(out, (u64::from(tag) << 3) | u64::from(wire));
}

struct Gen(fastrand::Rng);

impl Gen {
    fn chance(&mut self, percent: u8) -> bool {
        self.0.u8(0..100) < percent
    }

    fn bytes(&mut self, utf8: bool) -> Vec<u8> {
        let mut b: Vec<u8> = (0..self.0.usize(0..12)).map(|_| self.0.u8(b'a'..=b'z')).collect();
        if !utf8 || self.chance(3) {
            b.push(if self.chance(50) { 0xff } else { self.0.u8(..) });
        }
        b
    }

    fn scalar(&mut self, out: &mut Vec<u8>, wire: u8) {
        match wire {
            VARINT if self.chance(1) => out.extend([0xff; 10]),
            VARINT => put_varint(out, self.0.u64(..) >> self.0.u32(0..64)),
            FIXED32 => out.extend(self.0.u32(..).to_le_bytes()),
            _ => out.extend(self.0.u64(..).to_le_bytes()),
        }
    }

    fn delimited(&mut self, out: &mut Vec<u8>, body: &[u8]) {
        put_varint(out, body.len() as u64);
        out.extend_from_slice(body);
    }

    /// A field prost may not know: any tag, any wire type, groups.
    fn unknown(&mut self, out: &mut Vec<u8>, depth: u32) {
        let tag = self.0.u32(1..20);
        let wire =
            [VARINT, FIXED64, LEN, START_GROUP, FIXED32, END_GROUP, 6, 7][self.0.usize(0..8)];
        if wire >= END_GROUP && wire != FIXED32 && !self.chance(10) {
            return;
        }
        put_key(out, tag, wire);
        match wire {
            LEN => {
                let body = self.bytes(false);
                self.delimited(out, &body)
            }
            START_GROUP => {
                for _ in 0..self.0.usize(0..3).min(3 - depth.min(3) as usize) {
                    self.unknown(out, depth + 1);
                }
                let end = if self.chance(95) { tag } else { tag + 1 };
                put_key(out, end, END_GROUP);
            }
            VARINT | FIXED32 | FIXED64 => self.scalar(out, wire),
            _ => {}
        }
    }

    fn field(&mut self, out: &mut Vec<u8>, tag: u32, kind: Kind, depth: u32) {
        let wire = match kind {
            Kind::Varint => VARINT,
            Kind::Fixed32 => FIXED32,
            Kind::Fixed64 => FIXED64,
            Kind::Repeated(one) if self.chance(50) => one,
            _ => LEN,
        };
        // Now and then the wrong wire type for a known field.
        let wire =
            if self.chance(2) { [VARINT, FIXED64, LEN, FIXED32][self.0.usize(0..4)] } else { wire };
        put_key(out, tag, wire);
        match (kind, wire) {
            (_, VARINT | FIXED32 | FIXED64) => self.scalar(out, wire),
            (Kind::Message(s) | Kind::Item(s), _) => {
                let body = self.message(s, depth + 1);
                self.delimited(out, &body)
            }
            (Kind::Repeated(one), _) => {
                let mut body = Vec::new();
                for _ in 0..self.0.usize(0..4) {
                    self.scalar(&mut body, one);
                }
                if self.chance(3) {
                    body.push(1);
                }
                self.delimited(out, &body)
            }
            (kind, _) => {
                let body = self.bytes(!matches!(kind, Kind::Bytes));
                self.delimited(out, &body)
            }
        }
    }

    fn message(&mut self, schema: &Schema, depth: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let fields = if depth > 5 { self.0.usize(0..2) } else { self.0.usize(0..5) };
        for _ in 0..fields {
            if self.chance(10) {
                self.unknown(&mut out, 0);
            } else {
                let (tag, _, kind) = schema.fields[self.0.usize(0..schema.fields.len())];
                self.field(&mut out, tag, kind, depth);
            }
        }
        out
    }
}

fn agree(signal: Signal, bytes: &[u8]) -> bool {
    let ours = count(signal, bytes);
    let theirs = prost_items(signal, bytes);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "counts differ on {bytes:02x?}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{signal:?}: ours {ours:?}, prost {theirs:?} on {bytes:02x?}"),
    }
    ours.is_ok()
}

#[test]
fn random_requests_read_as_prost_reads_them() {
    let mut gen = Gen(fastrand::Rng::with_seed(0x07e1));
    let (mut accepted, mut refused, mut items) = (0, 0, 0);
    for round in 0..30_000 {
        let (signal, schema) =
            [(Signal::Traces, &TRACES), (Signal::Metrics, &METRICS), (Signal::Logs, &LOGS)]
                [round % 3];
        let mut bytes = gen.message(schema, 0);
        if agree(signal, &bytes) {
            accepted += 1;
            items += count(signal, &bytes).unwrap();
        } else {
            refused += 1;
        }
        if !bytes.is_empty() {
            let cut = gen.0.usize(0..bytes.len());
            agree(signal, &bytes[..cut]);
            let at = gen.0.usize(0..bytes.len());
            bytes[at] ^= 1 << gen.0.u32(0..8);
            agree(signal, &bytes);
        }
    }
    // The generator reaches both outcomes, and items, often.
    assert!(accepted > 5_000 && refused > 5_000, "{accepted} accepted, {refused} refused");
    assert!(items > 2_000, "{items} items");
}

#[test]
fn a_metric_keeps_its_last_kind_of_points() {
    // A gauge of 2 points, a sum of 1 point, a gauge of 1 point: prost
    // keeps the last kind only, the gauge of 1.
    let point = [0x11, 0, 0, 0, 0, 0, 0, 0, 0]; // time_unix_nano
    let points = |n: usize| {
        let mut body = Vec::new();
        for _ in 0..n {
            put_key(&mut body, 1, LEN);
            put_varint(&mut body, point.len() as u64);
            body.extend(point);
        }
        body
    };
    let mut metric = Vec::new();
    for (tag, n) in [(5, 2), (7, 1), (5, 1)] {
        let body = points(n);
        put_key(&mut metric, tag, LEN);
        put_varint(&mut metric, body.len() as u64);
        metric.extend(body);
    }
    let wrap = |tag: u32, body: Vec<u8>| {
        let mut out = Vec::new();
        put_key(&mut out, tag, LEN);
        put_varint(&mut out, body.len() as u64);
        out.extend(body);
        out
    };
    let request = wrap(1, wrap(2, wrap(2, metric)));
    assert_eq!(count(Signal::Metrics, &request), Ok(1));
    assert!(agree(Signal::Metrics, &request));
}

#[test]
fn nesting_stops_where_prost_stops() {
    use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, ArrayValue};
    use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
    let outcomes: Vec<bool> = (40..55)
        .map(|depth| {
            // Two messages a level: an ArrayValue and its AnyValue.
            let mut value = AnyValue { value: Some(any_value::Value::IntValue(1)) };
            for _ in 0..depth {
                value = AnyValue {
                    value: Some(any_value::Value::ArrayValue(ArrayValue { values: vec![value] })),
                };
            }
            let record = LogRecord { body: Some(value), ..Default::default() };
            let request = ExportLogsServiceRequest {
                resource_logs: vec![ResourceLogs {
                    scope_logs: vec![ScopeLogs { log_records: vec![record], ..Default::default() }],
                    ..Default::default()
                }],
            };
            agree(Signal::Logs, &request.encode_to_vec())
        })
        .collect();
    assert!(outcomes.contains(&true) && outcomes.contains(&false), "{outcomes:?}");
}

#[test]
fn errors_say_where_as_prost_does() {
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
    let span = Span { name: "\u{1}".into(), ..Default::default() };
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans { spans: vec![span], ..Default::default() }],
            ..Default::default()
        }],
    };
    let mut bytes = request.encode_to_vec();
    let at = bytes.iter().position(|b| *b == 1).unwrap();
    bytes[at] = 0xff;
    let ours = count(Signal::Traces, &bytes).unwrap_err().to_string();
    let theirs = ExportTraceServiceRequest::decode(&bytes[..]).unwrap_err().to_string();
    assert_eq!(ours, theirs);
    assert!(ours.contains("Span.name: ScopeSpans.spans"), "{ours}");
}
