//! Numbers keep the reference's three kinds: a signed integer, an unsigned
//! integer (for literals too large for a signed one) and a float. An
//! operation takes the wider kind of its operands (uint < int < float), so
//! `10 / 4` is `2` and `10.0 / 4` is `2.5`.

use std::fmt;

#[derive(Debug, Clone, Copy)]
pub enum Number {
    Int(i64),
    Uint(u64),
    Float(f64),
}

impl Number {
    /// Parses a number literal as the reference does: a signed integer if it
    /// fits, else unsigned, else a float. A leading `0` makes it octal
    /// (Go's base prefix rules), and a literal that is not valid octal, such
    /// as `09`, is read as a float.
    pub fn from_literal(text: &str) -> Option<Number> {
        let (digits, radix) = match text.strip_prefix('0') {
            Some(rest) if !rest.is_empty() => (rest, 8),
            _ => (text, 10),
        };
        if let Ok(i) = i64::from_str_radix(digits, radix) {
            return Some(Number::Int(i));
        }
        if let Ok(u) = u64::from_str_radix(digits, radix) {
            return Some(Number::Uint(u));
        }
        text.parse::<f64>().ok().map(Number::Float)
    }

    fn rank(self) -> u8 {
        match self {
            Number::Uint(_) => 0,
            Number::Int(_) => 1,
            Number::Float(_) => 2,
        }
    }

    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Uint(u) => u as f64,
            Number::Float(f) => f,
        }
    }

    fn as_i64(self) -> i64 {
        match self {
            Number::Int(i) => i,
            Number::Uint(u) => u as i64,
            Number::Float(f) => f as i64,
        }
    }

    fn as_u64(self) -> u64 {
        match self {
            Number::Int(i) => i as u64,
            Number::Uint(u) => u,
            Number::Float(f) => f as u64,
        }
    }

    /// Equal in value, whatever the kinds.
    pub fn equals(self, other: Number) -> bool {
        self.compare(other) == Some(std::cmp::Ordering::Equal)
    }

    /// Orders two numbers in their common kind.
    pub fn compare(self, other: Number) -> Option<std::cmp::Ordering> {
        match self.rank().max(other.rank()) {
            0 => Some(self.as_u64().cmp(&other.as_u64())),
            1 => Some(self.as_i64().cmp(&other.as_i64())),
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }

    /// `self op other` in the wider kind; integer overflow wraps, as in the
    /// reference, and integer division by zero is an error (it crashes the
    /// reference).
    pub fn arith(self, op: river_syntax::ast::BinaryOp, other: Number) -> Result<Number, String> {
        use river_syntax::ast::BinaryOp::*;
        let zero_division = || "division by zero".to_string();
        Ok(match self.rank().max(other.rank()) {
            0 => {
                let (a, b) = (self.as_u64(), other.as_u64());
                Number::Uint(match op {
                    Add => a.wrapping_add(b),
                    Sub => a.wrapping_sub(b),
                    Mul => a.wrapping_mul(b),
                    Div => a.checked_div(b).ok_or_else(zero_division)?,
                    Mod => a.checked_rem(b).ok_or_else(zero_division)?,
                    _ => int_pow(a, b, u64::wrapping_mul),
                })
            }
            1 => {
                let (a, b) = (self.as_i64(), other.as_i64());
                Number::Int(match op {
                    Add => a.wrapping_add(b),
                    Sub => a.wrapping_sub(b),
                    Mul => a.wrapping_mul(b),
                    Div => a.checked_div(b).ok_or_else(zero_division)?,
                    Mod => a.checked_rem(b).ok_or_else(zero_division)?,
                    // The reference's loop leaves a negative power at `a`.
                    _ if b < 0 => a,
                    _ => int_pow(a, b as u64, i64::wrapping_mul),
                })
            }
            _ => {
                let (a, b) = (self.as_f64(), other.as_f64());
                Number::Float(match op {
                    Add => a + b,
                    Sub => a - b,
                    Mul => a * b,
                    Div => a / b,
                    Mod => a % b,
                    _ => a.powf(b),
                })
            }
        })
    }

    /// `-self`.
    pub fn negate(self) -> Number {
        match self {
            Number::Int(i) => Number::Int(i.wrapping_neg()),
            Number::Uint(u) => Number::Int((u as i64).wrapping_neg()),
            Number::Float(f) => Number::Float(-f),
        }
    }
}

/// `base ^ exp` by repeated multiplication, as the reference computes it
/// (so negative exponents count as zero and large ones wrap).
fn int_pow<T: Copy + From<u8>>(base: T, exp: u64, mul: fn(T, T) -> T) -> T {
    if exp == 0 {
        return T::from(1);
    }
    let mut result = base;
    // The reference multiplies exp - 1 times; cap the loop for huge exponents
    // by squaring, which gives the same wrapped result.
    let mut remaining = exp - 1;
    let mut factor = base;
    while remaining > 0 {
        if remaining & 1 == 1 {
            result = mul(result, factor);
        }
        factor = mul(factor, factor);
        remaining >>= 1;
    }
    result
}

impl fmt::Display for Number {
    /// As the reference prints numbers and converts them to strings
    /// (`strconv.FormatFloat(f, 'f', -1, 64)`): floats in the shortest
    /// digits that read back the same, never with an exponent, so `1e21`
    /// is `1000000000000000000000`. Rust's `{}` for `f64` is that form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Uint(u) => write!(f, "{u}"),
            Number::Float(x) if x.is_infinite() => {
                f.write_str(if *x > 0.0 { "+Inf" } else { "-Inf" })
            }
            Number::Float(x) if x.is_nan() => f.write_str("NaN"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}
