//! Floats, as Go's `fmtFloat` and `strconv.AppendFloat` print them.
//!
//! Digits come from Rust's formatting, which like Go's `strconv` gives the
//! shortest digits that read back the same, or the exactly rounded digits
//! (ties to even) for a precision; the layout around them is Go's.

use super::arg::GoArg;
use super::printer::Printer;

impl Printer {
    /// Go's `pp.fmtFloat`: each verb's default precision (-1 shortest).
    pub(super) fn fmt_float_verb(&mut self, v: f64, verb: char, arg: &GoArg) {
        match verb {
            'v' => self.fmt_float(v, 'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(v, verb, -1),
            'f' | 'e' | 'E' => self.fmt_float(v, verb, 6),
            'F' => self.fmt_float(v, 'f', 6),
            _ => self.bad_verb(verb, arg),
        }
    }

    /// Go's `fmt.fmtFloat`: sign handling, `#`, and padding that puts
    /// zeros after the sign and none around `Inf` or `NaN`.
    fn fmt_float(&mut self, v: f64, verb: char, prec: i64) {
        let prec = if self.f.prec_present { self.f.prec as i64 } else { prec };
        let text = format_float(v, verb, prec);
        let mut num = match text.as_bytes()[0] {
            b'-' | b'+' => text,
            _ => format!("+{text}"),
        };
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(..1, " ");
        }
        if num[1..].starts_with(['I', 'N']) {
            if num[1..].starts_with('N') && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            return self.pad_spaces(&num);
        }
        if self.f.sharp && verb != 'b' {
            num = sharp(num, verb, prec);
        }
        if self.f.plus || !num.starts_with('+') {
            if self.f.zero && !self.f.minus && self.f.wid_present && self.f.wid > num.len() {
                self.buf.push_str(&num[..1]);
                self.write_padding(self.f.wid - num.len());
                self.buf.push_str(&num[1..]);
            } else {
                self.pad(&num);
            }
            return;
        }
        self.pad(&num[1..]);
    }
}

/// `#` on a float: always a decimal point, and for `%g` the trailing zeros
/// up to the precision (6 by default) counted from the first non-zero
/// digit.
fn sharp(num: String, verb: char, prec: i64) -> String {
    let mut digits = match verb {
        'v' | 'g' | 'G' | 'x' => {
            if prec == -1 {
                6
            } else {
                prec
            }
        }
        _ => 0,
    };
    let tail_at = num
        .char_indices()
        .skip(1)
        .find(|&(_, c)| {
            matches!(c, 'p' | 'P') || (matches!(c, 'e' | 'E') && !matches!(verb, 'x' | 'X'))
        })
        .map_or(num.len(), |(i, _)| i);
    let (mut body, tail) = (num[..tail_at].to_string(), &num[tail_at..]);
    let mut saw_nonzero = false;
    for c in body[1..].chars().filter(|&c| c != '.') {
        saw_nonzero |= c != '0';
        if saw_nonzero {
            digits -= 1;
        }
    }
    if !body.contains('.') {
        // A lone 0 counts once as a digit.
        if body.len() == 2 && body.ends_with('0') {
            digits -= 1;
        }
        body.push('.');
    }
    body.extend(std::iter::repeat_n('0', digits.max(0) as usize));
    body + tail
}

/// Go's `strconv.FormatFloat(v, verb, prec, 64)` for the verbs `fmt` uses.
pub(crate) fn format_float(v: f64, verb: char, prec: i64) -> String {
    let neg = v.is_sign_negative();
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if neg { "-Inf" } else { "+Inf" }.into();
    }
    let sign = if neg { "-" } else { "" };
    let abs = v.abs();
    match verb {
        'b' => format!("{sign}{}", binary_exponent(abs)),
        'x' | 'X' => format!("{sign}{}", hex_float(abs, prec, verb == 'X')),
        'f' if prec < 0 => format!("{sign}{abs}"),
        'f' => format!("{sign}{abs:.0$}", prec as usize),
        'e' | 'E' => {
            let digits =
                if prec < 0 { Digits::shortest(abs) } else { Digits::exact(abs, prec + 1) };
            let prec = if prec < 0 { (digits.d.len() as i64 - 1).max(0) } else { prec };
            format!("{sign}{}", digits.exponent_form(prec, verb))
        }
        _ => format!("{sign}{}", general(abs, prec, verb == 'G')),
    }
}

/// `%g`: exponent form for exponents below -4 or from the precision up
/// (6 for the shortest digits), else plain, with no trailing zeros.
fn general(abs: f64, prec: i64, upper: bool) -> String {
    let shortest = prec < 0;
    let (digits, prec) = if shortest {
        let digits = Digits::shortest(abs);
        let n = digits.d.len() as i64;
        (digits, n)
    } else {
        let prec = prec.max(1);
        (Digits::exact(abs, prec), prec)
    };
    let (nd, dp) = (digits.d.len() as i64, digits.dp);
    let mut eprec = prec;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    if shortest {
        eprec = 6;
    }
    let exp = dp - 1;
    if exp < -4 || exp >= eprec {
        return digits.exponent_form(prec.min(nd) - 1, if upper { 'E' } else { 'e' });
    }
    let prec = if prec > dp { nd } else { prec };
    digits.plain_form((prec - dp).max(0))
}

