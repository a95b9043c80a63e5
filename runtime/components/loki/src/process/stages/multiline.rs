//! `stage.multiline`: joins the lines of a block (a first line matching
//! `firstline` and the lines after it) into one entry with the first
//! line's labels, time and extracted values, per stream. A block goes out
//! when the next first line comes, when it has `max_lines` lines, or when
//! its stream has been quiet for `max_wait_time` (the component's task
//! ticks the pipeline for that). Lines of a stream before its first
//! first line pass through, as the reference does.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use river_runtime::args::{ArgError, Args};
use river_runtime::labels::Labels;

use crate::process::pipeline::{Item, Stage};

/// A stream's block: lines after its last first line, which gives the
/// block its labels, time and extracted values (kept after a block goes
/// out for `max_lines`, as the reference keeps it).
struct Stream {
    start: Item,
    lines: String,
    count: u64,
    /// When the stream last had a line.
    seen: Instant,
}

impl Stream {
    /// The block as one entry, if it has lines; the stream starts afresh.
    fn collapse(&mut self) -> Option<Item> {
        if self.count == 0 {
            return None;
        }
        let mut item = self.start.clone();
        item.entry.line = std::mem::take(&mut self.lines);
        self.count = 0;
        Some(item)
    }
}

pub struct Multiline {
    firstline: ::regex::Regex,
    max_lines: u64,
    max_wait: Duration,
    streams: Mutex<HashMap<Labels, Stream>>,
}

impl Multiline {
    pub fn build(block: &Args) -> Result<Multiline, ArgError> {
        let firstline: String = block.require("firstline")?;
        if firstline.is_empty() {
            let why = "multiline stage config must define `firstline` regular expression";
            return Err(block.invalid("firstline", why));
        }
        let max_wait: Duration = block.get("max_wait_time")?;
        if max_wait.is_zero() {
            return Err(block.invalid("max_wait_time", "max_wait_time must be greater than 0"));
        }
        Ok(Multiline {
            firstline: super::go_regex(block, "firstline", &firstline)?,
            max_lines: block.get::<f64>("max_lines")?.max(0.0) as u64,
            max_wait,
            streams: Mutex::default(),
        })
    }

    /// One entry of a stream that has had a first line.
    fn next(&self, stream: &mut Stream, item: Item, out: &mut Vec<Item>) {
        if self.firstline.is_match(&item.entry.line) {
            out.extend(stream.collapse());
            stream.start = item.clone();
        }
        if !stream.lines.is_empty() {
            stream.lines.push('\n');
        }
        stream.lines.push_str(&item.entry.line);
        stream.count += 1;
        stream.seen = Instant::now();
        if stream.count == self.max_lines {
            out.extend(stream.collapse());
        }
    }
}

impl Stage for Multiline {
    fn run(&self, items: Vec<Item>) -> Vec<Item> {
        let mut out = Vec::with_capacity(items.len());
        let mut streams = self.streams.lock();
        for item in items {
            let key = item.entry.labels.clone();
            match streams.get_mut(&key) {
                Some(stream) => self.next(stream, item, &mut out),
                None if self.firstline.is_match(&item.entry.line) => {
                    let start = item.clone();
                    let mut stream =
                        Stream { start, lines: String::new(), count: 0, seen: Instant::now() };
                    self.next(&mut stream, item, &mut out);
                    streams.insert(key, stream);
                }
                None => out.push(item),
            }
        }
        out
    }

    fn tick(&self, force: bool) -> Vec<Item> {
        let now = Instant::now();
        let mut streams = self.streams.lock();
        let mut out = Vec::new();
        for stream in streams.values_mut() {
            if force || now - stream.seen >= self.max_wait {
                out.extend(stream.collapse());
            }
        }
        out
    }

    fn holds(&self) -> bool {
        self.streams.lock().values().any(|stream| stream.count > 0)
    }
}
