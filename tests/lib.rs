//! Cross-crate and end-to-end test suites; the tests live under `tests/tests/`.

use std::path::{Path, PathBuf};

/// Files under `dir` (recursively) ending in `.ext`, in path order.
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A reviewed list: lines of `file: what`, each followed by an indented
/// `because: ...` line giving its reason. Comment lines start with `#`.
pub fn reviewed_list(path: &Path) -> std::collections::HashMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = std::collections::HashMap::new();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).peekable();
    while let Some(line) = lines.next() {
        let reason = lines.next_if(|l| l.starts_with("  because: ")).unwrap_or_default();
        assert!(!reason.is_empty(), "{line}: every entry needs a `because:` line");
        out.insert(line.to_owned(), reason.to_owned());
    }
    out
}
