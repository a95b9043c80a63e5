//! The one loader: which files a path means, and their texts.
//!
//! Every tool reads configs through here (`flowfmt`, `flowlint`,
//! `flow parse`, `flow run` and the language server), so they agree on
//! the rules:
//! - `-` is standard input;
//! - a file is read whatever its name;
//! - a directory means its own `*.river` files, sorted by name, which
//!   together form one config; with [`Walk::Recursive`] its subdirectories
//!   follow, each a config of its own, skipping hidden ones and what
//!   `.gitignore` files exclude;
//! - `*.test.river` files are tests of the config beside them (`flow
//!   test`), never part of it: only `flowfmt` ([`files_and_tests`]) and
//!   `flow test` ([`tests_of`]) read them from a directory;
//! - bytes that are not UTF-8 are an error that points at the first bad
//!   byte (line and column), with the text before it kept for showing.

use std::io::Read;
use std::path::{Path, PathBuf};

use river_syntax::{Diagnostic, TextRange, TextSize};

use crate::db::{Config, Database, File};

/// One file of a config: the name reports use, where it is on disk, and
/// its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The path as the user gave it, `<stdin>`, or a made-up name such as
    /// `prometheus.yml (converted)`.
    pub path: String,
    /// Where it was read from, when that is a file (for rewriting it).
    pub file: Option<PathBuf>,
    pub text: String,
}

impl Source {
    /// A text that is not on disk (standard input, an expression, the
    /// output of a conversion).
    pub fn text(path: impl Into<String>, text: impl Into<String>) -> Source {
        Source { path: path.into(), file: None, text: text.into() }
    }
}

/// Why a path could not be loaded.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    /// The operating system refused: missing file, permissions, ...
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    /// The bytes are not UTF-8: the diagnostic points at the first bad
    /// byte of `partial`, whose text is the file up to the end of that
    /// line (the bad bytes replaced), for showing the place.
    #[error("{}", encoding_message(partial, diagnostic))]
    Encoding { partial: Box<Source>, diagnostic: Box<Diagnostic> },
    /// A directory with no `*.river` file, where one config is wanted.
    #[error("{path} has no .river files")]
    Empty { path: String },
}

fn encoding_message(source: &Source, diagnostic: &Diagnostic) -> String {
    let at = river_syntax::LineIndex::new(&source.text).line_col(diagnostic.range.start());
    format!("{}:{}:{}: {}", source.path, at.line + 1, at.col + 1, diagnostic.message)
}

/// Whether a directory's subdirectories count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Only the directory's own `*.river` files (`flow run`, the language server).
    Flat,
    /// Its subdirectories too, each a config of its own (`flowfmt`, `flowlint`).
    Recursive,
}

/// The configs `path` names, as groups of files: a file alone, or each
/// directory's `*.river` files (the first group the directory's own).
pub fn configs(path: &Path, walk: Walk) -> Result<Vec<Vec<PathBuf>>, LoadError> {
    if !path.is_dir() {
        return Ok(vec![vec![path.to_path_buf()]]);
    }
    let mut dirs = vec![path.to_path_buf()];
    if walk == Walk::Recursive {
        dirs.extend(subdirectories(path));
    }
    let mut groups = Vec::new();
    for dir in dirs {
        let files = river_files(&dir)?;
        if !files.is_empty() {
            groups.push(files);
        }
    }
    Ok(groups)
}

/// The files `path` names, in order (every group of [`configs`]).
pub fn files(path: &Path, walk: Walk) -> Result<Vec<PathBuf>, LoadError> {
    Ok(configs(path, walk)?.into_iter().flatten().collect())
}

/// Every file [`files`] names, and the test files of the same
/// directories (what `flowfmt` formats).
pub fn files_and_tests(path: &Path, walk: Walk) -> Result<Vec<PathBuf>, LoadError> {
    let mut all = files(path, walk)?;
    if path.is_dir() {
        let mut dirs = vec![path.to_path_buf()];
        if walk == Walk::Recursive {
            dirs.extend(subdirectories(path));
        }
        for dir in dirs {
            all.extend(test_files(&dir)?);
        }
    }
    Ok(all)
}

