//! `sampling_fraction` as the OpenTelemetry Go SDK's `TraceIDRatioBased`
//! applies it: the low 8 bytes of the trace id, shifted right once, under
//! `fraction * 2^63`, so the same ids are kept as the reference keeps.

/// A ratio of trace ids kept.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    /// Trace ids whose bound is under this are kept.
    bound: u64,
}

impl Ratio {
    /// `fraction` of traces: 1 or more keeps all, 0 or less none.
    pub fn new(fraction: f64) -> Ratio {
        let bound = if fraction >= 1.0 {
            u64::MAX
        } else if fraction > 0.0 {
            (fraction * (1u64 << 63) as f64) as u64
        } else {
            0
        };
        Ratio { bound }
    }

    /// Whether no trace is kept (no id need be made).
    pub fn keeps_none(&self) -> bool {
        self.bound == 0
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
}
