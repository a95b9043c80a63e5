//! The analysis database: salsa inputs (file texts, which files form a
//! config) and the queries over them.
//!
//! Queries are layered so that an edit re-runs as little as possible: a
//! file's text gives its parse, the parse gives its items (one tracked
//! `Item` per top-level block, identified by file, name and label, never by
//! offset), and everything about names reads only the item keys. Editing
//! one attribute value changes the syntax of one item: only the checks of
//! that item run again (`tests/incremental.rs` holds this with salsa's
//! event log).

mod items;
mod names;

use std::sync::{Arc, Mutex};

pub use items::{file_items, parse_file, Item, ItemSyntax, ParsedFile};
pub use names::{config_names, item_key, ItemKey, NameTable};

/// A source file: its path (as given, used in reports) and text.
#[salsa::input(debug)]
pub struct File {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
}

/// The files that form one config: a file alone, or a directory's
/// `*.river` files together, as `flow run DIR` loads them.
#[salsa::input(debug)]
pub struct Config {
    #[returns(ref)]
    pub files: Vec<File>,
}

/// The analysis database. Cheap to clone (handles share storage), as the
/// language server needs for cancellable background work.
#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
    log: Option<Arc<Mutex<Vec<String>>>>,
}

#[salsa::db]
impl salsa::Database for Database {}

impl Database {
    /// A database that records the name of every query it executes, for
    /// tests of incrementality.
    pub fn with_execution_log() -> Database {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                sink.lock().unwrap().push(format!("{database_key:?}"));
            }
        })));
        Database { storage, log: Some(log) }
    }

    /// The queries executed since the last call, emptied.
    pub fn take_log(&self) -> Vec<String> {
        self.log.as_ref().map(|log| std::mem::take(&mut *log.lock().unwrap())).unwrap_or_default()
    }
}
