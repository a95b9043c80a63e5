//! Numbers in JSON as ojg's parser values them (`gen.Number`): digits
//! accumulate into an integer part, a fraction and its divisor, and an
//! exponent; past `BIG_LIMIT` the number is kept as its text instead.

use crate::value::{Number, Value};

/// `math.MaxInt64 / 10`: past it ojg keeps a number's digits as text.
const BIG_LIMIT: u64 = i64::MAX as u64 / 10;

/// ojg's `gen.Number` as its parser fills it.
#[derive(Default)]
pub(super) struct OjNumber {
    i: u64,
    frac: u64,
    div: u64,
    exp: u64,
    neg: bool,
    neg_exp: bool,
    big: Option<String>,
}

impl OjNumber {
    pub(super) fn build(
        neg: bool,
        int: &[u8],
        frac: Option<&[u8]>,
        exp: Option<(u8, bool, &[u8])>,
    ) -> OjNumber {
        let mut n = OjNumber { div: 1, neg, ..OjNumber::default() };
        for (k, &d) in int.iter().enumerate() {
            n.int_digit(d, k == 0);
        }
        if let Some(frac) = frac {
            if let Some(big) = &mut n.big {
                big.push('.');
            }
            frac.iter().for_each(|&d| n.frac_digit(d));
        }
        if let Some((e, neg_exp, digits)) = exp {
            // The exponent's sign reaches the text only if the number turns
            // big within the exponent.
            if let Some(big) = &mut n.big {
                big.push(e as char);
            }
            n.neg_exp = neg_exp;
            digits.iter().for_each(|&d| n.exp_digit(d));
        }
        n
    }

    /// A digit of the integer part. A positive number takes ojg's fast
    /// path (text once the digits so far reach `BIG_LIMIT`); a negative one
    /// its `AddDigit` (text once the value passes `MaxInt64`).
    fn int_digit(&mut self, d: u8, first: bool) {
        let d = u64::from(d - b'0');
        if let Some(big) = &mut self.big {
            big.push(char::from(b'0' + d as u8));
        } else if !self.neg {
            if first {
                self.i = d;
            } else if self.i >= BIG_LIMIT {
                self.fill_big();
                self.int_digit(b'0' + d as u8, false);
            } else {
                self.i = self.i * 10 + d;
            }
        } else if self.i <= BIG_LIMIT {
            self.i = self.i * 10 + d;
            if self.i > i64::MAX as u64 {
                self.fill_big();
            }
        } else {
            self.fill_big();
            self.int_digit(b'0' + d as u8, false);
        }
    }

    /// A digit after the point: text once 18 of them were read.
    fn frac_digit(&mut self, d: u8) {
        if let Some(big) = &mut self.big {
            big.push(d as char);
            return;
        }
        self.frac = self.frac * 10 + u64::from(d - b'0');
        self.div = self.div.wrapping_mul(10);
        if self.div >= BIG_LIMIT {
            self.fill_big();
        }
    }

    fn exp_digit(&mut self, d: u8) {
        if let Some(big) = &mut self.big {
            big.push(d as char);
        } else if self.exp <= 102 {
            self.exp = self.exp * 10 + u64::from(d - b'0');
            if self.exp > 1022 {
                self.fill_big();
            }
        } else {
            self.fill_big();
            self.exp_digit(d);
        }
    }

    /// ojg's `FillBig`: the number so far as text.
    fn fill_big(&mut self) {
        let mut text = String::from(if self.neg { "-" } else { "" });
        text.push_str(&self.i.to_string());
        if self.frac > 0 {
            text.push('.');
            if self.frac >= 1_000_000_000_000_000_000 {
                text.push_str(&self.frac.to_string());
            } else {
                text.push_str(&(self.frac + self.div).to_string()[1..]);
            }
        }
        if self.exp > 0 {
            text.push('e');
            if self.neg_exp {
                text.push('-');
            }
            text.push_str(&self.exp.to_string());
        }
        self.big = Some(text);
    }

    /// ojg's `AsNum`.
    pub(super) fn value(self) -> Value {
        if let Some(text) = self.big {
            return Value::String(text);
        }
        if self.div == 1 && self.exp == 0 {
            let i = self.i as i64;
            return Value::Number(Number::Int(if self.neg { i.wrapping_neg() } else { i }));
        }
        let mut f = self.i as f64;
        if self.frac > 0 {
            f += self.frac as f64 / self.div as f64;
        }
        if self.neg {
            f = -f;
        }
        if self.exp > 0 {
            let x = self.exp as i64;
            f *= pow10(if self.neg_exp { -x } else { x });
        }
        Value::Number(Number::Float(f))
    }
}

/// Go's `math.Pow10`, table for table, so products round as Go's do.
fn pow10(n: i64) -> f64 {
    const TAB: [f64; 32] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31,
    ];
    const POS: [f64; 10] = [1e0, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288];
    const NEG: [f64; 11] =
        [1e-0, 1e-32, 1e-64, 1e-96, 1e-128, 1e-160, 1e-192, 1e-224, 1e-256, 1e-288, 1e-320];
    match n {
        0..=308 => POS[n as usize / 32] * TAB[n as usize % 32],
        -323..=-1 => NEG[(-n) as usize / 32] / TAB[(-n) as usize % 32],
        n if n > 0 => f64::INFINITY,
        _ => 0.0,
    }
}
