//! `river/syntaxTree`: the document's tree as `flow parse --tree` prints it.

use crate::state::Snapshot;

pub fn syntax_tree(s: &Snapshot) -> String {
    format!("{:#?}", s.root())
}
