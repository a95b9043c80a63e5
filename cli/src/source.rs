//! Reading the inputs a command names, through the one loader
//! (`river_analyzer::load`): files, directories of `*.river` files, or
//! standard input (`-`). What this adds is the command line's own: no path
//! means standard input, and the heap is prepared for a large input before
//! it is decoded (`heap.rs`).

use std::path::{Path, PathBuf};

use river_analyzer::load::{self, Walk};
pub use river_analyzer::load::{LoadError, Source};

/// Expands the command-line paths into files: a directory stands for its
/// `*.river` files (not its subdirectories), sorted by name, as `flow run
/// DIR` loads them. No path means standard input.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    if paths.is_empty() {
        return Ok(vec![PathBuf::from("-")]);
    }
    let mut out = Vec::new();
    for path in paths {
        out.extend(load::files(path, Walk::Flat)?);
    }
    Ok(out)
}

/// Reads one input; `-` is standard input.
pub fn read(path: &Path) -> Result<Source, LoadError> {
    let (name, bytes) = load::read_bytes(path)?;
    crate::heap::expect_input(bytes.len());
    load::decode(name, path, bytes)
}
