//! One file being tailed: read by polling from its offset, whole lines
//! at a time, following rotation by rename (the path names another file:
//! the old one is read to its end, the new one from 0) and by
//! copy-truncate (the file is shorter than the offset: read it from 0).
//! Its steps block on the filesystem: the component runs them on
//! tokio's blocking threads.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use encoding_rs::Encoding;
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::logs::{fan_out_waiting, Entry, LogsReceiver};
use river_runtime::metrics::AtomicF64;

use crate::positions::Key;

/// How much of a file is read at a time.
const CHUNK: u64 = 1 << 20;

/// What identifies a file whatever its name: its device and inode.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// The metrics of one file (labelled with its path).
pub struct FileMetrics {
    pub read_bytes: Arc<AtomicF64>,
    pub file_bytes: Arc<AtomicF64>,
    pub read_lines: Arc<AtomicF64>,
    pub encoding_failures: Arc<AtomicF64>,
    pub live: river_runtime::live::LiveTap,
}

pub struct Tailer {
    pub key: Key,
    /// The entries' labels: the target's public ones and `filename`.
    labels: Labels,
    file: Option<(File, (u64, u64))>,
    /// The offset of the first byte not yet sent (a partial last line
    /// starts there).
    pub offset: u64,
    /// The offset to start at when the file is first opened: the saved
    /// position, or `None` to start from the beginning (or, with
    /// `tail_from_end`, from the end). After a rotation, 0.
    start: Option<u64>,
    opened_once: bool,
    /// Why the file cannot be read now.
    pub error: Option<String>,
    pub interval: Duration,
    pub next: Instant,
    metrics: FileMetrics,
    /// The files' encoding when it is not UTF-8.
    encoding: Option<&'static Encoding>,
    /// A compressed file: when it was first due, and whether it was read.
    first_seen: Option<Instant>,
    done: bool,
}

/// The formats of `decompression` this build reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zlib,
    Bzip2,
}

/// What one step found.
pub struct Step {
    /// Something changed: lines were read, or the file was rotated.
    pub changed: bool,
}

impl Tailer {
    pub fn new(key: Key, labels: Labels, saved: Option<u64>, metrics: FileMetrics) -> Tailer {
        Tailer {
            key,
            labels,
            file: None,
            offset: saved.unwrap_or(0),
            start: saved,
            opened_once: false,
            error: None,
            interval: Duration::ZERO,
            next: Instant::now(),
            metrics,
            encoding: None,
            first_seen: None,
            done: false,
        }
    }

    /// Whether the file was opened since the tailer started: until then
    /// its saved position stands.
    pub fn opened(&self) -> bool {
        self.opened_once
    }

    pub fn is_open(&self) -> bool {
        self.file.is_some()
    }

    /// A compressed file: once `delay` has passed since it was first
    /// seen, decompressed whole and its lines past the saved count sent;
    /// its position is the number of lines read, as in the reference.
    /// It is not read again (a compressed file is not appended to).
    pub fn read_compressed(
        &mut self,
        to: &[LogsReceiver],
        format: Compression,
        delay: Duration,
        encoding: Option<&'static Encoding>,
    ) -> Step {
        self.encoding = encoding;
        if self.done {
            return Step { changed: false };
        }
        let first = *self.first_seen.get_or_insert_with(Instant::now);
        if first.elapsed() < delay {
            return Step { changed: false };
        }
        let path = self.key.path.clone();
        let read = || -> std::io::Result<Vec<u8>> {
            let file = File::open(&path)?;
            let mut out = Vec::new();
            match format {
                Compression::Gzip => {
                    flate2::read::MultiGzDecoder::new(file).read_to_end(&mut out)?
                }
                Compression::Zlib => flate2::read::ZlibDecoder::new(file).read_to_end(&mut out)?,
                Compression::Bzip2 => {
                    bzip2::read::MultiBzDecoder::new(file).read_to_end(&mut out)?
                }
            };
            Ok(out)
        };
        let content = match read() {
            Ok(content) => content,
            Err(error) => {
                self.error = Some(format!("cannot decompress {path}: {error}"));
                return Step { changed: false };
            }
        };
        self.error = None;
        self.done = true;
        self.opened_once = true;
        self.metrics.file_bytes.set(content.len() as f64);
        let seen = self.start.unwrap_or(0);
        let mut lines: Vec<&[u8]> = content.split(|b| *b == b'\n').collect();
        if lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let total = lines.len() as u64;
        let mut fresh = Vec::new();
        for line in lines.iter().skip(seen as usize) {
            fresh.extend_from_slice(line);
            fresh.push(b'\n');
        }
        self.offset = seen.min(total);
        let before = self.offset;
        self.send(&fresh, to);
        // The position counts lines, not bytes.
        self.offset = before.max(total);
        self.metrics.read_bytes.set(self.offset as f64);
        Step { changed: true }
    }

