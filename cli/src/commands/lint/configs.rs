//! From command-line paths to configs, through the one loader: a file
//! alone, or a directory's `*.river` files together; subdirectories are
//! configs of their own. A directory's test files (`*.test.river`) are
//! checked as tests of its config; a test file named alone, as a test of
//! the config of its directory.

use std::path::PathBuf;

use river_analyzer::db::{Config, Database};
use river_analyzer::lint::{config_all_findings, Finding};
use river_analyzer::load::{self, Walk};
use river_analyzer::test_file;

use crate::source::{self, LoadError, Source};

/// One config and the database that holds its files.
pub struct LintConfig {
    pub db: Database,
    pub config: Config,
    /// The config's files, then its test files.
    pub sources: Vec<Source>,
    /// How many of `sources` are the config's.
    config_files: usize,
    /// Whether the config's own findings are wanted (not when a test file
    /// was named alone).
    own: bool,
}

impl LintConfig {
    fn new(mut sources: Vec<Source>, tests: Vec<Source>, own: bool) -> LintConfig {
        let db = Database::default();
        let config = load::to_config(&db, &sources);
        let config_files = sources.len();
        sources.extend(tests);
        LintConfig { db, config, sources, config_files, own }
    }

    pub fn findings(&self) -> Vec<Finding> {
        let mut all = match self.own {
            true => config_all_findings(&self.db, self.config),
            false => Vec::new(),
        };
        for test in &self.sources[self.config_files..] {
            all.extend(test_file::check_against(&self.db, self.config, &test.path, &test.text));
        }
        all
    }

    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.path == name)
    }
}

/// Reads every config the paths name (standard input when none).
pub fn collect(paths: &[PathBuf]) -> Result<Vec<LintConfig>, LoadError> {
    let paths: Vec<PathBuf> =
        if paths.is_empty() { vec![PathBuf::from("-")] } else { paths.to_vec() };
    let mut out = Vec::new();
    for path in &paths {
        if load::is_test_file(path) {
            out.push(test_alone(path)?);
            continue;
        }
        for group in load::configs(path, Walk::Recursive)? {
            let sources = read_all(&group)?;
            let tests = match path.is_dir() {
                true => read_all(&tests_beside(&group)?)?,
                false => Vec::new(),
            };
            out.push(LintConfig::new(sources, tests, true));
        }
    }
    Ok(out)
}

fn read_all(paths: &[PathBuf]) -> Result<Vec<Source>, LoadError> {
    paths.iter().map(|p| source::read(p)).collect()
}

/// The test files of the directory of a config's files.
fn tests_beside(group: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let dir = group.first().and_then(|first| first.parent());
    match dir {
        Some(dir) if dir.as_os_str().is_empty() => load::test_files(std::path::Path::new(".")),
        Some(dir) => load::test_files(dir),
        None => Ok(Vec::new()),
    }
}

/// A test file named alone, with the config of its directory.
fn test_alone(path: &std::path::Path) -> Result<LintConfig, LoadError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let config = read_all(&load::river_files(&dir)?)?;
    Ok(LintConfig::new(config, vec![source::read(path)?], false))
}
