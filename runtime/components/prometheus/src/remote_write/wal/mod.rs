//! The write-ahead log of `prometheus.remote_write`: every appended batch
//! is a record in a numbered segment file (length, CRC-32C, the batch as
//! `record.rs` writes it: series by ref, as Prometheus's WAL holds them,
//! `series.rs`), written before anything is sent. Each
//! endpoint keeps its own read position in a file beside the segments,
//! moved on only when the endpoint has taken the samples, so that an
//! outage or a restart (kill -9 included) loses nothing that reached the
//! log. A torn record at the end (a write cut by a crash) is cut off when
//! the log is opened again, which also reads every segment's series
//! definitions back.

mod frame;
pub mod reader;
mod record;
mod series;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::proto;
use frame::{framed, replay, Batch};
use river_runtime::labels::Labels;
use river_runtime::series::Sample;
use series::Series;

/// A segment is closed and a new one started past this size.
const SEGMENT_SIZE: u64 = 16 << 20;

/// How long segments are kept (the `wal` block's `min_keepalive_time` and
/// `max_keepalive_time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keepalive {
    /// A delivered segment stays at least this long after its last write.
    pub min: Duration,
    /// No segment stays longer than this after its last write, even one not
    /// delivered yet: the bound on the disk an endless outage takes.
    pub max: Duration,
}

/// A place in the log: a segment and a byte offset in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub segment: u64,
    pub offset: u64,
}

pub struct Wal {
    dir: PathBuf,
    writer: Mutex<Writer>,
    /// The last record written, as samples: a reader that is caught up
    /// takes it from here instead of reading back and decoding what was
    /// just written.
    recent: Mutex<Latest>,
    /// Woken on every append, for readers waiting at the end.
    pub appended: Notify,
    /// The refs of the series written (lock `writer` first when both).
    series: Mutex<Series>,
}

/// How many series a record defines at most (about 4 MB of them).
const DEFINED_PER_RECORD: usize = 32 * 1024;

/// What caught-up readers read from memory.
#[derive(Default)]
struct Latest {
    /// The last record (one only: a million-series scrape is 50 MB of
    /// samples, and a reader that is caught up takes it at once).
    record: Option<Recent>,
    /// Where the last segment closed ended: a reader there is at the
    /// start of the next one.
    closed: Option<Position>,
}

struct Recent {
    at: Position,
    len: u64,
    samples: Arc<Vec<Sample>>,
}

struct Writer {
    file: File,
    position: Position,
    buffer: Vec<u8>,
}

impl Wal {
    /// Opens (or creates) the log in `dir`, cutting a torn last record.
    pub fn open(dir: &Path) -> io::Result<Wal> {
        fs::create_dir_all(dir)?;
        let present = segments(dir)?;
        let segment = present.last().copied().unwrap_or(0);
        let mut series = Series::default();
        let mut end = 0;
        let started = std::time::Instant::now();
        for &number in &present {
            end = replay(&segment_path(dir, number), number, &mut series)?;
        }
        if !present.is_empty() {
            tracing::info!(
                segments = present.len(),
                series = series.active(),
                seconds = started.elapsed().as_secs_f64(),
                "read the WAL's series back"
            );
        }
        let path = segment_path(dir, segment);
        let file = OpenOptions::new().create(true).write(true).truncate(false).open(&path)?;
        file.set_len(end)?;
        let mut writer =
            Writer { file, position: Position { segment, offset: end }, buffer: Vec::new() };
        writer.file.seek(SeekFrom::Start(end))?;
        Ok(Wal {
            dir: dir.to_owned(),
            writer: Mutex::new(writer),
            recent: Mutex::default(),
            appended: Notify::new(),
            series: Mutex::new(series),
        })
    }

    /// Appends a copy of one batch (see `append_shared`).
    pub fn append(&self, samples: &[Sample]) -> io::Result<usize> {
        self.append_shared(&Arc::new(samples.to_vec()))
    }