/// The tests of the config `path` names: a directory's `*.test.river`
/// files; for a config file `x.river`, the test files beside it named
/// after it (`x.test.river`, `x.<more>.test.river`), so that several
/// one-file configs can share a directory.
pub fn tests_of(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    if path.is_dir() {
        return test_files(path);
    }
    let dir = match path.parent() {
        Some(dir) if dir.as_os_str().is_empty() => Path::new("."),
        Some(dir) => dir,
        None => return Ok(Vec::new()),
    };
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let prefix = format!("{stem}.");
    let named = |p: &PathBuf| {
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix))
    };
    Ok(test_files(dir)?.into_iter().filter(named).collect())
}

/// Whether `path` names a test file (`*.test.river`).
pub fn is_test_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".test.river"))
}

/// The one config `path` names (a file, or a directory's own `*.river`
/// files), read.
pub fn config(path: &Path) -> Result<Vec<Source>, LoadError> {
    let group = configs(path, Walk::Flat)?.into_iter().next();
    let group = group.ok_or_else(|| LoadError::Empty { path: path.display().to_string() })?;
    group.iter().map(|p| read(p)).collect()
}

/// The sources as the analyzer's config in `db`.
pub fn to_config(db: &Database, sources: &[Source]) -> Config {
    let files: Vec<File> =
        sources.iter().map(|s| File::new(db, s.path.clone(), s.text.clone())).collect();
    Config::new(db, files)
}

/// A directory's own `*.river` files but its tests, sorted by name.
pub fn river_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    Ok(dir_files(dir)?.into_iter().filter(|p| !is_test_file(p)).collect())
}

/// A directory's own `*.test.river` files, sorted by name.
pub fn test_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    Ok(dir_files(dir)?.into_iter().filter(|p| is_test_file(p)).collect())
}

/// A directory's own `*.river` files, tests included, sorted by name.
fn dir_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |e: std::io::Error| LoadError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        // `flowfmt .` names `a.river`, not `./a.river`.
        let path = path.strip_prefix("./").map(Path::to_path_buf).unwrap_or(path);
        if path.is_file() && path.extension().is_some_and(|e| e == "river") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Every directory below `dir`, in name order: hidden ones and what
/// `.gitignore` files exclude are left out.
fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.depth() > 0 && e.file_type().is_some_and(|t| t.is_dir()))
        .map(|e| e.into_path())
        .collect();
    dirs.sort();
    dirs
}

/// Reads one file; `-` is standard input.
pub fn read(path: &Path) -> Result<Source, LoadError> {
    let (name, bytes) = read_bytes(path)?;
    decode(name, path, bytes)
}

/// The bytes of one file (`-`: standard input) and the name to report
/// them under, for a caller that looks at the size before decoding.
pub fn read_bytes(path: &Path) -> Result<(String, Vec<u8>), LoadError> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| LoadError::Io { path: "<stdin>".into(), message: e.to_string() })?;
        return Ok(("<stdin>".into(), bytes));
    }
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => Ok((name, bytes)),
        Err(e) => Err(LoadError::Io { path: name, message: e.to_string() }),
    }
}

/// Turns the bytes read from `path` into a source, or reports where they
/// stop being UTF-8.
pub fn decode(name: String, path: &Path, bytes: Vec<u8>) -> Result<Source, LoadError> {
    let file = (path != Path::new("-")).then(|| path.to_path_buf());
    if bytes.len() >= u32::MAX as usize {
        let message = "file is too large (4 GiB or more)".into();
        return Err(LoadError::Io { path: name, message });
    }
    let error = match String::from_utf8(bytes) {
        Ok(text) => return Ok(Source { path: name, file, text }),
        Err(e) => e,
    };
    let valid = error.utf8_error().valid_up_to();
    let bytes = error.into_bytes();
    // Keep the text up to the end of the bad byte's line, to show it.
    let line_end =
        bytes[valid..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| valid + i);
    let text = String::from_utf8_lossy(&bytes[..line_end]).into_owned();
    let at = TextSize::from(valid as u32);
    let range = TextRange::at(at, TextSize::from(char::REPLACEMENT_CHARACTER.len_utf8() as u32));
    let diagnostic = Diagnostic::error("invalid-encoding", range, "illegal UTF-8 encoding")
        .with_note("River files must be UTF-8");
    Err(LoadError::Encoding {
        partial: Box::new(Source { path: name, file, text }),
        diagnostic: Box::new(diagnostic),
    })
}

#[cfg(test)]
mod tests;
