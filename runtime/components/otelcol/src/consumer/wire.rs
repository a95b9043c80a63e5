//! An OTLP export request read as protobuf wire data, without decoding
//! it: whether prost would decode it, and how many items (spans, metric
//! data points, log records) it holds. This is what lets a request go
//! from receiver to exporter as the bytes it came in ([`super::Encoded`]),
//! refused at the receiver exactly when decoding it would have been.
//!
//! The checks are prost's (0.14): keys and varints, the wire type of each
//! known field (repeated numbers packed or not), lengths, UTF-8 of string
//! fields, unknown fields skipped (groups too), and its nesting limit of
//! 100. Counts follow prost's merging: a repeated field adds, and a oneof
//! keeps its last variant (two of the same merge). The schema below is
//! opentelemetry-proto's; the tests hold it to prost on random requests.

use super::Signal;

/// Why a request would not decode, and where: the fields it was in,
/// innermost first (said as prost says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    what: &'static str,
    stack: Vec<(&'static str, &'static str)>,
}

impl WireError {
    fn new(what: &'static str) -> WireError {
        WireError { what, stack: Vec::new() }
    }
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed to decode Protobuf message: ")?;
        for (message, field) in &self.stack {
            write!(f, "{message}.{field}: ")?;
        }
        f.write_str(self.what)
    }
}

/// The items of `signal`'s export request `bytes`, if prost decodes it.
pub fn count(signal: Signal, bytes: &[u8]) -> Result<usize, WireError> {
    let schema = match signal {
        Signal::Traces => &schema::TRACES,
        Signal::Metrics => &schema::METRICS,
        Signal::Logs => &schema::LOGS,
    };
    message(&mut &bytes[..], schema, RECURSION_LIMIT)
}

/// prost's `RECURSION_LIMIT`.
const RECURSION_LIMIT: u32 = 100;

/// Wire types.
const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const START_GROUP: u8 = 3;
const END_GROUP: u8 = 4;
const FIXED32: u8 = 5;

/// What a known field holds.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Varint,
    Fixed32,
    Fixed64,
    Bytes,
    Str,
    Message(&'static Schema),
    /// A message each of which is one item.
    Item(&'static Schema),
    /// A repeated number of this wire type, packed or one at a time.
    Repeated(u8),
}

pub(super) struct Schema {
    pub name: &'static str,
    /// Tag, name, kind.
    pub fields: &'static [(u32, &'static str, Kind)],
    /// The tags of its oneof, if its variants hold items.
    pub oneof: &'static [u32],
}

impl Schema {
    fn field(&self, tag: u32) -> Option<&(u32, &'static str, Kind)> {
        self.fields.iter().find(|(t, ..)| *t == tag)
    }
}

fn message(buf: &mut &[u8], schema: &Schema, budget: u32) -> Result<usize, WireError> {
    let (mut items, mut variant) = (0, None::<(u32, usize)>);
    while !buf.is_empty() {
        let (tag, wire) = key(buf)?;
        let Some(&(_, name, kind)) = schema.field(tag) else {
            skip(buf, tag, wire, budget)?;
            continue;
        };
        let n = field(buf, kind, wire, budget).map_err(|mut e| {
            e.stack.push((schema.name, name));
            e
        })?;
        if schema.oneof.contains(&tag) {
            variant = match variant {
                Some((last, held)) if last == tag => Some((tag, held + n)),
                _ => Some((tag, n)),
            };
        } else {
            items += n;
        }
    }
    Ok(items + variant.map_or(0, |(_, n)| n))
}

