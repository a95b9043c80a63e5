//! Reading the inputs a command names: files, directories of `*.river`
//! files, or standard input (`-`).

use std::io::Read;
use std::path::{Path, PathBuf};

use river_syntax::{Diagnostic, TextRange, TextSize};

/// One input text and the name to report it under.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it (or `<stdin>`).
    pub name: String,
    pub text: String,
}

/// Why an input could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The operating system refused: missing file, permissions, ...
    Io { name: String, message: String },
    /// The bytes are not UTF-8; the diagnostic points at the first bad byte
    /// within `text`, the valid prefix plus a replacement character.
    Encoding { source: Box<Source>, diagnostic: Box<Diagnostic> },
}

/// Expands the command-line paths: a directory stands for its `*.river`
/// files (not its subdirectories), sorted by name, as `flow run DIR` loads
/// them. No path means standard input.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    if paths.is_empty() {
        return Ok(vec![PathBuf::from("-")]);
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            out.extend(river_files_in(path)?);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn river_files_in(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let io_err = |e: std::io::Error| ReadError::Io {
        name: dir.display().to_string(),
        message: e.to_string(),
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let path = entry.map_err(io_err)?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "river") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads one input; `-` is standard input.
pub fn read(path: &Path) -> Result<Source, ReadError> {
    let (name, bytes) = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::Io { name: "<stdin>".into(), message: e.to_string() })?;
        ("<stdin>".to_string(), bytes)
    } else {
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => (name, bytes),
            Err(e) => return Err(ReadError::Io { name, message: e.to_string() }),
        }
    };
    crate::heap::expect_input(bytes.len());
    decode(name, bytes)
}

/// Turns bytes into text, or reports where they stop being UTF-8.
pub fn decode(name: String, bytes: Vec<u8>) -> Result<Source, ReadError> {
    if bytes.len() >= u32::MAX as usize {
        return Err(ReadError::Io { name, message: "file is too large (4 GiB or more)".into() });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source { name, text }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Keep the text up to the bad byte so the report can show its line.
            let line_end =
                bytes[valid..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| valid + i);
            let text = String::from_utf8_lossy(&bytes[..line_end]).into_owned();
            let at = TextSize::from(valid as u32);
            let range =
                TextRange::at(at, TextSize::from(char::REPLACEMENT_CHARACTER.len_utf8() as u32));
            let diagnostic = Diagnostic::error("invalid-encoding", range, "illegal UTF-8 encoding")
                .with_note("River files must be UTF-8");
            Err(ReadError::Encoding {
                source: Box::new(Source { name, text }),
                diagnostic: Box::new(diagnostic),
            })
        }
    }
}
