//! What the converter's test files share.

use std::path::{Path, PathBuf};

/// The `.yaml` cases of a folder, in name order.
pub fn yaml_cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    out
}
