//! `stage.cri` and `stage.docker`: the container runtimes' log formats,
//! as the reference builds them from other stages (a regex or JSON parse,
//! the `stream` label, the RFC3339Nano timestamp, the content as line).
//! CRI's partial lines (flag `P`) are held per stream and joined with the
//! full line (`F`) that ends them, up to `max_partial_lines` streams held
//! at once; `max_partial_line_size` with `max_partial_line_size_truncate`
//! cuts joined lines to that many bytes.

use std::collections::HashMap;

use parking_lot::Mutex;
use serde_json::Value as Json;

use river_analyzer::{Object, Value};
use river_runtime::args::{ArgError, Args};
use river_runtime::labels::Labels;

use crate::process::pipeline::{Item, Pipeline, Stage};

const CRI: &str = r"^(?s)(?P<time>\S+?) (?P<stream>stdout|stderr) (?P<flags>\S+?) (?P<content>.*)$";

pub struct Cri {
    base: Pipeline,
    max_partial_lines: usize,
    /// Bytes a joined line is cut to; 0 for no limit.
    truncate_at: usize,
    partial: Mutex<HashMap<Labels, Item>>,
}

/// A pipeline of the given stages, written as River blocks would be.
fn pipeline(blocks: Vec<(&str, Vec<(&str, Value)>)>) -> Result<Pipeline, ArgError> {
    let blocks = blocks
        .into_iter()
        .map(|(name, attrs)| {
            let attrs = attrs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            (name.to_owned(), Args::new(attrs, Vec::new()))
        })
        .collect();
    let args = Args::new(Default::default(), blocks).for_schema("loki.process");
    Pipeline::build(&args, &crate::process::pipeline::Shared::detached())
}

fn text(s: &str) -> Value {
    Value::String(s.into())
}

fn stream_time_line(line_from: &str) -> Vec<(&'static str, Vec<(&'static str, Value)>)> {
    let stream = Value::Object(Object::from_iter([("stream".to_owned(), text(""))]));
    vec![
        ("stage.labels", vec![("values", stream)]),
        ("stage.timestamp", vec![("source", text("time")), ("format", text("RFC3339Nano"))]),
        (
            "stage.output",
            vec![("source", text(if line_from == "log" { "log" } else { "content" }))],
        ),
    ]
}

/// `stage.docker`: each line a JSON object with `log`, `stream`, `time`.
pub fn docker() -> Result<Pipeline, ArgError> {
    let expressions =
        Object::from_iter(["log", "stream", "time"].map(|k| (k.to_owned(), text(""))));
    let mut blocks = vec![("stage.json", vec![("expressions", Value::Object(expressions))])];
    blocks.extend(stream_time_line("log"));
    pipeline(blocks)
}

impl Cri {
    pub fn build(block: &Args) -> Result<Cri, ArgError> {
        let mut blocks = vec![("stage.regex", vec![("expression", text(CRI))])];
        blocks.extend(stream_time_line("content"));
        let max_partial_lines = block.get::<f64>("max_partial_lines")?;
        let size = block.get::<f64>("max_partial_line_size")?;
        let truncate = block.get::<bool>("max_partial_line_size_truncate")?;
        if max_partial_lines < 0.0 || size < 0.0 {
            return Err(block.invalid("max_partial_lines", "must not be negative"));
        }
        Ok(Cri {
            base: pipeline(blocks)?,
            max_partial_lines: max_partial_lines as usize,
            truncate_at: if truncate { size as usize } else { 0 },
            partial: Mutex::default(),
        })
    }

    fn truncate(&self, item: &mut Item) {
        if self.truncate_at > 0 && item.entry.line.len() > self.truncate_at {
            let mut cut = self.truncate_at;
            while !item.entry.line.is_char_boundary(cut) {
                cut -= 1;
            }
            item.entry.line.truncate(cut);
        }
    }

    /// One parsed entry: held when partial, else out (joined with what
    /// was held for its stream).
    fn next(&self, mut item: Item, out: &mut Vec<Item>) {
        let mut partial = self.partial.lock();
        let key = item.entry.labels.clone();
        let is_partial = item.extracted.get("flags") == Some(&Json::String("P".into()));
        if is_partial && partial.len() >= self.max_partial_lines {
            // Too many held: let them all out as they are, and hold this one.
            out.extend(partial.drain().map(|(_, held)| held));
            self.truncate(&mut item);
            partial.insert(key, item);
            return;
        }
        if let Some(held) = partial.remove(&key) {
            item.entry.line = held.entry.line + &item.entry.line;
        }
        self.truncate(&mut item);
        if is_partial {
            partial.insert(key, item);
        } else {
            out.push(item);
        }
    }
}

impl Stage for Cri {
    fn run(&self, items: Vec<Item>) -> Vec<Item> {
        let mut out = Vec::with_capacity(items.len());
        for item in self.base.run(items) {
            self.next(item, &mut out);
        }
        out
    }
}
