//! A record as bytes: its frame (length, CRC-32C, payload), what goes in
//! it from a batch, and reading it back, checked, from a segment.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use parking_lot::Mutex;

use super::record::{self, Point};
use super::series::Series;
use crate::proto;
use river_runtime::labels::Labels;
use river_runtime::series::{now_ms, Sample};

/// Length and checksum before each record.
pub const HEADER: u64 = 8;

/// A batch as its records hold it.
pub struct Batch<'a> {
    /// The series it writes first, to be defined.
    pub new: Vec<(u64, &'a Labels)>,
    /// Its float samples.
    pub points: Vec<Point>,
    /// Its samples with a native histogram or an exemplar.
    pub others: Vec<Sample>,
}

impl<'a> Batch<'a> {
    pub fn of(series: &mut Series, samples: &'a [Sample]) -> Batch<'a> {
        let mut batch = Batch {
            new: Vec::new(),
            points: Vec::with_capacity(samples.len()),
            others: Vec::new(),
        };
        for sample in samples {
            if sample.histogram.is_some() || sample.exemplar.is_some() {
                batch.others.push(sample.clone());
                continue;
            }
            let (id, is_new) = series.id(&sample.labels, sample.timestamp);
            if is_new {
                batch.new.push((id, &sample.labels));
            }
            batch.points.push(Point { id, timestamp: sample.timestamp, value: sample.value });
        }
        batch
    }
}

/// Appends one record to `buf`: its header, then the payload `encode`
/// writes.
pub fn framed(buf: &mut Vec<u8>, encode: impl FnOnce(&mut Vec<u8>)) {
    let start = buf.len();
    buf.extend_from_slice(&[0; HEADER as usize]);
    encode(buf);
    let payload = start + HEADER as usize;
    let crc = crc32c::crc32c(&buf[payload..]);
    let len = (buf.len() - payload) as u32;
    buf[start..start + 4].copy_from_slice(&len.to_le_bytes());
    buf[start + 4..payload].copy_from_slice(&crc.to_le_bytes());
}

/// One record's payload, checked; `None` at a clean or torn end.
fn read_payload(reader: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; HEADER as usize];
    if !read_full(reader, &mut header)? {
        return Ok(None);
    }
    let len = u32::from_le_bytes(header[..4].try_into().expect("four bytes")) as usize;
    let crc = u32::from_le_bytes(header[4..].try_into().expect("four bytes"));
    let mut payload = vec![0u8; len];
    if !read_full(reader, &mut payload)? || crc32c::crc32c(&payload) != crc {
        return Ok(None);
    }
    Ok(Some(payload))
}

/// One record: its samples and its size on disk; `None` at a clean or torn
/// end.
pub fn read_record(
    reader: &mut impl Read,
    series: &Mutex<Series>,
) -> io::Result<Option<(Vec<Sample>, u64)>> {
    let Some(payload) = read_payload(reader)? else { return Ok(None) };
    let invalid = |e: proto::WireError| io::Error::new(io::ErrorKind::InvalidData, e);
    let samples = match payload.split_first() {
        Some((&record::SAMPLES, rest)) => {
            let points = record::points(record::skip_definitions(rest).map_err(invalid)?)
                .map_err(invalid)?;
            series.lock().samples(&points)
        }
        _ => proto::decode_request(&payload).map_err(invalid)?,
    };
    Ok(Some((samples, HEADER + payload.len() as u64)))
}

/// Reads a segment when the log is opened: the refs its records define go
/// into `series`. Returns the end of its last whole, intact record.
pub fn replay(path: &Path, segment: u64, series: &mut Series) -> io::Result<u64> {
    let mut reader = BufReader::new(File::open(path)?);
    let now = now_ms();
    let mut end = 0;
    while let Some(payload) = read_payload(&mut reader)? {
        if let Some((&record::SAMPLES, rest)) = payload.split_first() {
            match record::definitions(rest) {
                Ok((definitions, _)) => {
                    for (id, labels) in definitions {
                        series.replayed(id, labels, segment, now);
                    }
                }
                // Intact but unreadable: written by a broken build; what
                // follows cannot be trusted either.
                Err(_) => break,
            }
        }
        end += HEADER + payload.len() as u64;
    }
    Ok(end)
}

/// Fills `buf`; false at end of file (even part way).
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => return Ok(false),
            n => filled += n,
        }
    }
    Ok(true)
}