    /// Appends one batch (as one record, and a second for samples with
    /// a native histogram or an exemplar), and keeps it for the readers
    /// that are caught up; returns how many series it wrote for the first
    /// time.
    pub fn append_shared(&self, samples: &Arc<Vec<Sample>>) -> io::Result<usize> {
        if samples.is_empty() {
            return Ok(0);
        }
        let mut writer = self.writer.lock();
        // One buffer for every record: a fresh 10 MB one per scrape would
        // make the kernel zero its pages each time.
        let mut buf = std::mem::take(&mut writer.buffer);
        buf.clear();
        let mut series = self.series.lock();
        let Batch { new, points, others } = Batch::of(&mut series, samples);
        let estimate = new.iter().map(|(_, l)| l.wire().len() + 12).sum::<usize>()
            + points.len() * 20
            + others.len() * 256;
        let ids = || new.iter().map(|(id, _)| *id);
        let rolled = self.roll_if_full(&mut writer, estimate);
        let start = writer.position;
        let written = rolled.and_then(|()| {
            let last = self.write_definitions(&mut writer, &mut buf, &new)?;
            if !points.is_empty() {
                framed(&mut buf, |b| record::encode(last, &points, b));
            }
            if !others.is_empty() {
                framed(&mut buf, |b| proto::encode_request_into(&others, b));
            }
            self.write(&mut writer, &buf)
        });
        match written {
            Ok(()) => series.defined(ids(), writer.position.segment),
            Err(e) => {
                // Not on disk: defined again by the next record naming them.
                series.forget(ids());
                writer.buffer = buf;
                return Err(e);
            }
        }
        drop(series);
        let len = writer.position.offset - start.offset;
        self.remember(&writer, len, samples);
        writer.buffer = buf;
        drop(writer);
        self.appended.notify_waiters();
        Ok(new.len())
    }

    /// Starts a new segment when `len` more bytes would not fit in this
    /// one (the records of one append always share a segment).
    fn roll_if_full(&self, writer: &mut Writer, len: usize) -> io::Result<()> {
        if writer.position.offset > 0 && writer.position.offset + len as u64 > SEGMENT_SIZE {
            self.next_segment(writer)?;
        }
        Ok(())
    }

    /// Writes whole records at the end of the segment.
    fn write(&self, writer: &mut Writer, records: &[u8]) -> io::Result<()> {
        writer.file.write_all(records)?;
        writer.position.offset += records.len() as u64;
        Ok(())
    }

