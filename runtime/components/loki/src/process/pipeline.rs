//! The pipeline of `loki.process`: each entry travels with its
//! "extracted" map (the reference's `map[string]interface{}`), which
//! parsing stages fill and later stages read; the stages are built from
//! the component's `stage.*` blocks in the order they are written.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::Value as Json;

use river_runtime::args::{ArgError, Args};
use river_runtime::logs::Entry;
use river_runtime::metrics::Family;

use super::stages;

/// Values extracted from an entry, by name.
pub type Extracted = BTreeMap<String, Json>;

/// An entry on its way through the stages.
#[derive(Debug, Clone)]
pub struct Item {
    pub entry: Entry,
    pub extracted: Extracted,
}

impl Item {
    /// As the reference wraps an entry: its labels are extracted values
    /// from the start, so that stages can read them as sources.
    pub fn new(entry: Entry) -> Item {
        let extracted =
            entry.labels.iter().map(|(k, v)| (k.to_owned(), Json::String(v.to_owned()))).collect();
        Item { entry, extracted }
    }

    /// The text a stage reads: the extracted value `source` as a string,
    /// or the line when `source` is empty; `None` when it is missing or
    /// not convertible (the stage then leaves the entry alone).
    pub fn input(&self, source: &str) -> Option<String> {
        if source.is_empty() {
            return Some(self.entry.line.clone());
        }
        self.extracted.get(source).and_then(as_string)
    }
}

/// An extracted value as text, as the reference's `getString`: numbers
/// without exponent, booleans as `true`/`false`; `None` for null, lists
/// and objects, which it cannot convert.
pub fn as_string(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(format_number(n)),
        Json::Bool(b) => Some(b.to_string()),
        Json::Null | Json::Array(_) | Json::Object(_) => None,
    }
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`: every JSON number is a
/// float64 in the reference, and Rust's `Display` of an `f64` is the same
/// shortest decimal without exponent.
fn format_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) => f.to_string(),
        None => n.to_string(),
    }
}

/// One stage. Most work entry by entry (`apply`); stages that hold
/// entries back or emit several (`cri`) override `run`.
pub trait Stage: Send + Sync {
    /// Changes one entry; false drops it.
    fn apply(&self, _item: &mut Item) -> bool {
        true
    }

    fn run(&self, items: Vec<Item>) -> Vec<Item> {
        items.into_iter().filter_map(|mut item| self.apply(&mut item).then_some(item)).collect()
    }

    /// Entries held back that are due now (all of them with `force`, when
    /// the pipeline stops or is replaced).
    fn tick(&self, _force: bool) -> Vec<Item> {
        Vec::new()
    }

    /// Whether entries are held back, so that the pipeline must be ticked.
    fn holds(&self) -> bool {
        false
    }
}

/// What every stage may need beyond its own block.
#[derive(Clone)]
pub struct Shared {
    /// `loki_process_dropped_lines_total{reason}`.
    pub dropped: Arc<Family>,
    /// Where `stage.metrics` shows its series, and the component's id.
    pub home: Option<(Arc<river_runtime::globals::Globals>, String)>,
    /// Set once the component stops: a stage that waits (`stage.limit`)
    /// stops waiting, so the pipeline's thread ends.
    pub stopping: Arc<std::sync::atomic::AtomicBool>,
}

impl Shared {
    /// Counting into a registry of its own: for the pipelines that
    /// `stage.cri` and `stage.docker` build inside themselves, which drop
    /// nothing.
    pub fn detached() -> Shared {
        let registry = river_runtime::metrics::Registry::default();
        let dropped =
            registry.family("dropped", "", river_runtime::metrics::Kind::Counter, &["reason"]);
        Shared { dropped, home: None, stopping: Arc::default() }
    }

    pub fn drop_one(&self, reason: &str) {
        self.dropped.with(&[reason]).add(1.0);
    }
}

/// A list of stages applied in turn.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
    /// Each stage's place (`stage.regex[1]`), for `flow test --trace`.
    places: Vec<String>,
}

impl Pipeline {
    /// The stages of the `stage.*` blocks of `args`, in their order.
    pub fn build(args: &Args, shared: &Shared) -> Result<Pipeline, ArgError> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut stages = Vec::new();
        let mut places = Vec::new();
        for (name, _) in &args.blocks {
            let Some(kind) = name.strip_prefix("stage.") else { continue };
            let index = seen.entry(name.as_str()).or_default();
            // Through `blocks` (not the field) so that the read is noted.
            let Some(block) = args.blocks(name).nth(*index) else { continue };
            let place = match *index {
                0 => name.clone(),
                i => format!("{name}[{i}]"),
            };
            *index += 1;
            stages.push(stages::build(kind, block, shared, &|why| args.invalid(&place, why))?);
            places.push(place);
        }
        Ok(Pipeline { stages, places })
    }

    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    pub fn run(&self, mut items: Vec<Item>) -> Vec<Item> {
        for stage in &self.stages {
            if items.is_empty() {
                break;
            }
            items = stage.run(items);
        }
        items
    }

    /// One entry through each stage in turn: each stage's place and the
    /// entries after it (`flow test --trace`).
    pub fn trace(&self, entry: Entry) -> Vec<(String, Vec<Entry>)> {
        let mut items = vec![Item::new(entry)];
        let mut steps = Vec::new();
        for (place, stage) in self.places.iter().zip(&self.stages) {
            if items.is_empty() {
                break;
            }
            items = stage.run(items);
            steps.push((place.clone(), items.iter().map(|i| i.entry.clone()).collect()));
        }
        steps
    }

    /// Entries in, entries out: the extracted map stays inside.
    pub fn process(&self, entries: Vec<Entry>) -> Vec<Entry> {
        let items = entries.into_iter().map(Item::new).collect();
        self.run(items).into_iter().map(|item| item.entry).collect()
    }
}

impl Pipeline {
    /// What stages release now, each through the stages after it.
    pub fn tick(&self, force: bool) -> Vec<Item> {
        let mut items = Vec::new();
        for stage in &self.stages {
            let mut out = if items.is_empty() { Vec::new() } else { stage.run(items) };
            out.extend(stage.tick(force));
            items = out;
        }
        items
    }

    pub fn holds(&self) -> bool {
        self.stages.iter().any(|stage| stage.holds())
    }

    /// `tick` as entries.
    pub fn release(&self, force: bool) -> Vec<Entry> {
        self.tick(force).into_iter().map(|item| item.entry).collect()
    }
}

impl Stage for Pipeline {
    fn run(&self, items: Vec<Item>) -> Vec<Item> {
        Pipeline::run(self, items)
    }

    fn tick(&self, force: bool) -> Vec<Item> {
        Pipeline::tick(self, force)
    }

    fn holds(&self) -> bool {
        Pipeline::holds(self)
    }
}