/// One known field's value: the items in it.
fn field(buf: &mut &[u8], kind: Kind, wire: u8, budget: u32) -> Result<usize, WireError> {
    let expect =
        |want: u8| if wire == want { Ok(()) } else { Err(WireError::new("invalid wire type")) };
    match kind {
        Kind::Varint => expect(VARINT).and_then(|_| varint(buf).map(|_| 0)),
        Kind::Fixed32 => expect(FIXED32).and_then(|_| take(buf, 4).map(|_| 0)),
        Kind::Fixed64 => expect(FIXED64).and_then(|_| take(buf, 8).map(|_| 0)),
        Kind::Bytes => expect(LEN).and_then(|_| delimited(buf).map(|_| 0)),
        Kind::Str => {
            expect(LEN)?;
            std::str::from_utf8(delimited(buf)?)
                .map_err(|_| WireError::new("invalid string value: data is not UTF-8 encoded"))?;
            Ok(0)
        }
        Kind::Message(schema) | Kind::Item(schema) => {
            expect(LEN)?;
            if budget == 0 {
                return Err(WireError::new("recursion limit reached"));
            }
            let inner = message(&mut delimited(buf)?, schema, budget - 1)?;
            Ok(inner + usize::from(matches!(kind, Kind::Item(_))))
        }
        Kind::Repeated(one) if wire == LEN => {
            let mut packed = delimited(buf)?;
            while !packed.is_empty() {
                number(&mut packed, one)?;
            }
            Ok(0)
        }
        Kind::Repeated(one) => expect(one).and_then(|_| number(buf, one)).map(|_| 0),
    }
}

fn number(buf: &mut &[u8], wire: u8) -> Result<(), WireError> {
    match wire {
        VARINT => varint(buf).map(|_| ()),
        FIXED32 => take(buf, 4).map(|_| ()),
        _ => take(buf, 8).map(|_| ()),
    }
}

/// An unknown field, as prost's `skip_field`.
fn skip(buf: &mut &[u8], tag: u32, wire: u8, budget: u32) -> Result<(), WireError> {
    if budget == 0 {
        return Err(WireError::new("recursion limit reached"));
    }
    match wire {
        VARINT => varint(buf).map(|_| ()),
        FIXED64 => take(buf, 8).map(|_| ()),
        FIXED32 => take(buf, 4).map(|_| ()),
        LEN => delimited(buf).map(|_| ()),
        START_GROUP => loop {
            let (inner, inner_wire) = key(buf)?;
            if inner_wire == END_GROUP {
                return if inner == tag {
                    Ok(())
                } else {
                    Err(WireError::new("unexpected end group tag"))
                };
            }
            skip(buf, inner, inner_wire, budget - 1)?;
        },
        _ => Err(WireError::new("unexpected end group tag")),
    }
}

fn key(buf: &mut &[u8]) -> Result<(u32, u8), WireError> {
    let key = varint(buf)?;
    if key > u64::from(u32::MAX) {
        return Err(WireError::new("invalid key value"));
    }
    let wire = (key & 7) as u8;
    if wire > FIXED32 {
        return Err(WireError::new("invalid wire type value"));
    }
    let tag = key as u32 >> 3;
    if tag == 0 {
        return Err(WireError::new("invalid tag value: 0"));
    }
    Ok((tag, wire))
}

/// A varint of at most ten bytes, the tenth at most 1 (prost's limit).
#[inline]
fn varint(buf: &mut &[u8]) -> Result<u64, WireError> {
    match buf.first() {
        Some(&byte) if byte < 0x80 => {
            *buf = &buf[1..];
            Ok(u64::from(byte))
        }
        _ => long_varint(buf),
    }
}

fn long_varint(buf: &mut &[u8]) -> Result<u64, WireError> {
    let mut value = 0u64;
    for (i, &byte) in buf.iter().take(10).enumerate() {
        value |= u64::from(byte & 0x7f) << (i * 7);
        if byte < 0x80 {
            if i == 9 && byte > 1 {
                break;
            }
            *buf = &buf[i + 1..];
            return Ok(value);
        }
    }
    Err(WireError::new("invalid varint"))
}

fn take<'a>(buf: &mut &'a [u8], len: usize) -> Result<&'a [u8], WireError> {
    if buf.len() < len {
        return Err(WireError::new("buffer underflow"));
    }
    let (head, rest) = buf.split_at(len);
    *buf = rest;
    Ok(head)
}

fn delimited<'a>(buf: &mut &'a [u8]) -> Result<&'a [u8], WireError> {
    let len = varint(buf)?;
    take(buf, usize::try_from(len).map_err(|_| WireError::new("buffer underflow"))?)
}

mod schema;

#[cfg(test)]
mod tests;
