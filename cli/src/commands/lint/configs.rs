//! From command-line paths to configs: a file alone, or a directory's
//! `*.river` files together; subdirectories are configs of their own.

use std::path::{Path, PathBuf};

use river_analyzer::db::{Config, Database, File};
use river_analyzer::lint::{config_all_findings, Finding};

use crate::source::{self, ReadError, Source};

/// One config and the database that holds its files.
pub struct LintConfig {
    pub db: Database,
    pub config: Config,
    pub sources: Vec<Source>,
    /// The path of each source on disk (`None` for standard input).
    pub paths: Vec<Option<PathBuf>>,
}

impl LintConfig {
    fn new(sources: Vec<Source>, paths: Vec<Option<PathBuf>>) -> LintConfig {
        let db = Database::default();
        let files: Vec<File> =
            sources.iter().map(|s| File::new(&db, s.name.clone(), s.text.clone())).collect();
        let config = Config::new(&db, files);
        LintConfig { db, config, sources, paths }
    }

    pub fn findings(&self) -> Vec<Finding> {
        config_all_findings(&self.db, self.config)
    }

    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name == name)
    }
}

/// Reads every config the paths name.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<LintConfig>, String> {
    let paths: Vec<PathBuf> =
        if paths.is_empty() { vec![PathBuf::from("-")] } else { paths.to_vec() };
    let mut out = Vec::new();
    for path in &paths {
        if path.is_dir() {
            directory(path, &mut out)?;
        } else {
            let source = read(path)?;
            let on_disk = (path != Path::new("-")).then(|| path.clone());
            out.push(LintConfig::new(vec![source], vec![on_disk]));
        }
    }
    Ok(out)
}

/// A directory's own `*.river` files form one config; then each
/// subdirectory, in name order.
fn directory(dir: &Path, out: &mut Vec<LintConfig>) -> Result<(), String> {
    let files = source::expand_paths(&[dir.to_path_buf()]).map_err(|e| message(&e))?;
    if !files.is_empty() {
        let sources = files.iter().map(|p| read(p)).collect::<Result<Vec<_>, _>>()?;
        out.push(LintConfig::new(sources, files.into_iter().map(Some).collect()));
    }
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    subdirs.sort();
    for sub in subdirs {
        directory(&sub, out)?;
    }
    Ok(())
}

/// A file's text; bytes that are not UTF-8 cannot be linted.
fn read(path: &Path) -> Result<Source, String> {
    source::read(path).map_err(|e| message(&e))
}

fn message(error: &ReadError) -> String {
    match error {
        ReadError::Io { name, message } => format!("{name}: {message}"),
        ReadError::Encoding { source, diagnostic } => {
            let at = river_syntax::LineIndex::new(&source.text).line_col(diagnostic.range.start());
            format!("{}:{}:{}: {}", source.name, at.line + 1, at.col + 1, diagnostic.message)
        }
    }
}
