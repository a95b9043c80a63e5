//! Where a module's text comes from: a file or a directory's `*.river`
//! files (`import.file`, `module.file`), a string (`import.string`,
//! `module.string`), or a URL (`import.http`, `module.http`, with
//! `remote.http`'s arguments). Files are read through the one loader,
//! again every `poll_frequency` (`poll`), or every second at most
//! (`fsnotify`, as `local.file` notices changes); a URL is requested again
//! every `poll_frequency`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use river_analyzer::load::{self, Source, Walk};
use river_analyzer::value::OptionalSecret;

use crate::args::Args;
use crate::error::Error;
use crate::http_client::fetch::Fetch;

/// Where a module's text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    File,
    String,
    Http,
}

/// The settings of an `import.*` or `module.*` block that say where its
/// module is.
#[derive(Clone)]
pub(crate) enum Origin {
    File { path: PathBuf, every: Duration },
    String { name: String, content: String },
    Http { args: Args, fetch: Arc<Fetch>, every: Duration },
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
            SourceKind::Http => Origin::Http {
                fetch: Arc::new(Fetch::from_args(args)?),
                every: args.get("poll_frequency")?,
                args: args.clone(),
            },
        })
    }

    /// Whether two settings name the same text the same way.
    pub(crate) fn same(&self, other: &Origin) -> bool {
        match (self, other) {
            (Origin::Http { args: a, .. }, Origin::Http { args: b, .. }) => {
                a.to_value() == b.to_value()
            }
            (Origin::File { path: a, every: x }, Origin::File { path: b, every: y }) => {
                a == b && x == y
            }
            (Origin::String { name: a, content: x }, Origin::String { name: b, content: y }) => {
                a == b && x == y
            }
            _ => false,
        }
    }

    /// How often to read it again, if ever.
    pub(crate) fn every(&self) -> Option<Duration> {
        match self {
            Origin::File { every, .. } | Origin::Http { every, .. } => Some(*every),
            Origin::String { .. } => None,
        }
    }

    /// The module's sources now, from synchronous code (a builder).
    pub(crate) fn read(&self) -> Result<Vec<Source>, Error> {
        match self {
            Origin::String { name, content } => Ok(vec![Source::text(name, content.clone())]),
            Origin::File { path, .. } => read_files(path),
            Origin::Http { args, fetch, .. } => {
                Ok(vec![Source::text(&fetch.url, Fetch::get_now(args)?)])
            }
        }
    }

    /// The same from a task: a request waits without holding a thread.
    pub(crate) async fn read_again(&self) -> Result<Vec<Source>, Error> {
        match self {
            Origin::Http { fetch, .. } => Ok(vec![Source::text(&fetch.url, fetch.get().await?)]),
            _ => self.read(),
        }
    }
}

fn read_files(path: &std::path::Path) -> Result<Vec<Source>, Error> {
    let files = load::files(path, Walk::Flat).map_err(|e| Error::invalid(e.to_string()))?;
    files.iter().map(|file| load::read(file).map_err(|e| Error::invalid(e.to_string()))).collect()
}
