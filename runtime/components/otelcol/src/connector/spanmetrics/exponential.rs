//! An exponential histogram as the collector's spanmetrics keeps one
//! (its `structure` package): buckets of base 2^(2^-scale), starting at
//! scale 20 and halving the resolution (scale - 1) whenever the values'
//! range needs more than `max_size` buckets. Durations are never
//! negative: only positive buckets and a zero count.

/// The largest scale, where the collector's histograms start.
const MAX_SCALE: i32 = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct Exponential {
    pub scale: i32,
    pub zero_count: u64,
    /// The index of `counts[0]`.
    pub offset: i32,
    pub counts: Vec<u64>,
    max_size: usize,
}

/// The bucket of `value` (> 0) at `scale`: bucket i holds
/// (base^i, base^(i+1)], so exact powers of the base fall into the lower.
fn index(value: f64, scale: i32) -> i32 {
    if scale <= 0 {
        // Exact from the float's exponent: value = m * 2^e, m in [0.5, 1).
        let bits = value.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i32 - 1022;
        let power_of_two = bits & ((1u64 << 52) - 1) == 0;
        let at_zero = if power_of_two { exponent - 2 } else { exponent - 1 };
        return at_zero >> -scale;
    }
    let scaled = value.log2() * f64::powi(2.0, scale);
    (scaled.ceil() as i64 - 1).clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

impl Exponential {
    pub fn new(max_size: usize) -> Exponential {
        let max_size = max_size.max(2);
        Exponential { scale: MAX_SCALE, zero_count: 0, offset: 0, counts: Vec::new(), max_size }
    }

    pub fn record(&mut self, value: f64) {
        if value <= 0.0 || !value.is_finite() {
            self.zero_count += 1;
            return;
        }
        let mut at = index(value, self.scale);
        if self.counts.is_empty() {
            (self.offset, self.counts) = (at, vec![1]);
            return;
        }
        loop {
            let low = self.offset.min(at) as i64;
            let high = (self.offset as i64 + self.counts.len() as i64 - 1).max(at as i64);
            if (high - low + 1) as usize <= self.max_size {
                break;
            }
            self.downscale();
            at >>= 1;
        }
        if at < self.offset {
            let grow = (self.offset - at) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = at;
        }
        let slot = (at - self.offset) as usize;
        if slot >= self.counts.len() {
            self.counts.resize(slot + 1, 0);
        }
        self.counts[slot] += 1;
    }

    /// Halves the resolution: each pair of buckets becomes one.
    fn downscale(&mut self) {
        let offset = self.offset >> 1;
        let mut counts = vec![0; self.counts.len() / 2 + 1];
        for (i, count) in self.counts.iter().enumerate() {
            counts[(((self.offset + i as i32) >> 1) - offset) as usize] += count;
        }
        while counts.last() == Some(&0) {
            counts.pop();
        }
        (self.scale, self.offset, self.counts) = (self.scale - 1, offset, counts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_put_powers_of_the_base_in_the_lower_bucket() {
        assert_eq!(index(1.0, 0), -1);
        assert_eq!(index(2.0, 0), 0);
        assert_eq!(index(3.0, 0), 1);
        assert_eq!(index(4.0, 0), 1);
        assert_eq!(index(4.0, -1), 0);
        assert_eq!(index(5.0, -1), 1);
        assert_eq!(index(2.0, 1), 1, "base sqrt(2): 2 = base^2 is the top of bucket 1");
        assert_eq!(index(1.5, 1), 1);
    }

    #[test]
    fn the_scale_drops_until_the_range_fits_and_nothing_is_lost() {
        let mut histogram = Exponential::new(4);
        for value in [1.0, 2.0, 1000.0, 0.0, 3.5] {
            histogram.record(value);
        }
        assert_eq!(histogram.zero_count, 1);
        assert_eq!(histogram.counts.iter().sum::<u64>(), 4);
        assert!(histogram.counts.len() <= 4, "{histogram:?}");
        // 1 and 1000 are about 10 powers of two apart: scale -2 (base 16)
        // puts them 3 buckets apart.
        assert_eq!(histogram.scale, -2, "{histogram:?}");
        assert_eq!(index(1000.0, histogram.scale) - histogram.offset, 3);
    }
}
