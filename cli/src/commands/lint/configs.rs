//! From command-line paths to configs, through the one loader: a file
//! alone, or a directory's `*.river` files together; subdirectories are
//! configs of their own.

use std::path::PathBuf;

use river_analyzer::db::{Config, Database};
use river_analyzer::lint::{config_all_findings, Finding};
use river_analyzer::load::{self, Walk};

use crate::source::{self, LoadError, Source};

/// One config and the database that holds its files.
pub struct LintConfig {
    pub db: Database,
    pub config: Config,
    pub sources: Vec<Source>,
}

impl LintConfig {
    fn new(sources: Vec<Source>) -> LintConfig {
        let db = Database::default();
        let config = load::to_config(&db, &sources);
        LintConfig { db, config, sources }
    }

    pub fn findings(&self) -> Vec<Finding> {
        config_all_findings(&self.db, self.config)
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
        for group in load::configs(path, Walk::Recursive)? {
            let sources = group.iter().map(|p| source::read(p)).collect::<Result<_, _>>()?;
            out.push(LintConfig::new(sources));
        }
    }
    Ok(out)
}
