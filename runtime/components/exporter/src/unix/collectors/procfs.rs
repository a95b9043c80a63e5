//! Reading the proc file system for the core collectors: whole files as
//! text, with errors that name the file, and node_exporter's rule that a
//! file the kernel does not offer means "no data" rather than failure.

use std::io;
use std::path::Path;

use crate::unix::collector::CollectError;

/// The file as text; any error fails the collector, naming the file.
pub fn read(path: &Path) -> Result<String, CollectError> {
    std::fs::read_to_string(path).map_err(|e| failed(path, e))
}

/// The file as text, `None` when it does not exist.
pub fn read_if_present(path: &Path) -> Result<Option<String>, CollectError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(failed(path, e)),
    }
}

/// The file as text; a missing file is `Unsupported` (node_exporter's
/// ErrNoData: the kernel lacks the feature).
pub fn read_or_unsupported(path: &Path) -> Result<String, CollectError> {
    match read_if_present(path)? {
        Some(text) => Ok(text),
        None => Err(CollectError::Unsupported(format!("{} does not exist", path.display()))),
    }
}

pub fn failed(path: &Path, error: impl std::fmt::Display) -> CollectError {
    CollectError::Failed(format!("{}: {error}", path.display()))
}

/// A decimal field of `path`, as a float (Go's ParseFloat accepts what
/// the kernel writes: integers and decimals).
pub fn number(path: &Path, field: &str) -> Result<f64, CollectError> {
    field.parse().map_err(|_| failed(path, format!("cannot parse {field:?}")))
}

/// An unsigned decimal field of `path`.
pub fn unsigned(path: &Path, field: &str) -> Result<u64, CollectError> {
    field.parse().map_err(|_| failed(path, format!("cannot parse {field:?}")))
}

/// An unsigned hexadecimal field of `path` (softnet, conntrack).
pub fn hex(path: &Path, field: &str) -> Result<u64, CollectError> {
    u64::from_str_radix(field, 16).map_err(|_| failed(path, format!("cannot parse {field:?}")))
}
