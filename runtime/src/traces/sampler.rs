//! Which traces are kept: `sampling_fraction` as the OpenTelemetry Go
//! SDK's `TraceIDRatioBased` applies it (the low 8 bytes of the trace id,
//! shifted right once, under `fraction * 2^63`), so the same ids are kept
//! as the reference keeps them.

use crate::args::Args;
use crate::error::Error;

/// The root sampler in force.
#[derive(Debug, Clone, Copy)]
pub struct Sampler {
    /// Trace ids whose bound is under this are kept.
    bound: u64,
}

impl Sampler {
    /// `fraction` of traces: 1 or more keeps all, 0 or less none.
    pub fn ratio(fraction: f64) -> Sampler {
        let bound = if fraction >= 1.0 {
            u64::MAX
        } else if fraction > 0.0 {
            (fraction * (1u64 << 63) as f64) as u64
        } else {
            0
        };
        Sampler { bound }
    }

    pub(super) fn from_args(args: &Args) -> Result<Sampler, Error> {
        let fraction: f64 = args.get("sampling_fraction")?;
        if let Some(sampler) = args.block("sampler") {
            if sampler.block("jaeger_remote").is_some() {
                return Err(sampler
                    .invalid(
                        "jaeger_remote",
                        "a Jaeger remote sampler is not supported by this build; use sampling_fraction",
                    )
                    .into());
            }
        }
        Ok(Sampler::ratio(fraction))
    }

    /// Whether the trace with this id is kept.
    pub fn keeps(&self, trace_id: &[u8; 16]) -> bool {
        if self.bound == u64::MAX {
            return true;
        }
        let mut low = [0u8; 8];
        low.copy_from_slice(&trace_id[8..]);
        (u64::from_be_bytes(low) >> 1) < self.bound
    }

    /// A new trace: its id when it is kept.
    pub(super) fn decide(&self, _name: &str) -> Option<[u8; 16]> {
        if self.bound == 0 {
            return None;
        }
        let trace_id: [u8; 16] = super::span::random();
        self.keeps(&trace_id).then_some(trace_id)
    }
}