/// Decimal digits without trailing zeros and where the point goes: the
/// value is `0.d * 10^dp`. Zero has no digits.
struct Digits {
    d: Vec<u8>,
    dp: i64,
}

impl Digits {
    fn shortest(abs: f64) -> Digits {
        Digits::from_exponent_form(&format!("{abs:e}"))
    }

    /// `n` significant digits, rounded exactly.
    fn exact(abs: f64, n: i64) -> Digits {
        Digits::from_exponent_form(&format!("{abs:.0$e}", (n - 1).max(0) as usize))
    }

    /// From Rust's `1.2345e-7`.
    fn from_exponent_form(text: &str) -> Digits {
        let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
        let mut d: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        while d.last() == Some(&b'0') {
            d.pop();
        }
        let dp = if d.is_empty() { 0 } else { exp.parse::<i64>().unwrap_or(0) + 1 };
        Digits { d, dp }
    }

    /// Go's `fmtE`: `d.ddde±dd` with `prec` digits after the point.
    fn exponent_form(&self, prec: i64, e: char) -> String {
        let mut out = String::new();
        out.push(self.d.first().map_or('0', |&b| b as char));
        if prec > 0 {
            out.push('.');
            for i in 1..=prec as usize {
                out.push(self.d.get(i).map_or('0', |&b| b as char));
            }
        }
        let exp = if self.d.is_empty() { 0 } else { self.dp - 1 };
        let sign = if exp < 0 { '-' } else { '+' };
        out.push_str(&format!("{e}{sign}{:02}", exp.abs()));
        out
    }

    /// Go's `fmtF`: the integer part, then `prec` digits after the point.
    fn plain_form(&self, prec: i64) -> String {
        let digit = |j: i64| {
            usize::try_from(j).ok().and_then(|j| self.d.get(j)).map_or('0', |&b| b as char)
        };
        let mut out: String =
            if self.dp > 0 { (0..self.dp).map(digit).collect() } else { "0".into() };
        if prec > 0 {
            out.push('.');
            out.extend((0..prec).map(|i| digit(self.dp + i)));
        }
        out
    }
}

/// The raw bits of a non-negative finite float: mantissa (with the hidden
/// bit) and the binary exponent of its lowest bit plus 52.
fn bits(abs: f64) -> (u64, i64) {
    let bits = abs.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1 << 52) - 1);
    if field == 0 {
        (mant, 1 - 1023)
    } else {
        (mant | 1 << 52, field - 1023)
    }
}

/// `%b`: the mantissa in decimal and a power of two, `4503599627370496p-52`.
fn binary_exponent(abs: f64) -> String {
    let (mant, exp) = bits(abs);
    let exp = exp - 52;
    format!("{mant}p{}{exp}", if exp >= 0 { "+" } else { "" })
}

/// `%x`: Go's hexadecimal mantissa and binary exponent, `0x1.8p+00`.
fn hex_float(abs: f64, prec: i64, upper: bool) -> String {
    let (mut mant, mut exp) = bits(abs);
    if mant == 0 {
        exp = 0;
    }
    // The leading 1, if any, at bit 60.
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        (mant, exp) = round_hex(mant, exp, prec as u32);
    }
    let hex = |n: u64| {
        let c = char::from_digit((n & 15) as u32, 16).unwrap_or('0');
        if upper {
            c.to_ascii_uppercase()
        } else {
            c
        }
    };
    let mut out = format!("0{}{}", if upper { 'X' } else { 'x' }, (mant >> 60) & 1);
    mant <<= 4;
    if (prec < 0 && mant != 0) || prec > 0 {
        out.push('.');
        let mut i = 0;
        while (prec < 0 && mant != 0) || i < prec {
            out.push(hex(mant >> 60));
            mant <<= 4;
            i += 1;
        }
    }
    let sign = if exp < 0 { '-' } else { '+' };
    out.push_str(&format!("{}{sign}{:02}", if upper { 'P' } else { 'p' }, exp.abs()));
    out
}

/// The mantissa (leading 1 at bit 60) rounded to `prec` hex digits, ties
/// to even.
fn round_hex(mut mant: u64, mut exp: i64, prec: u32) -> (u64, i64) {
    let shift = prec * 4;
    let extra = (mant << shift) & ((1 << 60) - 1);
    mant >>= 60 - shift;
    if extra | (mant & 1) > 1 << 59 {
        mant += 1;
    }
    mant <<= 60 - shift;
    if mant & (1 << 61) != 0 {
        mant >>= 1;
        exp += 1;
    }
    (mant, exp)
}