    /// Opens the file, reads what it holds past the offset, and follows a
    /// rotation; every line read is sent to `to`.
    pub fn step(
        &mut self,
        to: &[LogsReceiver],
        tail_from_end: bool,
        encoding: Option<&'static Encoding>,
    ) -> Step {
        self.encoding = encoding;
        let mut changed = false;
        if self.file.is_none() {
            if let Err(error) = self.open(tail_from_end) {
                self.error = Some(error.to_string());
                return Step { changed };
            }
            changed = true;
        }
        match self.read_available(to) {
            Ok(read) => changed |= read,
            Err(error) => {
                self.error = Some(format!("cannot read {}: {error}", self.key.path));
                self.file = None;
                return Step { changed };
            }
        }
        let (_, current) = self.file.as_ref().expect("open");
        let current = *current;
        match std::fs::metadata(&self.key.path) {
            Ok(meta) if identity(&meta) == current => {
                self.error = None;
            }
            Ok(_) => {
                // Renamed away and replaced: finish the old file, then
                // start the new one from its beginning.
                self.finish(to);
                self.start = Some(0);
                changed = true;
                if self.open(false).is_ok() {
                    self.error = None;
                    let _ = self.read_available(to);
                }
            }
            Err(error) => {
                self.finish(to);
                // Whatever comes at the path next is read from its start,
                // after a restart too.
                self.start = Some(0);
                self.offset = 0;
                changed = true;
                self.error = Some(format!("cannot read {}: {error}", self.key.path));
            }
        }
        Step { changed }
    }

    fn open(&mut self, tail_from_end: bool) -> Result<(), Error> {
        let path = &self.key.path;
        let file = File::open(path).map_err(|e| Error::file(path, e))?;
        let meta = file.metadata().map_err(|e| Error::file(path, e))?;
        if meta.is_dir() {
            return Err(Error::file(path, "it is a directory"));
        }
        let size = meta.len();
        self.offset = match self.start {
            // A saved position beyond the end: the file is not the one it
            // was, read it whole.
            Some(saved) if saved <= size => saved,
            Some(_) => 0,
            None if tail_from_end && !self.opened_once => size,
            None => 0,
        };
        self.opened_once = true;
        self.file = Some((file, identity(&meta)));
        self.metrics.file_bytes.set(size as f64);
        self.metrics.read_bytes.set(self.offset as f64);
        Ok(())
    }

    /// Reads the whole lines past the offset and sends them; a
    /// truncated file is read again from 0.
    fn read_available(&mut self, to: &[LogsReceiver]) -> std::io::Result<bool> {
        let (file, _) = self.file.as_mut().expect("open");
        let size = file.metadata()?.len();
        self.metrics.file_bytes.set(size as f64);
        let mut changed = false;
        if size < self.offset {
            tracing::info!(path = %self.key.path, "file truncated, reading it from the start");
            self.offset = 0;
            changed = true;
        }
        if size == self.offset {
            return Ok(changed);
        }
        // A second handle to the same open file, so that sending (which
        // moves the offset) can go on while it is read.
        let mut file = file.try_clone()?;
        file.seek(SeekFrom::Start(self.offset))?;
        // A chunk at a time, so that memory stays bounded however much the
        // file grew; a line longer than a chunk is read on to its end.
        let mut reader = file.take(size - self.offset);
        let mut pending: Vec<u8> = Vec::new();
        loop {
            let read = (&mut reader).take(CHUNK).read_to_end(&mut pending)?;
            if read == 0 {
                break;
            }
            if let Some(last) = pending.iter().rposition(|b| *b == b'\n') {
                self.send(&pending[..=last], to);
                pending.drain(..=last);
                changed = true;
            }
        }
        Ok(changed)
    }

    /// The old file of a rotation: read to its end, a last line without
    /// its newline included (nothing will complete it now).
    fn finish(&mut self, to: &[LogsReceiver]) {
        let _ = self.read_available(to);
        if let Some((mut file, _)) = self.file.take() {
            let mut rest = Vec::new();
            if file.seek(SeekFrom::Start(self.offset)).is_ok()
                && file.read_to_end(&mut rest).is_ok()
                && !rest.is_empty()
            {
                rest.push(b'\n');
                self.send(&rest, to);
            }
        }
    }

    /// Sends `bytes` (whole lines) and moves the offset past them.
    fn send(&mut self, bytes: &[u8], to: &[LogsReceiver]) {
        let now = SystemTime::now();
        let mut entries = Vec::new();
        for raw in bytes.split_inclusive(|b| *b == b'\n') {
            let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let (line, failed) = match self.encoding {
                Some(encoding) => {
                    let (line, failed) = encoding.decode_without_bom_handling(raw);
                    (line.into_owned(), failed)
                }
                None => match std::str::from_utf8(raw) {
                    Ok(line) => (line.to_owned(), false),
                    Err(_) => (String::from_utf8_lossy(raw).into_owned(), true),
                },
            };
            if failed {
                self.metrics.encoding_failures.add(1.0);
            }
            entries.push(Entry::new(self.labels.clone(), now, line));
        }
        // Tailing runs on a blocking thread: it waits there while a
        // receiver is full, and reads on once there is room.
        self.metrics.live.logs(&entries);
        tokio::runtime::Handle::current().block_on(fan_out_waiting(to, &entries));
        self.offset += bytes.len() as u64;
        self.metrics.read_lines.add(entries.len() as f64);
        self.metrics.read_bytes.set(self.offset as f64);
    }
}
