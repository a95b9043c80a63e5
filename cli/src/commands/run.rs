//! `flow run`: starts a config's components and serves the HTTP API until
//! SIGINT or SIGTERM (SIGHUP reloads). A config the analyzer finds errors
//! in, or whose components cannot start, is refused: the findings are
//! rendered and the exit status is 1.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use river_runtime::run::{self, ConfigFormat, Options, StartError};

use crate::render;
use crate::ExitStatus;

/// Run a config: start its components and serve the HTTP API.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Address the HTTP server listens on.
    #[arg(
        long = "server.http.listen-addr",
        value_name = "ADDR",
        default_value = "127.0.0.1:12345"
    )]
    pub listen_addr: String,
    /// Address whose requests are served in process (exporter targets).
    #[arg(
        long = "server.http.memory-addr",
        value_name = "ADDR",
        default_value = "agent.internal:12345"
    )]
    pub memory_addr: String,
    /// Where the UI and its API (`/api/v0/web/...`) are served, as the
    /// reference's flag: `/` or a prefix such as `/agent/`.
    #[arg(long = "server.http.ui-path-prefix", value_name = "PREFIX", default_value = "/")]
    pub ui_prefix: String,
    /// Where components keep their data (the remote write WAL among it).
    #[arg(long = "storage.path", value_name = "DIR", default_value = "data-agent/")]
    pub storage_path: PathBuf,
    /// The format of the config: River, or a legacy config run through
    /// the converter (Prometheus, Promtail, OpenTelemetry Collector or
    /// Grafana Agent static mode YAML).
    #[arg(long = "config.format", value_enum, default_value = "river")]
    pub config_format: Format,
    /// The command-line flags the legacy program ran with, separated by
    /// spaces, for its converter (static mode: `-config.expand-env`).
    #[arg(long = "config.extra-args", value_name = "ARGS", default_value = "")]
    pub extra_args: String,
    /// The reference's Go profiling endpoints (`/debug/pprof`), on by
    /// default there; this build has none to serve (asking for them
    /// explicitly is warned about at start).
    #[arg(long = "server.http.enable-pprof", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub enable_pprof: Option<bool>,
    /// Accepted for the reference's scripts: this build sends no usage
    /// reports at all.
    #[arg(long = "disable-reporting")]
    pub disable_reporting: bool,
    /// Start in clustered mode: nodes gossip over their HTTP servers and
    /// share the work of components with a `clustering` block.
    #[arg(long = "cluster.enabled", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub cluster_enabled: bool,
    /// The node's name in the cluster (default: the host name).
    #[arg(long = "cluster.node-name", value_name = "NAME", default_value = "")]
    pub cluster_node_name: String,
    /// Address other nodes reach this one at (default: from
    /// `--cluster.advertise-interfaces`; the HTTP port when none is given).
    #[arg(long = "cluster.advertise-address", value_name = "ADDR", default_value = "")]
    pub cluster_advertise_address: String,
    /// Interfaces whose first IPv4 address is advertised (`all`: any).
    #[arg(
        long = "cluster.advertise-interfaces",
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "eth0,en0"
    )]
    pub cluster_advertise_interfaces: Vec<String>,
    /// Addresses to join, comma-separated: `host:port`, IPs, host names
    /// or SRV records (the HTTP port when none is given).
    #[arg(long = "cluster.join-addresses", value_name = "LIST", default_value = "")]
    pub cluster_join_addresses: String,
    /// go-discover's `provider=NAME key=value ...`; every provider needs a
    /// cloud or cluster API this build does not reach, so it is refused.
    #[arg(long = "cluster.discover-peers", value_name = "TUPLES", default_value = "")]
    pub cluster_discover_peers: String,
    /// How often to join the peers again (`0s`: never).
    #[arg(long = "cluster.rejoin-interval", value_name = "DURATION", default_value = "60s")]
    pub cluster_rejoin_interval: String,
    /// At most this many of the peers found are joined (0: all).
    #[arg(long = "cluster.max-join-peers", value_name = "N", default_value = "5")]
    pub cluster_max_join_peers: usize,
    /// Only nodes of the same cluster name join each other.
    #[arg(long = "cluster.name", value_name = "NAME", default_value = "")]
    pub cluster_name: String,
    /// Reach the peers over TLS (their HTTP servers serve TLS: the `http`
    /// block's `tls`).
    #[arg(long = "cluster.enable-tls", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub cluster_enable_tls: bool,
    /// The CA that signed the peers' certificates (with `--cluster.enable-tls`).
    #[arg(long = "cluster.tls-ca-path", value_name = "PATH", default_value = "")]
    pub cluster_tls_ca_path: String,
    /// The certificate this node presents to its peers.
    #[arg(long = "cluster.tls-cert-path", value_name = "PATH", default_value = "")]
    pub cluster_tls_cert_path: String,
    /// The key of `--cluster.tls-cert-path`.
    #[arg(long = "cluster.tls-key-path", value_name = "PATH", default_value = "")]
    pub cluster_tls_key_path: String,
    /// The name the peers' certificates are checked for (default: the
    /// host of the address dialled).
    #[arg(long = "cluster.tls-server-name", value_name = "NAME", default_value = "")]
    pub cluster_tls_server_name: String,
    /// A config file, or a directory whose `*.river` files form one config.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}

