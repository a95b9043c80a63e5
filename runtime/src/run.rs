//! `flow run`: read the config (a file, a directory's `*.river` files, or a
//! Prometheus, Promtail, OpenTelemetry Collector or static mode YAML
//! through the converter), refuse it with
//! findings or start it, serve HTTP, reload on request or SIGHUP, and stop
//! gracefully on SIGINT or SIGTERM.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use river_analyzer::lint::Finding;
use river_analyzer::load::LoadError;
use tokio::net::TcpListener;

use crate::component::Table;
use crate::controller::{plan, Controller, Plan, PlannedNode, Source};
use crate::globals::Globals;
use crate::remotecfg::RemoteConfig;
use crate::server;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    River,
    Prometheus,
    Promtail,
    /// OpenTelemetry Collector YAML.
    Otelcol,
    /// Grafana Agent static mode YAML.
    Static,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub path: PathBuf,
    pub format: ConfigFormat,
    /// `--config.extra-args`: the flags static mode ran with, for its
    /// converter (`-config.expand-env`).
    pub extra_args: Vec<String>,
    pub listen_addr: String,
    pub memory_addr: String,
    pub storage_path: PathBuf,
    /// `--server.http.ui-path-prefix`: where the UI and its API are served.
    pub ui_prefix: String,
    /// The components this build runs (`river_components::ALL`).
    pub components: Table,
    /// The `--cluster.*` flags, checked (`cluster::flags::settings`).
    pub cluster: crate::cluster::Settings,
}

/// Why `flow run` did not start.
#[derive(Debug)]
pub enum StartError {
    /// The config could not be read.
    Load(LoadError),
    /// The storage folder or the server's address could not be used.
    Io(String),
    /// The config is refused: the sources, for rendering, and the findings.
    Refused(Vec<Source>, Vec<Finding>),
    /// A legacy config did not convert: the converter's findings.
    NotConverted(Vec<String>),
}

/// The sources of a config, through the one loader: a file, or the
/// `*.river` files of a directory (sorted by name); legacy formats are
/// read and converted first.
pub fn load(path: &Path, format: ConfigFormat) -> Result<Vec<Source>, StartError> {
    load_with_args(path, format, &[])
}

/// As `load`, with the command-line flags the legacy program ran with
/// (static mode's `-config.expand-env`), which its converter reads. A
/// conversion with an Error or Critical finding is not run.
pub fn load_with_args(
    path: &Path,
    format: ConfigFormat,
    extra_args: &[String],
) -> Result<Vec<Source>, StartError> {
    use river_convert::SourceFormat;
    let source_format = match format {
        ConfigFormat::River => return river_analyzer::load::config(path).map_err(StartError::Load),
        ConfigFormat::Prometheus => SourceFormat::Prometheus,
        ConfigFormat::Promtail => SourceFormat::Promtail,
        ConfigFormat::Otelcol => SourceFormat::Otelcol,
        ConfigFormat::Static => SourceFormat::Static,
    };
    let input = river_analyzer::load::read(path).map_err(StartError::Load)?;
    let conversion =
        river_convert::convert_with_args(&input.path, &input.text, source_format, extra_args);
    let findings: Vec<String> = conversion.findings.iter().map(ToString::to_string).collect();
    match conversion.output {
        Some(output) if !conversion.blocked() => {
            Ok(vec![Source::text(format!("{} (converted)", input.path), output)])
        }
        _ => Err(StartError::NotConverted(findings)),
    }
}

/// Reads and plans the config, or says why not.
pub fn load_plan(options: &Options) -> Result<(Vec<Source>, Plan), StartError> {
    let sources = load_with_args(&options.path, options.format, &options.extra_args)?;
    match plan(&sources, options.components) {
        Ok(plan) => Ok((sources, plan)),
        Err(findings) => Err(StartError::Refused(sources, findings)),
    }
}

/// A started pipeline and its server.
pub struct Running {
    pub controller: Controller,
    pub address: std::net::SocketAddr,
    options: Options,
    server_stop: tokio_util::sync::CancellationToken,
    tls: crate::http_tls::TlsState,
    remote: Arc<RemoteConfig>,
}

