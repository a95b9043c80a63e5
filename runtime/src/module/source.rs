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

use super::git::GitOrigin;
use crate::args::Args;
use crate::component::Ctx;
use crate::error::Error;
use crate::http_client::fetch::Fetch;

/// Where a module's text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    File,
    String,
    Http,
    Git,
}

/// A module's text as read, and when it is a repository's last fetched
/// version because fetching failed, why.
pub(crate) struct Fetched {
    pub sources: Vec<Source>,
    pub stale: Option<Error>,
}

impl Fetched {
    fn fresh(sources: Vec<Source>) -> Fetched {
        Fetched { sources, stale: None }
    }
}

/// The settings of an `import.*` or `module.*` block that say where its
/// module is.
#[derive(Clone)]
pub(crate) enum Origin {
    File { path: PathBuf, every: Duration },
    String { name: String, content: String },
    Http { args: Args, fetch: Arc<Fetch>, every: Duration },
    Git(GitOrigin),
}

impl Origin {
    /// Decodes the settings of the block of `ctx` (its id names a string's
    /// text; a repository is mirrored under its storage).
    pub(crate) fn of(kind: SourceKind, ctx: &Ctx, args: &Args) -> Result<Origin, Error> {
        let id = &ctx.id;
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
            SourceKind::Git => Origin::Git(GitOrigin::of(args, &ctx.data_dir)?),
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
            (Origin::Git(a), Origin::Git(b)) => a == b,
            _ => false,
        }
    }

    /// How often to read it again, if ever.
    pub(crate) fn every(&self) -> Option<Duration> {
        match self {
            Origin::File { every, .. } | Origin::Http { every, .. } => Some(*every),
            Origin::Git(git) => Some(git.every),
            Origin::String { .. } => None,
        }
    }

    /// The module's sources now, from synchronous code (a builder).
    pub(crate) fn read(&self) -> Result<Fetched, Error> {
        match self {
            Origin::String { name, content } => {
                Ok(Fetched::fresh(vec![Source::text(name, content.clone())]))
            }
            Origin::File { path, .. } => read_files(path).map(Fetched::fresh),
            Origin::Http { args, fetch, .. } => {
                Ok(Fetched::fresh(vec![Source::text(&fetch.url, Fetch::get_now(args)?)]))
            }
            Origin::Git(git) => {
                let (sources, stale) = git.read();
                Ok(Fetched { sources: sources?, stale })
            }
        }
    }

    /// The same from a task: a request or `git` waits without holding a
    /// thread of the runtime.
    pub(crate) async fn read_again(&self) -> Result<Fetched, Error> {
        match self {
            Origin::Http { fetch, .. } => {
                Ok(Fetched::fresh(vec![Source::text(&fetch.url, fetch.get().await?)]))
            }
            Origin::Git(_) => {
                let origin = self.clone();
                tokio::task::spawn_blocking(move || origin.read())
                    .await
                    .map_err(|e| Error::invalid(format!("reading the repository failed: {e}")))?
            }
            _ => self.read(),
        }
    }
}

fn read_files(path: &std::path::Path) -> Result<Vec<Source>, Error> {
    let files = load::files(path, Walk::Flat).map_err(|e| Error::invalid(e.to_string()))?;
    files.iter().map(|file| load::read(file).map_err(|e| Error::invalid(e.to_string()))).collect()
}

/// Reads `origin` again every `every` until `ctx` is cancelled and hands
/// each changed text to `apply`. While a text cannot be read, the last
/// one read could not be applied, or the repository could not be
/// fetched, `ctx` is unhealthy with the reason (the last good version
/// runs); healthy again once that passes.
pub(crate) async fn follow<F, Fut>(
    ctx: Ctx,
    origin: Arc<parking_lot::Mutex<Origin>>,
    mut last: Vec<Source>,
    every: Duration,
    apply: F,
) where
    F: Fn(Vec<Source>) -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let (mut refused, mut failing): (Option<Error>, bool) = (None, false);
    loop {
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let current = origin.lock().clone();
        let problem = match current.read_again().await {
            Ok(fetched) => {
                if fetched.sources != last {
                    last = fetched.sources.clone();
                    refused = apply(fetched.sources).await.err();
                }
                let stale = fetched.stale.map(|e| Error::invalid(format!("cannot fetch: {e}")));
                refused.clone().or(stale)
            }
            Err(error) => Some(error),
        };
        match problem {
            Some(error) => {
                failing = true;
                let message = format!("{error}; the last good version runs");
                ctx.set_health(crate::component::HealthKind::Unhealthy, message);
            }
            None if failing => {
                failing = false;
                ctx.set_health(crate::component::HealthKind::Healthy, "module updated");
            }
            None => {}
        }
    }
}