impl RunArgs {
    /// The `--cluster.*` flags, checked: a bad one is exit 2.
    fn cluster(&self) -> Result<river_runtime::cluster::Settings, String> {
        let flags = river_runtime::cluster::Flags {
            enabled: self.cluster_enabled,
            node_name: self.cluster_node_name.clone(),
            advertise_address: self.cluster_advertise_address.clone(),
            advertise_interfaces: self.cluster_advertise_interfaces.clone(),
            join_addresses: vec![self.cluster_join_addresses.clone()],
            discover_peers: self.cluster_discover_peers.clone(),
            rejoin_interval: self.cluster_rejoin_interval.clone(),
            max_join_peers: self.cluster_max_join_peers,
            name: self.cluster_name.clone(),
            enable_tls: self.cluster_enable_tls,
            tls_ca_path: self.cluster_tls_ca_path.clone(),
            tls_cert_path: self.cluster_tls_cert_path.clone(),
            tls_key_path: self.cluster_tls_key_path.clone(),
            tls_server_name: self.cluster_tls_server_name.clone(),
        };
        river_runtime::cluster::flags::settings(&flags, &self.listen_addr)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// River; `flow` is the reference's name for it.
    #[value(alias = "flow")]
    River,
    Prometheus,
    Promtail,
    /// OpenTelemetry Collector YAML.
    Otelcol,
    /// Grafana Agent static mode YAML.
    Static,
}

pub fn run(args: &RunArgs) -> ExitStatus {
    let cluster = match args.cluster() {
        Ok(cluster) => cluster,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitStatus::Failure;
        }
    };
    let options = Options {
        path: args.path.clone(),
        format: match args.config_format {
            Format::River => ConfigFormat::River,
            Format::Prometheus => ConfigFormat::Prometheus,
            Format::Promtail => ConfigFormat::Promtail,
            Format::Otelcol => ConfigFormat::Otelcol,
            Format::Static => ConfigFormat::Static,
        },
        extra_args: args.extra_args.split_whitespace().map(str::to_owned).collect(),
        listen_addr: args.listen_addr.clone(),
        memory_addr: args.memory_addr.clone(),
        storage_path: args.storage_path.clone(),
        ui_prefix: args.ui_prefix.clone(),
        components: river_components::ALL,
        cluster,
    };
    let (sources, plan) = match run::load_plan(&options) {
        Ok(loaded) => loaded,
        Err(error) => return report(error),
    };
    river_runtime::logging::apply(run::log_settings(&plan));
    crate::log::init();
    if args.enable_pprof == Some(true) {
        tracing::warn!("--server.http.enable-pprof: this build serves no /debug/pprof (Go's profiles); use perf or valgrind on the process instead");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitStatus::Failure;
        }
    };
    runtime.block_on(async move {
        match run::start(options, sources, plan).await {
            Ok(running) => {
                running.run_until_signalled(Duration::from_secs(30)).await;
                ExitStatus::Success
            }
            Err(error) => report(error),
        }
    })
}

/// Says why the config did not start: 1 when it is refused, 2 when it
/// could not be read or served.
fn report(error: StartError) -> ExitStatus {
    let mut err = std::io::stderr().lock();
    match error {
        StartError::Load(error) => {
            crate::commands::parse::report_read_error(&mut err, error, render::Style::stderr());
            ExitStatus::Failure
        }
        StartError::Io(message) => {
            let _ = writeln!(err, "error: {message}");
            ExitStatus::Failure
        }
        StartError::NotConverted(findings) => {
            for finding in findings {
                let _ = writeln!(err, "{finding}");
            }
            let _ = writeln!(err, "error: the config did not convert; nothing was started");
            ExitStatus::Findings
        }
        StartError::Refused(sources, findings) => {
            let _ = render::write_findings(&mut err, &sources, &findings, render::Style::stderr());
            let count = findings.len();
            let _ = writeln!(
                err,
                "error: the config was refused ({count} error{}); nothing was started",
                if count == 1 { "" } else { "s" }
            );
            ExitStatus::Findings
        }
    }
}