    /// Writes all but the last `DEFINED_PER_RECORD` of `definitions` as
    /// records of their own, so that a million new series never sit in
    /// one buffer; returns the rest, for the record of the samples.
    fn write_definitions<'a, 'l>(
        &self,
        writer: &mut Writer,
        buf: &mut Vec<u8>,
        definitions: &'a [(u64, &'l Labels)],
    ) -> io::Result<&'a [(u64, &'l Labels)]> {
        let mut rest = definitions;
        while rest.len() > DEFINED_PER_RECORD {
            let (chunk, tail) = rest.split_at(DEFINED_PER_RECORD);
            buf.clear();
            framed(buf, |b| record::encode(chunk, &[], b));
            self.write(writer, buf)?;
            rest = tail;
        }
        buf.clear();
        Ok(rest)
    }

    /// Keeps the samples of the records just written (`len` bytes, ending
    /// at the writer's position) for readers that are caught up.
    fn remember(&self, writer: &Writer, len: u64, samples: &Arc<Vec<Sample>>) {
        let end = writer.position;
        let at = Position { segment: end.segment, offset: end.offset - len };
        self.recent.lock().record = Some(Recent { at, len, samples: samples.clone() });
    }

    /// How many series have had a sample since the last clean-up.
    pub fn active_series(&self) -> usize {
        self.series.lock().active()
    }

    /// Retires the series with no sample since `before_ms`; returns how
    /// many.
    pub fn clean_up(&self, before_ms: i64) -> usize {
        let writer = self.writer.lock();
        let retired = self.series.lock().clean_up(before_ms, writer.position.segment);
        retired
    }

    /// Closes the segment being written and starts the next.
    fn next_segment(&self, writer: &mut Writer) -> io::Result<()> {
        self.recent.lock().closed = Some(writer.position);
        let next = writer.position.segment + 1;
        writer.file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(segment_path(&self.dir, next))?;
        writer.position = Position { segment: next, offset: 0 };
        Ok(())
    }

    #[cfg(test)]
    fn roll_over(&self) -> io::Result<()> {
        self.next_segment(&mut self.writer.lock())
    }

    /// Where the next record will go.
    pub fn end(&self) -> Position {
        self.writer.lock().position
    }

    /// Removes the segments wholly before `delivered` whose last write is
    /// at least `keep.min` old, and any segment last written more than
    /// `keep.max` ago, delivered or not; never the one being written.
    /// Only a run of the oldest segments goes, so that the definitions
    /// they held can be written again after them. Returns how many
    /// undelivered segments went.
    pub fn truncate(&self, delivered: Position, keep: &Keepalive) -> io::Result<usize> {
        let current = self.end().segment;
        let now = SystemTime::now();
        let mut remove = Vec::new();
        let mut dropped = 0;
        for segment in segments(&self.dir)? {
            let path = segment_path(&self.dir, segment);
            let written = fs::metadata(&path)?.modified()?;
            let age = now.duration_since(written).unwrap_or_default();
            let done = segment < delivered.segment;
            if segment >= current || !((done && age >= keep.min) || age >= keep.max) {
                break;
            }
            dropped += usize::from(!done);
            remove.push(path);
        }
        let Some(last) = remove.len().checked_sub(1) else { return Ok(0) };
        let first_kept = segments(&self.dir)?.get(last + 1).copied().unwrap_or(current);
        self.redefine(first_kept)?;
        for path in remove {
            fs::remove_file(path)?;
        }
        Ok(dropped)
    }

    /// Writes again the definitions of the refs still readable that are
    /// held only by segments before `first_kept`.
    fn redefine(&self, first_kept: u64) -> io::Result<()> {
        let mut writer = self.writer.lock();
        let mut series = self.series.lock();
        let again = series.redefine(first_kept);
        if again.is_empty() {
            return Ok(());
        }
        let definitions: Vec<(u64, &Labels)> = again.iter().map(|(id, l)| (*id, l)).collect();
        let size = definitions.iter().map(|(_, l)| l.wire().len() + 12).sum();
        self.roll_if_full(&mut writer, size)?;
        let mut buf = Vec::new();
        let last = self.write_definitions(&mut writer, &mut buf, &definitions)?;
        framed(&mut buf, |b| record::encode(last, &[], b));
        self.write(&mut writer, &buf)?;
        series.defined(again.iter().map(|(id, _)| *id), writer.position.segment);
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The first position that still exists (a reader whose saved place was
    /// removed starts there).
    pub fn start(&self) -> Position {
        let first = segments(&self.dir).ok().and_then(|s| s.first().copied()).unwrap_or(0);
        Position { segment: first, offset: 0 }
    }
}

pub(super) fn segment_path(dir: &Path, segment: u64) -> PathBuf {
    dir.join(format!("{segment:08}"))
}

/// The segment numbers present, in order.
fn segments(dir: &Path) -> io::Result<Vec<u64>> {
    let mut out: Vec<u64> =
        fs::read_dir(dir)?.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect();
    out.sort_unstable();
    Ok(out)
}

/// An endpoint's saved read position.
pub fn load_position(path: &Path) -> Option<Position> {
    let text = fs::read_to_string(path).ok()?;
    let mut parts = text.split_whitespace();
    Some(Position { segment: parts.next()?.parse().ok()?, offset: parts.next()?.parse().ok()? })
}

/// Saves a read position: written beside, then renamed over the old one,
/// so a crash leaves the old or the new position, never half of one.
pub fn save_position(path: &Path, position: Position) -> io::Result<()> {
    let temp = path.with_extension("tmp");
    fs::write(&temp, format!("{} {}\n", position.segment, position.offset))?;
    fs::rename(temp, path)
}

#[cfg(test)]
mod tests;