/// Starts the components of `plan` and the HTTP server.
pub async fn start(
    options: Options,
    sources: Vec<Source>,
    plan: Plan,
) -> Result<Running, StartError> {
    std::fs::create_dir_all(&options.storage_path).map_err(|e| {
        StartError::Io(format!("cannot create {}: {e}", options.storage_path.display()))
    })?;
    let listener = TcpListener::bind(&options.listen_addr)
        .await
        .map_err(|e| StartError::Io(format!("cannot listen on {}: {e}", options.listen_addr)))?;
    let address = listener.local_addr().map_err(|e| StartError::Io(e.to_string()))?;
    let globals = Globals::with_cluster(
        options.listen_addr.clone(),
        options.memory_addr.clone(),
        options.storage_path.clone(),
        crate::cluster::Cluster::new(options.cluster.clone(), address),
    );
    let tls = http_tls(&plan).map_err(|findings| StartError::Refused(sources.clone(), findings))?;
    cluster_transport(&options.cluster, tls.is_some(), &plan).map_err(|m| match m {
        Mismatch::Located(finding) => StartError::Refused(sources.clone(), vec![*finding]),
        Mismatch::Flag(message) => StartError::Io(message),
    })?;
    let tls = Arc::new(parking_lot::RwLock::new(tls));
    let config_blocks = plan.config_blocks.clone();
    let controller = match Controller::start(plan, globals.clone()) {
        Ok(controller) => controller,
        Err(findings) => return Err(refused(sources, &globals, findings)),
    };
    apply_logging(&controller, &config_blocks);
    apply_live_debugging(&controller, &config_blocks);
    configure_tracing(&controller, &config_blocks)
        .map_err(|findings| refused(sources.clone(), &globals, findings))?;
    globals.tasks.spawn(globals.traces.clone().run(controller.stopping()));
    let remote = RemoteConfig::new(controller.clone(), options.components);
    configure_remote(&remote, &controller, &config_blocks)
        .map_err(|findings| refused(sources, &globals, findings))?;
    let reload = reloader(controller.clone(), options.clone(), tls.clone(), remote.clone());
    let router = server::router(controller.clone(), reload, &options.ui_prefix);
    let _ = globals.router.set(router.clone());
    let cancel = tokio_util::sync::CancellationToken::new();
    let stop = cancel.clone();
    let listener = crate::http_tls::ServerListener::new(listener, tls.clone());
    tokio::spawn(async move {
        let served =
            axum::serve(listener, router).with_graceful_shutdown(stop.cancelled_owned()).await;
        if let Err(e) = served {
            tracing::error!(err = %e, "the HTTP server failed");
        }
    });
    // The reference's line and keys, which scripts wait for.
    tracing::info!(service = "http", addr = %address, "now listening for http traffic");
    // Gossip answers come to the server: join once it serves.
    globals.cluster.start(&globals.tasks);
    Ok(Running { controller, address, options, server_stop: cancel, tls, remote })
}

/// The `http` block's TLS (`None`: plain HTTP), or why it is refused,
/// placed on its setting.
fn http_tls(plan: &Plan) -> Result<Option<crate::http_tls::TlsAcceptor>, Vec<Finding>> {
    let Some(block) = plan.config_blocks.iter().find(|b| b.name == "http") else {
        return Ok(None);
    };
    let args = crate::controller::evaluate_alone(block).map_err(|f| vec![*f])?;
    match args.block("tls") {
        None => Ok(None),
        Some(tls) => crate::http_tls::acceptor(tls)
            .map(Some)
            .map_err(|e| vec![crate::controller::config_refused(block, &e)]),
    }
}

/// Why the peers could not reach this node as they are told to.
enum Mismatch {
    /// The `http` block serves TLS and `--cluster.enable-tls` is off:
    /// refused on the `tls` block.
    Located(Box<Finding>),
    /// `--cluster.enable-tls` with a plain server: a flag at odds with
    /// the config, which has no place to show.
    Flag(String),
}

/// Peers reach a node over TLS (`--cluster.enable-tls`) exactly when its
/// `http` block serves TLS.
fn cluster_transport(
    cluster: &crate::cluster::Settings,
    serves_tls: bool,
    plan: &Plan,
) -> Result<(), Mismatch> {
    if !cluster.enabled || serves_tls == cluster.tls.is_some() {
        return Ok(());
    }
    match plan.config_blocks.iter().find(|b| b.name == "http") {
        Some(block) if serves_tls => {
            let error = crate::error::Error::setting(
                "tls",
                "the HTTP server serves TLS, so its peers must reach it over TLS: add --cluster.enable-tls and its --cluster.tls-* files",
            );
            Err(Mismatch::Located(Box::new(crate::controller::config_refused(block, &error))))
        }
        _ => Err(Mismatch::Flag(
            "--cluster.enable-tls: this node's HTTP server serves plain HTTP (no `http { tls { ... } }` block), so its peers could not reach it over TLS".into(),
        )),
    }
}

/// Reads the config again and applies it; the message is what to show.
/// New connections to the server take the new TLS settings.
fn reloader(
    controller: Controller,
    options: Options,
    tls: crate::http_tls::TlsState,
    remote: Arc<RemoteConfig>,
) -> server::Reload {
    Arc::new(move || {
        let (_, plan) = load_plan(&options).map_err(describe)?;
        let acceptor = http_tls(&plan).map_err(|findings| findings_text(&findings))?;
        cluster_transport(&options.cluster, acceptor.is_some(), &plan).map_err(|m| match m {
            Mismatch::Located(finding) => findings_text(&[*finding]),
            Mismatch::Flag(message) => message,
        })?;
        let config_blocks = plan.config_blocks.clone();
        controller.reload(plan).map_err(|findings| findings_text(&findings))?;
        *tls.write() = acceptor;
        apply_logging(&controller, &config_blocks);
        apply_live_debugging(&controller, &config_blocks);
        configure_tracing(&controller, &config_blocks)
            .map_err(|findings| findings_text(&findings))?;
        configure_remote(&remote, &controller, &config_blocks)
            .map_err(|findings| findings_text(&findings))?;
        tracing::info!("config reloaded");
        Ok(())
    })
}

