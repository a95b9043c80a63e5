//! Where a module's text comes from: a file or a directory's `*.river`
//! files (`import.file`, `module.file`), or a string (`import.string`,
//! `module.string`), read through the one loader. Files are read again
//! every `poll_frequency` (`poll`), or every second at most (`fsnotify`,
//! as `local.file` notices changes).

use std::path::PathBuf;
use std::time::Duration;

use river_analyzer::load::{self, Source, Walk};
use river_analyzer::value::OptionalSecret;

use crate::args::Args;
use crate::error::Error;

/// A module's text: from a file or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    File,
    String,
}

/// The settings of an `import.*` or `module.*` block that say where its
/// module is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    File { path: PathBuf, every: Duration },
    String { name: String, content: String },
}

impl Origin {
    /// Decodes the block's settings (`id` names a string's text).
    pub(crate) fn of(kind: SourceKind, id: &str, args: &Args) -> Result<Origin, Error> {
        Ok(match kind {
            SourceKind::File => {
                let detector: String = args.get("detector")?;
                let poll: Duration = args.get("poll_frequency")?;
                let every =
                    if detector == "poll" { poll } else { poll.min(Duration::from_secs(1)) };
                Origin::File { path: args.require::<String>("filename")?.into(), every }
            }
            SourceKind::String => {
                let content: OptionalSecret = args.require("content")?;
                Origin::String { name: format!("{id} content"), content: content.text }
            }
        })
    }

    /// How often to read it again, if ever.
    pub(crate) fn every(&self) -> Option<Duration> {
        match self {
            Origin::File { every, .. } => Some(*every),
            Origin::String { .. } => None,
        }
    }

    /// The module's sources now.
    pub(crate) fn read(&self) -> Result<Vec<Source>, Error> {
        match self {
            Origin::String { name, content } => Ok(vec![Source::text(name, content.clone())]),
            Origin::File { path, .. } => {
                let files =
                    load::files(path, Walk::Flat).map_err(|e| Error::invalid(e.to_string()))?;
                files
                    .iter()
                    .map(|file| load::read(file).map_err(|e| Error::invalid(e.to_string())))
                    .collect()
            }
        }
    }
}
