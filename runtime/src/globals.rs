//! What every component of a process shares: the flags of `flow run`, the
//! metrics gatherer, the HTTP client, the server's routes (served in
//! process for targets at the memory address) and the task tracker that
//! shutdown waits on.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use tokio_util::task::TaskTracker;

use crate::metrics::{Gatherer, Registry};

pub struct Globals {
    /// `--server.http.listen-addr`.
    pub listen_addr: String,
    /// `--server.http.memory-addr`: requests to it are served in process.
    pub memory_addr: String,
    /// `--storage.path`.
    pub storage_path: PathBuf,
    pub gatherer: Gatherer,
    /// The process's own metrics (the controller's among them).
    pub process_metrics: Arc<Registry>,
    /// The HTTP server's routes, set once the server is built.
    pub router: OnceLock<axum::Router>,
    pub tasks: TaskTracker,
    /// Live debugging: what components pass on, for the UI.
    pub live: crate::live::LiveHub,
    /// flow's own traces (the `tracing` block).
    pub traces: Arc<crate::traces::Tracer>,
    /// The cluster this node is part of (alone unless `--cluster.enabled`).
    pub cluster: Arc<crate::cluster::Cluster>,
    /// The texts of modules read so far, by path, to show a finding in
    /// one of them in its place.
    module_sources: parking_lot::Mutex<Vec<river_analyzer::load::Source>>,
}

impl Globals {
    pub fn new(listen_addr: String, memory_addr: String, storage_path: PathBuf) -> Arc<Globals> {
        let host = crate::cluster::flags::hostname();
        let cluster = crate::cluster::Cluster::standalone(host, listen_addr.clone());
        Globals::with_cluster(listen_addr, memory_addr, storage_path, cluster)
    }

    /// As `new`, for a node of this cluster (its metrics served too).
    pub fn with_cluster(
        listen_addr: String,
        memory_addr: String,
        storage_path: PathBuf,
        cluster: Arc<crate::cluster::Cluster>,
    ) -> Arc<Globals> {
        let process_metrics = Arc::new(Registry::default());
        let gatherer = Gatherer::default();
        gatherer.register(&process_metrics);
        if let Some(registry) = cluster.metrics_registry() {
            gatherer.register(&registry);
        }
        Arc::new(Globals {
            listen_addr,
            memory_addr,
            storage_path,
            gatherer,
            process_metrics,
            router: OnceLock::new(),
            tasks: TaskTracker::new(),
            live: Default::default(),
            traces: Default::default(),
            cluster,
            module_sources: Default::default(),
        })
    }

    /// Keeps module texts for reports (the newest text of each path).
    pub fn remember_sources(&self, sources: &[river_analyzer::load::Source]) {
        let mut known = self.module_sources.lock();
        for source in sources {
            known.retain(|s| s.path != source.path);
            known.push(source.clone());
        }
    }

    /// The module texts read so far.
    pub fn module_sources(&self) -> Vec<river_analyzer::load::Source> {
        self.module_sources.lock().clone()
    }
}
