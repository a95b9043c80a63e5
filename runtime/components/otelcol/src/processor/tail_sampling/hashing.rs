//! The `probabilistic` policy's arithmetic, as the collector's: the
//! trace id's 64-bit hash and the threshold it is compared with.

/// The collector's `hashTraceID`: FNV-1a (64 bits) over the salt, then
/// the trace id.
pub fn hash64(salt: &str, id: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    salt.as_bytes().iter().chain(id).fold(OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(PRIME))
}

/// `calculateThreshold`: `ratio` of `u64::MAX`, as Go's `big.Float`
/// computes it at 64 bits of precision, rounded to nearest even, then
/// truncated to an integer.
pub fn threshold(ratio: f64) -> u64 {
    if ratio.is_nan() || ratio <= 0.0 {
        return 0;
    }
    if ratio >= 1.0 {
        return u64::MAX;
    }
    // ratio = mantissa * 2^exponent exactly.
    let bits = ratio.to_bits();
    let raw_exponent = ((bits >> 52) & 0x7ff) as i32;
    let (mantissa, exponent) = if raw_exponent == 0 {
        (bits & ((1 << 52) - 1), -1074)
    } else {
        ((bits & ((1 << 52) - 1)) | (1 << 52), raw_exponent - 1075)
    };
    let mut product = u128::from(u64::MAX) * u128::from(mantissa);
    let mut exponent = exponent;
    // Round the product to 64 significant bits, to nearest even.
    let width = 128 - product.leading_zeros() as i32;
    if width > 64 {
        let drop = (width - 64) as u32;
        let half = 1u128 << (drop - 1);
        let rest = product & ((1u128 << drop) - 1);
        product >>= drop;
        if rest > half || (rest == half && product & 1 == 1) {
            product += 1;
        }
        exponent += drop as i32;
    }
    if exponent >= 0 {
        return u64::try_from(product << exponent).unwrap_or(u64::MAX);
    }
    let shift = (-exponent) as u32;
    if shift >= 128 {
        0
    } else {
        (product >> shift) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_big_floats_rounded_to_64_bits() {
        // Worked out with exact fractions rounded as Go's big.Float does.
        for (ratio, want) in [
            (0.1, 1844674407370955263),
            (0.5, 9223372036854775807),
            (0.25, 4611686018427387903),
            (0.333, 6142765776545281023),
            (1e-9, 18446744073),
            (0.999999, 18446725626965477375),
        ] {
            assert_eq!(threshold(ratio), want, "{ratio}");
        }
        assert_eq!((threshold(0.0), threshold(1.5)), (0, u64::MAX));
    }

    #[test]
    fn the_trace_id_hash_is_fnv1a_64_after_the_salt() {
        assert_eq!(hash64("default-hash-seed", &[0; 16]), 0xe19536eed1bbac3d);
    }
}
