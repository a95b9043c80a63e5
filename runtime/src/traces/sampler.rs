//! Which traces are kept: `sampling_fraction`'s ratio (`ratio.rs`), or a
//! `jaeger_remote` sampler (`jaeger.rs`), seeded with that ratio until
//! its first strategy.

use std::sync::Arc;
use std::time::Duration;

use super::jaeger::Remote;
use super::ratio::Ratio;
use crate::args::Args;
use crate::error::Error;

/// The root sampler in force.
#[derive(Debug, Clone)]
pub enum Sampler {
    Ratio(Ratio),
    JaegerRemote(Arc<Remote>),
}

impl Sampler {
    pub(super) fn from_args(args: &Args) -> Result<Sampler, Error> {
        let ratio = Ratio::new(args.get("sampling_fraction")?);
        let Some(remote) = args.block("sampler").and_then(|s| s.block("jaeger_remote")) else {
            return Ok(Sampler::Ratio(ratio));
        };
        let url: String = remote.get("url")?;
        let max_operations: i64 = remote.get("max_operations")?;
        let every: Duration = remote.get("refresh_interval")?;
        if every.is_zero() {
            return Err(remote.invalid("refresh_interval", "must be more than 0").into());
        }
        let max_operations = usize::try_from(max_operations).unwrap_or(0);
        Ok(Sampler::JaegerRemote(Remote::start(ratio, url, max_operations, every)))
    }

    /// A new trace, whose root is `name`: its id when it is kept.
    pub(super) fn decide(&self, name: &str) -> Option<[u8; 16]> {
        let trace_id: [u8; 16] = super::span::random();
        let keep = match self {
            Sampler::Ratio(ratio) if ratio.keeps_none() => return None,
            Sampler::Ratio(ratio) => ratio.keeps(&trace_id),
            Sampler::JaegerRemote(remote) => remote.keeps(name, &trace_id),
        };
        keep.then_some(trace_id)
    }

    /// Stops what the sampler runs (a remote sampler's polling).
    pub(super) fn stop(&self) {
        if let Sampler::JaegerRemote(remote) = self {
            remote.stop.cancel();
        }
    }
}
