//! `prometheus.exporter.process`: process-exporter (0.7.10, the version
//! the reference and Debian embed) in process. The processes of a procfs
//! mount are grouped and named by the `matcher` blocks (`matcher.rs`),
//! followed across scrapes (`tracker.rs`), added up by group with
//! counters that never go down (`groups.rs`) and served as the
//! `namedprocess_*` families (`render.rs`).
//!
//! The state lives as long as the arguments: new arguments start afresh,
//! as the reference rebuilds its exporter. Every scrape reads `/proc`
//! again, on a blocking thread, one scrape at a time.

mod counts;
pub mod groups;
pub mod matcher;
pub mod proc;
pub mod render;
pub mod tracker;

use std::path::Path;
use std::sync::Arc;

use parking_lot::Mutex;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration, Scrape, ScrapeError};
use river_runtime::error::Error;

use groups::Grouper;
use matcher::{Matcher, Namer};
use proc::Procfs;
use render::{ErrorTotals, Shown};
use tracker::{Options, Tracker};

/// `prometheus.exporter.process`.
pub const EXPORTER_PROCESS: Registration =
    Registration { name: "prometheus.exporter.process", build, without_effect: &[] };

/// What the arguments ask for, checked.
struct Settings {
    fs: Procfs,
    namer: Namer,
    options: Options,
    shown: Shown,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let root: String = args.get("procfs_path")?;
    let fs = Procfs::open(Path::new(&root)).map_err(|why| args.invalid("procfs_path", why))?;
    let matchers = args.blocks("matcher").map(Matcher::from_args).collect::<Result<_, _>>()?;
    let options = Options {
        children: args.get("track_children")?,
        recheck: args.get("recheck_on_scrape")?,
        smaps: args.get("gather_smaps")?,
    };
    let shown = Shown { threads: args.get("track_threads")?, smaps: options.smaps };
    Ok(Settings { fs, namer: Namer(matchers), options, shown })
}

/// The exporter's state between scrapes.
struct Collector {
    settings: Settings,
    tracker: Tracker,
    grouper: Grouper,
    errors: ErrorTotals,
    /// Whether the processes were read once (the baseline of the counters).
    primed: bool,
}

impl Collector {
    fn new(settings: Settings) -> Collector {
        let tracker = Tracker::new(settings.options);
        let (grouper, errors) = (Grouper::default(), ErrorTotals::default());
        Collector { settings, tracker, grouper, errors, primed: false }
    }

    /// Reads the processes; `None` when the mount could not be listed.
    fn cycle(&mut self) -> Option<std::collections::BTreeMap<String, groups::Group>> {
        self.primed = true;
        match self.tracker.update(&self.settings.fs, &self.settings.namer) {
            Ok((errors, updates)) => {
                self.errors.read += errors.read;
                self.errors.partial += errors.partial;
                Some(self.grouper.groups(updates))
            }
            Err(error) => {
                let root = self.settings.fs.root.display();
                tracing::warn!(%root, %error, "cannot list the processes");
                self.errors.scrape += 1;
                None
            }
        }
    }

    /// The first reading, as process-exporter takes it when it starts:
    /// processes already running count from here on.
    fn prime(&mut self) {
        if !self.primed {
            self.cycle();
        }
    }

    fn scrape(&mut self) -> String {
        let groups = self.cycle();
        render::render(groups.as_ref(), self.settings.shown, self.errors)
    }
}

struct ExporterProcess {
    ctx: Ctx,
    collector: Arc<Mutex<Collector>>,
}

/// Takes the first reading off the runtime's threads.
fn prime(ctx: &Ctx, collector: Arc<Mutex<Collector>>) {
    ctx.spawn(async move {
        let _ = tokio::task::spawn_blocking(move || collector.lock().prime()).await;
    });
}

impl Component for ExporterProcess {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let collector = Collector::new(settings(args)?);
        *self.collector.lock() = collector;
        prime(&self.ctx, self.collector.clone());
        Ok(())
    }

    fn scrape(&self, _: &[(String, String)]) -> Option<Scrape> {
        let collector = self.collector.clone();
        Some(Box::pin(async move {
            let read = tokio::task::spawn_blocking(move || collector.lock().scrape());
            read.await.map_err(|e| ScrapeError { status: 500, message: e.to_string() })
        }))
    }
}

fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let collector = Arc::new(Mutex::new(Collector::new(settings(args)?)));
    crate::target::export(&ctx, &[crate::target::base(&ctx, "process")]);
    prime(&ctx, collector.clone());
    Ok(Arc::new(ExporterProcess { ctx, collector }))
}
