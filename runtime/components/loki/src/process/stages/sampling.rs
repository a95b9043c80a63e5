//! `stage.sampling`: keeps each entry with probability `rate`, dropping
//! the rest (counted under `drop_counter_reason`).

use std::sync::atomic::{AtomicU64, Ordering};

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{Item, Shared, Stage};

pub struct Sampling {
    rate: f64,
    reason: String,
    shared: Shared,
    state: AtomicU64,
}

impl Sampling {
    pub fn build(block: &Args, shared: &Shared) -> Result<Sampling, ArgError> {
        let rate: f64 = block.require("rate")?;
        if !(0.0..=1.0).contains(&rate) {
            return Err(block.invalid("rate", "sampling rate must be between 0.0 and 1.0"));
        }
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64)
            | 1;
        Ok(Sampling {
            rate,
            reason: Some(block.get::<String>("drop_counter_reason")?)
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "sampling_stage".to_owned()),
            shared: shared.clone(),
            state: AtomicU64::new(seed),
        })
    }

    /// A uniform number in [0, 1) (xorshift64*: sampling needs no more).
    fn uniform(&self) -> f64 {
        let mut x = self.state.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state.store(x, Ordering::Relaxed);
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl Stage for Sampling {
    fn apply(&self, _item: &mut Item) -> bool {
        if self.uniform() < self.rate {
            return true;
        }
        self.shared.drop_one(&self.reason);
        false
    }
}
