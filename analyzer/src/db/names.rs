//! The names a config defines: every component and labelled config block,
//! by the key a reference uses (`discovery.kubernetes.pods`).

use std::collections::HashMap;

use super::{file_items, Config, Item};

/// `name.label` (or `name` for unlabelled blocks): the part of a reference
/// that names a component.
pub type ItemKey = String;

/// Every item of a config by key; a key with two items is a duplicate.
#[derive(Debug, Clone, PartialEq, Eq, Default, salsa::SalsaValue)]
pub struct NameTable<'db> {
    pub by_key: HashMap<ItemKey, Vec<Item<'db>>>,
}

impl<'db> NameTable<'db> {
    pub fn get(&self, key: &str) -> Option<Item<'db>> {
        self.by_key.get(key).and_then(|items| items.first().copied())
    }
}

/// The key of an item.
pub fn item_key(db: &dyn salsa::Database, item: Item<'_>) -> ItemKey {
    match item.label(db) {
        Some(label) => format!("{}.{label}", item.name(db)),
        None => item.name(db).clone(),
    }
}

/// Reads only the items' identities (file, name, label), never their
/// syntax, so edits inside blocks do not re-run it.
#[salsa::tracked(returns(ref))]
pub fn config_names(db: &dyn salsa::Database, config: Config) -> NameTable<'_> {
    let mut table = NameTable::default();
    for file in config.files(db) {
        for item in file_items(db, *file) {
            table.by_key.entry(item_key(db, *item)).or_default().push(*item);
        }
    }
    table
}