fn describe(error: StartError) -> String {
    match error {
        StartError::Load(error) => error.to_string(),
        StartError::Io(message) => message,
        StartError::Refused(_, findings) => findings_text(&findings),
        StartError::NotConverted(findings) => findings.join("\n"),
    }
}

fn findings_text(findings: &[Finding]) -> String {
    findings.iter().map(|f| format!("{}: {}", f.file, f.message)).collect::<Vec<_>>().join("\n")
}

impl Running {
    /// What `POST /-/reload` and SIGHUP run: the config read again and
    /// applied.
    pub fn reloader(&self) -> server::Reload {
        reloader(
            self.controller.clone(),
            self.options.clone(),
            self.tls.clone(),
            self.remote.clone(),
        )
    }

    /// Serves until SIGINT or SIGTERM, reloading on SIGHUP; then stops the
    /// components, giving them `grace` to flush.
    pub async fn run_until_signalled(self, grace: Duration) {
        use tokio::signal::unix::{signal, SignalKind};
        let mut hangup = signal(SignalKind::hangup()).expect("a SIGHUP handler installs");
        let mut terminate = signal(SignalKind::terminate()).expect("a SIGTERM handler installs");
        let mut interrupt = signal(SignalKind::interrupt()).expect("a SIGINT handler installs");
        let reload = self.reloader();
        loop {
            tokio::select! {
                _ = hangup.recv() => {
                    let reload = reload.clone();
                    match tokio::task::spawn_blocking(move || reload()).await {
                        Ok(Err(message)) => tracing::error!(err = %message, "reload refused, the running config is kept"),
                        Err(e) => tracing::error!(err = %e, "reload failed"),
                        Ok(Ok(())) => {}
                    }
                }
                _ = terminate.recv() => break,
                _ = interrupt.recv() => break,
            }
        }
        tracing::info!("shutting down");
        // The others take this node's share before its components stop.
        self.controller.globals().cluster.leave().await;
        self.controller.shutdown(grace).await;
        self.server_stop.cancel();
    }
}

/// What the plan's `logging` block asks of `flow run`'s own log (the
/// registry's defaults without one).
pub fn log_settings(plan: &Plan) -> crate::logging::LogSettings {
    let block = plan.config_blocks.iter().find(|b| b.name == "logging");
    let args = block.and_then(|b| crate::controller::evaluate_alone(b).ok());
    let args = args.unwrap_or_else(|| crate::args::Args::default().for_schema("logging"));
    crate::logging::from_args(&args)
}

/// Puts the `logging` block in force with the running components'
/// exports, which its `write_to` refers to.
/// The config refused: findings in module files show in their place too.
fn refused(mut sources: Vec<Source>, globals: &Globals, findings: Vec<Finding>) -> StartError {
    sources.extend(globals.module_sources());
    StartError::Refused(sources, findings)
}

/// Applies the `remotecfg` block (its absence turns it off).
fn configure_remote(
    remote: &Arc<RemoteConfig>,
    controller: &Controller,
    config_blocks: &[PlannedNode],
) -> Result<(), Vec<Finding>> {
    let block = config_blocks.iter().find(|b| b.name == "remotecfg");
    let args = match block {
        Some(block) => Some(controller.evaluate_config(block).map_err(|f| vec![*f])?),
        None => None,
    };
    remote.configure(args.as_ref()).map_err(|e| {
        let block = block.expect("only a block's settings can be refused");
        vec![crate::controller::config_refused(block, &e)]
    })
}

/// Puts the `tracing` block in force (its absence turns tracing off).
fn configure_tracing(
    controller: &Controller,
    config_blocks: &[PlannedNode],
) -> Result<(), Vec<Finding>> {
    let block = config_blocks.iter().find(|b| b.name == "tracing");
    let args = match block {
        Some(block) => Some(controller.evaluate_config(block).map_err(|f| vec![*f])?),
        None => None,
    };
    controller.globals().traces.configure(args.as_ref()).map_err(|e| {
        let block = block.expect("only a block's settings can be refused");
        vec![crate::controller::config_refused(block, &e)]
    })
}

/// Turns live debugging on or off, as the `livedebugging` block says.
fn apply_live_debugging(controller: &Controller, config_blocks: &[PlannedNode]) {
    let block = config_blocks.iter().find(|b| b.name == "livedebugging");
    let args = block.and_then(|b| controller.evaluate_config(b).ok());
    let enabled = args.and_then(|a| a.get::<bool>("enabled").ok()).unwrap_or(false);
    controller.globals().live.set_enabled(enabled);
}

fn apply_logging(controller: &Controller, config_blocks: &[PlannedNode]) {
    let block = config_blocks.iter().find(|b| b.name == "logging");
    let args = block.and_then(|b| controller.evaluate_config(b).ok());
    let args = args.unwrap_or_else(|| crate::args::Args::default().for_schema("logging"));
    crate::logging::apply(crate::logging::from_args(&args));
    crate::logging::apply_write_to(&args);
}
