//! Reading the log from a position on: the last record from memory when
//! the reader is caught up, else record after record from the segments.

use std::fs::File;
use std::io::{self, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::frame::read_record;
use super::{segment_path, Position, Wal};
use river_runtime::series::Sample;

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

    /// The next record when it is the log's last one: the one at this
    /// position, or, when the reader is at the end of the segment last
    /// closed, the first of the next (a large record often starts one).
    fn recent_next(&self, wal: &Wal) -> Option<(Position, u64, Arc<Vec<Sample>>)> {
        let latest = wal.recent.lock();
        let r = latest.record.as_ref()?;
        let starts_next = r.at.offset == 0
            && r.at.segment == self.position.segment + 1
            && latest.closed == Some(self.position);
        (r.at == self.position || starts_next).then(|| (r.at, r.len, r.samples.clone()))
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
        self.next_on_disk(wal, end)
    }

    /// The next record with samples in the segments, before `end`.
    fn next_on_disk(&mut self, wal: &Wal, end: Position) -> io::Result<Option<Arc<Vec<Sample>>>> {
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
            match read_record(reader, &wal.series)? {
                // A record of definitions only has nothing to send.
                Some((samples, len)) if samples.is_empty() => self.position.offset += len,
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
