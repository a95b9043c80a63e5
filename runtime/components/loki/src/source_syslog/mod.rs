//! `loki.source.syslog`: listens for RFC 5424 syslog messages on each
//! `listener` (TCP, with TLS when its `tls_config` gives a certificate,
//! or UDP) and forwards each as an entry. `framing.rs` splits a stream
//! into messages, `rfc5424.rs` parses one, `entry.rs` makes it an entry,
//! `settings.rs` reads a listener block, `listener.rs` serves its socket.
//!
//! A listener whose address and protocol stay the same across an update
//! keeps its socket and its connections, and reads its new settings from
//! the next message on; the others are bound anew (a taken port is an
//! error of the config, where the reference logs it and runs without
//! that listener) and the ones no longer configured are closed.

mod entry;
mod framing;
mod listener;
pub mod rfc5424;
mod settings;

use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use river_analyzer::Object;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;
use river_runtime::logs::LogsReceiver;
use river_runtime::metrics::AtomicF64;
use river_runtime::relabel::RelabelRules;

use listener::Listener;
use settings::Settings;

/// What every listener of the component shares.
struct Shared {
    live: river_runtime::live::LiveTap,
    forward_to: RwLock<Vec<LogsReceiver>>,
    rules: RwLock<RelabelRules>,
    entries: Arc<AtomicF64>,
    parsing_errors: Arc<AtomicF64>,
    empty_messages: Arc<AtomicF64>,
}

struct SourceSyslog {
    ctx: Ctx,
    shared: Arc<Shared>,
    listeners: Mutex<Vec<Listener>>,
}

/// `loki.source.syslog`.
pub const SOURCE_SYSLOG: Registration =
    Registration { name: "loki.source.syslog", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let m = &ctx.metrics;
    let shared = Arc::new(Shared {
        live: ctx.live(),
        forward_to: RwLock::new(crate::forward_to(args)?),
        rules: RwLock::new(args.get("relabel_rules")?),
        entries: m.counter(
            "loki_source_syslog_entries_total",
            "Total number of successful entries sent to the syslog component.",
        ),
        parsing_errors: m.counter(
            "loki_source_syslog_parsing_errors_total",
            "Total number of parsing errors while receiving syslog messages.",
        ),
        empty_messages: m.counter(
            "loki_source_syslog_empty_messages_total",
            "Total number of empty messages received from the syslog component.",
        ),
    });
    let component = SourceSyslog { ctx: ctx.clone(), shared, listeners: Mutex::default() };
    component.listen(args)?;
    ctx.export(Object::new());
    ctx.set_health(HealthKind::Healthy, "listening");
    Ok(Arc::new(component))
}

impl Component for SourceSyslog {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let forward_to = crate::forward_to(args)?;
        let rules = args.get("relabel_rules")?;
        self.listen(args)?;
        *self.shared.forward_to.write() = forward_to;
        *self.shared.rules.write() = rules;
        Ok(())
    }

    fn debug_info(&self) -> Option<serde_json::Value> {
        let listeners = self.listeners.lock();
        let info: Vec<serde_json::Value> = listeners
            .iter()
            .map(|l| {
                serde_json::json!({
                    "type": "syslog",
                    "ready": !l.stop.is_cancelled(),
                    "listen_address": l.local_address.to_string(),
                    "labels": l.settings.read().labels.to_string(),
                })
            })
            .collect();
        Some(serde_json::json!({ "listeners_info": info }))
    }
}

impl SourceSyslog {
    /// Brings the listeners in line with the `listener` blocks. Every
    /// block is read and every new socket bound before a running listener
    /// changes, so a refused update leaves the component as it was.
    fn listen(&self, args: &Args) -> Result<(), Error> {
        let wanted: Vec<Settings> =
            args.blocks("listener").map(Settings::from_args).collect::<Result<_, _>>()?;
        let mut running: Vec<Option<Listener>> =
            std::mem::take(&mut *self.listeners.lock()).into_iter().map(Some).collect();
        let mut steps = Vec::with_capacity(wanted.len());
        for (i, settings) in wanted.into_iter().enumerate() {
            let keep = running.iter().enumerate().position(|(at, l)| {
                l.as_ref().is_some_and(|l| l.key() == settings.key())
                    && !steps.iter().any(|s| matches!(s, Step::Keep(k, _) if *k == at))
            });
            match keep {
                Some(at) => steps.push(Step::Keep(at, settings)),
                None => match Listener::bind(&self.ctx, settings, i) {
                    Ok(fresh) => steps.push(Step::Fresh(fresh)),
                    Err(e) => {
                        // The sockets bound so far close as `steps` drops.
                        *self.listeners.lock() = running.into_iter().flatten().collect();
                        return Err(e);
                    }
                },
            }
        }
        let mut next = Vec::with_capacity(steps.len());
        for step in steps {
            let listener = match step {
                Step::Keep(at, settings) => {
                    let kept = running[at].take().expect("each running listener is kept once");
                    *kept.settings.write() = settings;
                    kept
                }
                Step::Fresh(fresh) => fresh,
            };
            listener.start(&self.ctx, &self.shared);
            next.push(listener);
        }
        for gone in running.into_iter().flatten() {
            gone.stop.cancel();
        }
        *self.listeners.lock() = next;
        Ok(())
    }
}

/// What becomes of one `listener` block in an update.
enum Step {
    /// The running listener at this index, with the block's settings.
    Keep(usize, Settings),
    Fresh(Listener),
}
