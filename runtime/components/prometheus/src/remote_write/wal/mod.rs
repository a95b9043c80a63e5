//! The write-ahead log of `prometheus.remote_write`: every appended batch
//! is a record in a numbered segment file (length, CRC-32C, the batch as
//! an uncompressed write request), written before anything is sent. Each
//! endpoint keeps its own read position in a file beside the segments,
//! moved on only when the endpoint has taken the samples, so that an
//! outage or a restart (kill -9 included) loses nothing that reached the
//! log. A torn record at the end (a write cut by a crash) is cut off when
//! the log is opened again.

use std::collections::VecDeque;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::proto;
use river_runtime::series::Sample;

/// A segment is closed and a new one started past this size.
const SEGMENT_SIZE: u64 = 16 << 20;
/// Length and checksum before each record.
const HEADER: u64 = 8;

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
    /// The last records written, as samples: a reader that is caught up
    /// takes them from here instead of reading back and decoding what was
    /// just written.
    recent: Mutex<VecDeque<Recent>>,
    /// Woken on every append, for readers waiting at the end.
    pub appended: Notify,
}

/// How many records `recent` keeps.
const RECENT: usize = 2;

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
        let segment = segments(dir)?.last().copied().unwrap_or(0);
        let path = segment_path(dir, segment);
        let end = if path.exists() { valid_end(&path)? } else { 0 };
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
        })
    }

    /// Appends one batch as one record.
    pub fn append(&self, samples: &[Sample]) -> io::Result<()> {
        if samples.is_empty() {
            return Ok(());
        }
        let mut writer = self.writer.lock();
        // One buffer for every record: a fresh 10 MB one per scrape would
        // make the kernel zero its pages each time.
        let mut record = std::mem::take(&mut writer.buffer);
        record.clear();
        record.extend_from_slice(&[0; HEADER as usize]);
        proto::encode_request_into(samples, &mut record);
        let payload_len = record.len() - HEADER as usize;
        let crc = crc32c::crc32c(&record[HEADER as usize..]);
        record[..4].copy_from_slice(&(payload_len as u32).to_le_bytes());
        record[4..8].copy_from_slice(&crc.to_le_bytes());
        if writer.position.offset > 0 && writer.position.offset + record.len() as u64 > SEGMENT_SIZE
        {
            self.next_segment(&mut writer)?;
        }
        writer.file.write_all(&record)?;
        let at = writer.position;
        writer.position.offset += record.len() as u64;
        let mut recent = self.recent.lock();
        if recent.len() == RECENT {
            recent.pop_front();
        }
        recent.push_back(Recent {
            at,
            len: record.len() as u64,
            samples: Arc::new(samples.to_vec()),
        });
        drop(recent);
        writer.buffer = record;
        drop(writer);
        self.appended.notify_waiters();
        Ok(())
    }

    /// Closes the segment being written and starts the next.
    fn next_segment(&self, writer: &mut Writer) -> io::Result<()> {
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
    /// Returns how many undelivered segments went.
    pub fn truncate(&self, delivered: Position, keep: &Keepalive) -> io::Result<usize> {
        let current = self.end().segment;
        let now = SystemTime::now();
        let mut dropped = 0;
        for segment in segments(&self.dir)? {
            if segment >= current {
                continue;
            }
            let path = segment_path(&self.dir, segment);
            let written = fs::metadata(&path)?.modified()?;
            let age = now.duration_since(written).unwrap_or_default();
            let done = segment < delivered.segment;
            if (done && age >= keep.min) || age >= keep.max {
                fs::remove_file(path)?;
                dropped += usize::from(!done);
            }
        }
        Ok(dropped)
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

/// Reads records from a position on, segment after segment.
pub struct Reader {
    dir: PathBuf,
    position: Position,
    file: Option<BufReader<File>>,
}

impl Reader {
    pub fn new(dir: &Path, position: Position) -> Reader {
        Reader { dir: dir.to_owned(), position, file: None }
    }

    pub fn position(&self) -> Position {
        self.position
    }

    /// The next record when it is one of the log's recent ones: the one at
    /// this position, or, when the last one read ended its segment, the
    /// first of the next segment (a large record often starts one).
    fn recent_next(&self, wal: &Wal) -> Option<(Position, u64, Arc<Vec<Sample>>)> {
        let recent = wal.recent.lock();
        let next = recent.iter().position(|r| r.at == self.position).or_else(|| {
            let last = recent.iter().position(|r| {
                r.at.segment == self.position.segment && r.at.offset + r.len == self.position.offset
            })?;
            recent.get(last + 1).filter(|r| r.at.segment > self.position.segment).map(|_| last + 1)
        })?;
        let r = &recent[next];
        Some((r.at, r.len, r.samples.clone()))
    }

    /// The next record, or `None` at the end of what is written so far.
    pub fn next(&mut self, wal: &Wal) -> io::Result<Option<Arc<Vec<Sample>>>> {
        let end = wal.end();
        if let Some((at, len, samples)) = self.recent_next(wal) {
            self.position = Position { segment: at.segment, offset: at.offset + len };
            // The open file is behind now: it is opened again when needed.
            self.file = None;
            return Ok(Some(samples));
        }
        loop {
            if self.position >= end {
                return Ok(None);
            }
            if self.file.is_none() {
                match File::open(segment_path(&self.dir, self.position.segment)) {
                    Ok(mut file) => {
                        file.seek(SeekFrom::Start(self.position.offset))?;
                        self.file = Some(BufReader::new(file));
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        self.position = Position { segment: self.position.segment + 1, offset: 0 };
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
            let reader = self.file.as_mut().expect("opened above");
            match read_record(reader)? {
                Some((samples, len)) => {
                    self.position.offset += len;
                    return Ok(Some(Arc::new(samples)));
                }
                None if self.position.segment < end.segment => {
                    self.position = Position { segment: self.position.segment + 1, offset: 0 };
                    self.file = None;
                }
                None => {
                    // At the end of the segment being written: read it again
                    // from here next time.
                    self.file = None;
                    return Ok(None);
                }
            }
        }
    }
}

/// One record: its samples and its size on disk; `None` at a clean or torn
/// end.
fn read_record(reader: &mut impl Read) -> io::Result<Option<(Vec<Sample>, u64)>> {
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
    let samples = proto::decode_request(&payload)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(Some((samples, HEADER + len as u64)))
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

/// The end of the last whole, intact record of a segment.
fn valid_end(path: &Path) -> io::Result<u64> {
    let mut reader = BufReader::new(File::open(path)?);
    let mut end = 0;
    while let Some((_, len)) = read_record(&mut reader).unwrap_or(None) {
        end += len;
    }
    Ok(end)
}

fn segment_path(dir: &Path, segment: u64) -> PathBuf {
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
