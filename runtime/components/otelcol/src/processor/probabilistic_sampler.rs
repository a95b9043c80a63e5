//! `otelcol.processor.probabilistic_sampler`: the collector's
//! probabilistic sampler. A span is kept when the FNV-1a hash of its
//! trace id (after the seed) falls in the first `sampling_percentage` of
//! 16384 buckets, unless its `sampling.priority` attribute decides; a log
//! record by its trace id or `from_attribute`, at the percentage its
//! `sampling_priority` attribute gives, else `sampling_percentage`. The
//! same ids are kept as by the reference with the same seed.

use std::sync::Arc;

use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;

use super::Transform;
use crate::attributes::{as_string, get};
use crate::consumer::{ConsumeError, Data, Output};

/// `otelcol.processor.probabilistic_sampler`.
pub const PROCESSOR_PROBABILISTIC_SAMPLER: Registration =
    Registration { name: "otelcol.processor.probabilistic_sampler", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    // Its output block (the schema's) lists metrics too, which pass untouched.
    Ok(Arc::new(super::build(&ctx, args, Box::new(Sampler::from_args))?))
}

/// The hash's buckets: a power of two, so the bucket is a mask.
const BUCKETS: u32 = 0x4000;

/// Buckets per percent. The collector multiplies its `float32` setting
/// by this constant in `float32` arithmetic; so is it here, so that a
/// percentage such as 15.3 gives the same bucket count.
const SCALE: f32 = BUCKETS as f32 / 100.0;

/// The settings of one `otelcol.processor.probabilistic_sampler`.
pub struct Sampler {
    /// Buckets kept out of `BUCKETS`.
    rate: u32,
    seed: u32,
    /// `attribute_source = "traceID"`: log records are hashed by trace id.
    by_trace_id: bool,
    from_attribute: String,
    priority_attribute: String,
}

impl Sampler {
    pub fn from_args(args: &Args, _output: &Output) -> Result<Sampler, Error> {
        let percentage = args.get::<f64>("sampling_percentage")? as f32;
        if percentage < 0.0 {
            let message = format!("negative sampling rate: {percentage:.2}");
            return Err(args.invalid("sampling_percentage", message).into());
        }
        let seed = args.get::<u64>("hash_seed")?;
        let seed = u32::try_from(seed)
            .map_err(|_| args.invalid("hash_seed", format!("{seed} does not fit in a uint32")))?;
        // "traceID" or "record", the registry's listed values.
        let source: String = args.get("attribute_source")?;
        Ok(Sampler {
            // Go's float-to-uint32 conversion truncates.
            rate: (percentage * SCALE) as u32,
            seed,
            by_trace_id: source == "traceID",
            from_attribute: args.get("from_attribute")?,
            priority_attribute: args.get("sampling_priority")?,
        })
    }

    /// Whether a span is kept (`traceSamplerProcessor`).
    fn keeps_span(&self, trace_id: &[u8], attributes: &[KeyValue]) -> bool {
        match span_priority(get(attributes, "sampling.priority")) {
            Some(false) => false,
            Some(true) => true,
            None => hash(trace_id, self.seed) & (BUCKETS - 1) < self.rate,
        }
    }

    /// Whether a log record is kept (`logSamplerProcessor`).
    fn keeps_log(&self, trace_id: &[u8], attributes: &[KeyValue]) -> bool {
        let mut key: Vec<u8> = Vec::new();
        if self.by_trace_id && trace_id.iter().any(|b| *b != 0) {
            key = trace_id.to_vec();
        } else if !self.from_attribute.is_empty() {
            if let Some(value) = get(attributes, &self.from_attribute) {
                key = bytes_of(value);
            }
        }
        let mut rate = self.rate;
        if !self.priority_attribute.is_empty() {
            use any_value::Value as V;
            // Here the collector scales a float64, by the constant in float64;
            // the conversion to uint32 truncates (a negative one is 0 here).
            let scaled = |p: f64| (p * (BUCKETS as f64 / 100.0)) as u32;
            match get(attributes, &self.priority_attribute).and_then(|v| v.value.as_ref()) {
                Some(V::DoubleValue(d)) => rate = scaled(*d),
                Some(V::IntValue(i)) => rate = scaled(*i as f64),
                _ => {}
            }
        }
        hash(&key, self.seed) & (BUCKETS - 1) < rate
    }
}

/// The bytes a log record is hashed by: bytes as they are, anything else
/// as its string.
fn bytes_of(value: &AnyValue) -> Vec<u8> {
    match &value.value {
        Some(any_value::Value::BytesValue(b)) => b.clone(),
        _ => as_string(Some(value)).into_bytes(),
    }
}

/// `sampling.priority` as OpenTracing defines it: zero never samples, a
/// positive number always does; anything else leaves it to the hash.
fn span_priority(value: Option<&AnyValue>) -> Option<bool> {
    use any_value::Value as V;
    let number = match value?.value.as_ref()? {
        V::IntValue(i) => *i as f64,
        V::DoubleValue(d) => *d,
        V::StringValue(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if number == 0.0 {
        Some(false)
    } else if number > 0.0 {
        Some(true)
    } else {
        None
    }
}

/// The collector's `computeHash`: FNV-1a (32 bits) over the seed's four
/// bytes, least significant first, then the key.
pub fn hash(key: &[u8], seed: u32) -> u32 {
    const OFFSET: u32 = 0x811c_9dc5;
    const PRIME: u32 = 0x0100_0193;
    seed.to_le_bytes()
        .iter()
        .chain(key)
        .fold(OFFSET, |h, b| (h ^ u32::from(*b)).wrapping_mul(PRIME))
}

impl Transform for Sampler {
    fn apply(&self, data: &mut Data) -> Result<(), ConsumeError> {
        match data {
            Data::Traces(request) => {
                request.resource_spans.retain_mut(|rs| {
                    rs.scope_spans.retain_mut(|ss| {
                        ss.spans.retain(|s| self.keeps_span(&s.trace_id, &s.attributes));
                        !ss.spans.is_empty()
                    });
                    !rs.scope_spans.is_empty()
                });
            }
            Data::Logs(request) => {
                request.resource_logs.retain_mut(|rl| {
                    rl.scope_logs.retain_mut(|sl| {
                        sl.log_records.retain(|l| self.keeps_log(&l.trace_id, &l.attributes));
                        !sl.log_records.is_empty()
                    });
                    !rl.scope_logs.is_empty()
                });
            }
            // The collector's processor has no metrics pipeline.
            Data::Metrics(_) => {}
        }
        Ok(())
    }

    /// A batch sampled away entirely goes no further
    /// (`processorhelper.ErrSkipProcessingData`).
    fn passes_on(&self, data: &Data) -> bool {
        match data {
            Data::Traces(r) => !r.resource_spans.is_empty(),
            Data::Logs(r) => !r.resource_logs.is_empty(),
            Data::Metrics(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a_after_the_seed() {
        // FNV-1a of four zero bytes, from the algorithm's definition.
        assert_eq!(hash(&[], 0), 0x4b95f515);
        assert_ne!(hash(b"a", 1), hash(b"a", 2));
    }

    #[test]
    fn percentages_scale_in_float32() {
        assert_eq!((15.3f32 * SCALE) as u32, 2506);
        assert_eq!((100f32 * SCALE) as u32, BUCKETS);
    }
}
