//! `prometheus.exporter.blackbox`: blackbox_exporter's probes in process.
//! The component exports one scrape target per `target` block (the
//! reference's `job`, `__param_target` and `__param_module`), and each
//! scrape of `/api/v0/component/{id}/metrics?target=...&module=...` runs
//! one probe of that module and answers its metrics, as the exporter's
//! `/probe` handler: an unknown module is a 400, a failed probe a 200
//! with `probe_success 0`.

pub mod config;
pub mod dns;
mod dns_check;
mod dns_exchange;
mod dns_probe;
pub mod http;
mod http_auth;
mod http_conn;
mod http_metrics;
mod http_probe;
mod http_request;
mod http_response;
pub mod icmp;
mod icmp_socket;
mod resolve;
mod settings;
pub mod tcp;
mod tls;
mod x509;
mod yaml;

use std::sync::Arc;
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use parking_lot::RwLock;
use river_analyzer::value::OptionalSecret;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration, Scrape, ScrapeError};
use river_runtime::error::Error;
use river_runtime::labels::Labels;

use self::config::{Config, Module, Probe};
use crate::exposition::Exposition;

/// `prometheus.exporter.blackbox`.
pub const EXPORTER_BLACKBOX: Registration =
    Registration { name: "prometheus.exporter.blackbox", build, without_effect: &[] };

/// What a scrape needs: the modules and the timeout offset.
struct State {
    config: Arc<Config>,
    offset: Duration,
}

struct Blackbox {
    ctx: Ctx,
    state: Arc<RwLock<State>>,
}

/// One `target` block.
struct Target {
    name: String,
    address: String,
    module: String,
    labels: IndexMap<String, String>,
}

fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let (state, targets) = settings(args)?;
    export(&ctx, &targets);
    ctx.set_health(HealthKind::Healthy, "started");
    Ok(Arc::new(Blackbox { ctx, state: Arc::new(RwLock::new(state)) }))
}

impl Component for Blackbox {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let (state, targets) = settings(args)?;
        *self.state.write() = state;
        export(&self.ctx, &targets);
        self.ctx.set_health(HealthKind::Healthy, "updated");
        Ok(())
    }

    fn scrape(&self, query: &[(String, String)]) -> Option<Scrape> {
        let state = self.state.read();
        Some(match request(&state, query) {
            Ok(probe) => Box::pin(probe.run()),
            Err(error) => Box::pin(async move { Err(error) }),
        })
    }
}

/// Reads the arguments: every setting first (so that all are read), then
/// the checks the reference makes.
fn settings(args: &Args) -> Result<(State, Vec<Target>), Error> {
    let offset: Duration = args.get("probe_timeout_offset")?;
    let file: String = args.get("config_file")?;
    let inline = args.opt::<OptionalSecret>("config")?.map(|c| c.text).unwrap_or_default();
    let mut targets = Vec::new();
    for block in args.blocks("target") {
        targets.push(Target {
            name: block.require("name")?,
            address: block.require("address")?,
            module: block.get("module")?,
            labels: block.get("labels")?,
        });
    }
    let config = match (file.is_empty(), inline.is_empty()) {
        (false, false) => {
            return Err(args
                .invalid("config", "config and config_file are mutually exclusive")
                .into())
        }
        (true, true) => {
            return Err(args.invalid("config", "config or config_file must be set").into())
        }
        (false, true) => {
            let text = std::fs::read_to_string(&file).map_err(|e| Error::file(&file, e))?;
            config::parse(&text)
                .map_err(|e| Error::file(&file, format!("invalid blackbox_exporter config: {e}")))?
        }
        // The message never quotes the config's values: it may be secret.
        (true, false) => config::parse(&inline).map_err(|e| {
            args.invalid("config", format!("invalid blackbox_exporter config: {e}"))
        })?,
    };
    for (i, target) in targets.iter().enumerate() {
        if target.name.is_empty() || target.address.is_empty() {
            let place = format!("target[{i}]/name");
            return Err(Error::setting(place, "the `name` and `address` fields are mandatory"));
        }
    }
    Ok((State { config: Arc::new(config), offset }, targets))
}

