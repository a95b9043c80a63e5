//! What a record of the log holds. Two kinds, told apart by the first
//! byte:
//!
//! - `SAMPLES`: the series defined by this record (ref, then the label
//!   set's wire bytes), then float samples as (ref, timestamp as a
//!   difference from the first, value): a scrape's million samples take
//!   about 12 bytes each, against the ~130 of a write request that
//!   repeats every label set.
//! - a Remote Write request in protobuf (its first byte is a field key,
//!   never `SAMPLES`): samples with a native histogram or an exemplar,
//!   and every record of logs written before refs.

use river_runtime::labels::Labels;

use crate::proto::WireError;

pub const SAMPLES: u8 = 0x01;

/// A float sample as a record holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub id: u64,
    pub timestamp: i64,
    pub value: f64,
}

/// Appends a `SAMPLES` payload to `buf`.
pub fn encode(definitions: &[(u64, &Labels)], points: &[Point], buf: &mut Vec<u8>) {
    buf.push(SAMPLES);
    varint(buf, definitions.len() as u64);
    for (id, labels) in definitions {
        varint(buf, *id);
        varint(buf, labels.wire().len() as u64);
        buf.extend_from_slice(labels.wire());
    }
    varint(buf, points.len() as u64);
    let base = points.first().map_or(0, |p| p.timestamp);
    varint(buf, zigzag(base));
    for p in points {
        varint(buf, p.id);
        varint(buf, zigzag(p.timestamp.wrapping_sub(base)));
        buf.extend_from_slice(&p.value.to_le_bytes());
    }
}

/// Refs and the label sets they stand for.
pub type Definitions = Vec<(u64, Labels)>;

/// The definitions of a `SAMPLES` payload (after its first byte), and the
/// rest, where its points start.
pub fn definitions(mut bytes: &[u8]) -> Result<(Definitions, &[u8]), WireError> {
    let count = read_varint(&mut bytes)?;
    let mut out = Vec::with_capacity(count.min(bytes.len() as u64) as usize);
    for _ in 0..count {
        let id = read_varint(&mut bytes)?;
        let len = read_varint(&mut bytes)? as usize;
        if len > bytes.len() {
            return Err(WireError::Truncated);
        }
        let (wire, rest) = bytes.split_at(len);
        let labels = Labels::from_wire(wire).map_err(|e| WireError::Message(e.to_string()))?;
        out.push((id, labels));
        bytes = rest;
    }
    Ok((out, bytes))
}

/// What follows the definitions of a `SAMPLES` payload (after its first
/// byte), without reading them.
pub fn skip_definitions(mut bytes: &[u8]) -> Result<&[u8], WireError> {
    let count = read_varint(&mut bytes)?;
    for _ in 0..count {
        read_varint(&mut bytes)?;
        let len = read_varint(&mut bytes)? as usize;
        bytes = bytes.get(len..).ok_or(WireError::Truncated)?;
    }
    Ok(bytes)
}

/// The points that follow the definitions.
pub fn points(mut bytes: &[u8]) -> Result<Vec<Point>, WireError> {
    let count = read_varint(&mut bytes)?;
    let base = unzigzag(read_varint(&mut bytes)?);
    let mut out = Vec::with_capacity(count.min(bytes.len() as u64 / 10) as usize);
    for _ in 0..count {
        let id = read_varint(&mut bytes)?;
        let timestamp = base.wrapping_add(unzigzag(read_varint(&mut bytes)?));
        let (value, rest) = bytes.split_first_chunk::<8>().ok_or(WireError::Truncated)?;
        out.push(Point { id, timestamp, value: f64::from_le_bytes(*value) });
        bytes = rest;
    }
    Ok(out)
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

fn varint(buf: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        buf.push((n as u8) | 0x80);
        n >>= 7;
    }
    buf.push(n as u8);
}

fn read_varint(bytes: &mut &[u8]) -> Result<u64, WireError> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first().ok_or(WireError::Truncated)?;
        *bytes = rest;
        n |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Ok(n);
        }
    }
    Err(WireError::Varint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_written() {
        let a = Labels::from_pairs([("__name__", "up"), ("job", "x")]);
        let written = [
            Point { id: 7, timestamp: 1_700_000_000_000, value: 1.5 },
            Point { id: 300, timestamp: 1_699_999_999_000, value: f64::NAN },
            Point { id: 7, timestamp: i64::MIN, value: -0.0 },
        ];
        let mut buf = Vec::new();
        encode(&[(7, &a)], &written, &mut buf);
        assert_eq!(buf[0], SAMPLES);
        let (defined, rest) = definitions(&buf[1..]).unwrap();
        assert_eq!(skip_definitions(&buf[1..]).unwrap(), rest);
        assert_eq!(defined, [(7, a)]);
        let back = points(rest).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!((back[0].id, back[0].timestamp, back[0].value), (7, 1_700_000_000_000, 1.5));
        assert_eq!((back[1].id, back[1].timestamp), (300, 1_699_999_999_000));
        assert!(back[1].value.is_nan());
        assert_eq!(back[2].timestamp, i64::MIN);
        assert!(back[2].value.is_sign_negative());
    }

    #[test]
    fn a_cut_record_is_an_error_not_a_panic() {
        let a = Labels::from_pairs([("__name__", "up")]);
        let mut buf = Vec::new();
        encode(&[(1, &a)], &[Point { id: 1, timestamp: 5, value: 2.0 }], &mut buf);
        for cut in 1..buf.len() {
            let result = definitions(&buf[1..cut]).and_then(|(_, rest)| points(rest).map(|_| ()));
            assert!(result.is_err(), "cut at {cut}");
        }
    }
}