/// One target per block: its labels first, the exporter's over them,
/// then the job, target and module of the probe.
fn export(ctx: &Ctx, targets: &[Target]) {
    let base = crate::target::base(ctx, "blackbox");
    let labels: Vec<Labels> = targets
        .iter()
        .map(|target| {
            let mut labels = Labels::new();
            for (name, value) in &target.labels {
                labels.set(name, value);
            }
            for (name, value) in base.iter() {
                labels.set(name, value);
            }
            let job = format!("{}/{}", base.get("job").unwrap_or_default(), target.name);
            labels.set("job", &job);
            labels.set("__param_target", &target.address);
            if !target.module.is_empty() {
                labels.set("__param_module", &target.module);
            }
            labels
        })
        .collect();
    crate::target::export(ctx, &labels);
}

/// A probe a scrape asked for.
struct ProbeRequest {
    module_name: String,
    module: Arc<Module>,
    target: String,
    hostname: Option<String>,
    timeout: Duration,
}

fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn bad_request(message: String) -> ScrapeError {
    ScrapeError { status: 400, message }
}

/// The module and target of a scrape, refused as the exporter refuses them.
fn request(state: &State, query: &[(String, String)]) -> Result<ProbeRequest, ScrapeError> {
    let module_name = param(query, "module").filter(|m| !m.is_empty()).unwrap_or("http_2xx");
    let Some(module) = state.config.modules.get(module_name) else {
        return Err(bad_request(format!("Unknown module {module_name:?}")));
    };
    let target = param(query, "target").unwrap_or_default();
    if target.is_empty() {
        return Err(bad_request("Target parameter is missing".into()));
    }
    let hostname = param(query, "hostname").filter(|h| !h.is_empty()).map(str::to_owned);
    if let (Some(host), Probe::Http(http)) = (&hostname, &module.probe) {
        let configured = http.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("host"));
        if let Some((_, value)) = configured.filter(|(_, v)| v != host) {
            return Err(bad_request(format!(
                "host header defined both in module configuration ({value}) and with URL-parameter 'hostname' ({host})"
            )));
        }
    }
    Ok(ProbeRequest {
        module_name: module_name.to_owned(),
        module: module.clone(),
        target: target.to_owned(),
        hostname,
        timeout: timeout(module.timeout, state.offset),
    })
}

/// The scrape's timeout, as the reference's: the in-memory scrape sends
/// no `X-Prometheus-Scrape-Timeout-Seconds`, so it is 10 s (Flow's default
/// scrape timeout, the effective cap its docs state) less the offset;
/// a shorter module timeout wins.
pub fn timeout(module: Duration, offset: Duration) -> Duration {
    let scrape = Duration::from_secs(10);
    match scrape.checked_sub(offset) {
        Some(max) if module.is_zero() || module >= max => max,
        _ => module,
    }
}

impl ProbeRequest {
    async fn run(self) -> Result<String, ScrapeError> {
        let mut out = Exposition::new();
        let started = Instant::now();
        let deadline = started + self.timeout;
        let target = self.target.as_str();
        let result = match &self.module.probe {
            Probe::Http(s) => {
                http_probe::probe(target, s, self.hostname.as_deref(), deadline, &mut out).await
            }
            Probe::Tcp(s) => tcp::probe(target, s, deadline, &mut out).await,
            Probe::Dns(s) => dns::probe(target, s, deadline, &mut out).await,
            Probe::Icmp(s) => icmp::probe(target, s, deadline, &mut out).await,
        };
        let duration = started.elapsed().as_secs_f64();
        let target = shown(target);
        let target = target.as_str();
        out.gauge(
            "probe_duration_seconds",
            "Returns how long the probe took to complete in seconds",
        )
        .sample(&[], duration);
        let success = match &result {
            Ok(()) => {
                tracing::debug!(module = %self.module_name, target, duration, "probe succeeded");
                1.0
            }
            Err(reason) => {
                tracing::debug!(module = %self.module_name, target, duration, reason = %reason, "probe failed");
                0.0
            }
        };
        out.gauge("probe_success", "Displays whether or not the probe was a success")
            .sample(&[], success);
        Ok(out.render())
    }
}

/// The target as logs show it: a URL's password hidden.
fn shown(target: &str) -> String {
    match url::Url::parse(target) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("xxxxx"));
            url.to_string()
        }
        _ => target.to_owned(),
    }
}
