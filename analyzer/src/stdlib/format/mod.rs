//! `format`: Go's `fmt.Sprintf`, which is what the reference calls.
//!
//! The reference decodes each value argument into an `interface{}`, so the
//! printer sees these Go values (see `arg`): `int` for integers (`uint64`
//! above `math.MaxInt64`), `float64`, `string`, `bool`, `[]interface {}`,
//! `map[string]interface {}`, `nil`, a secret as `rivertypes.Secret`, and a
//! function as itself. This module reads the directives as Go's `doPrintf`
//! does (flags, width and precision or `*`, argument indexes `%[n]`); the
//! printer (`printer`) formats one value for one verb as Go's `printArg`
//! and `printValue` do, error forms such as `%!d(string=hi)` included.

mod arg;
pub(crate) mod float;
mod integer;
mod printer;
pub(crate) mod quote;

use super::args::{arg, at_least};
use crate::value::Value;
use arg::GoArg;
use printer::Printer;

pub(super) fn format(args: &[Value]) -> Result<Value, String> {
    at_least(args, 1)?;
    let template: String = arg(args, 0)?;
    let values: Vec<GoArg> = args[1..].iter().map(GoArg::of).collect();
    Ok(Value::String(sprintf(&template, &values)))
}

/// The largest width, precision or argument index Go reads.
const TOO_LARGE: i64 = 1_000_000;

/// Where the directive reader is: Go's `doPrintf` locals.
struct Directives<'a> {
    format: &'a str,
    i: usize,
    arg_num: usize,
    reordered: bool,
    good_arg_num: bool,
}

fn sprintf(format: &str, args: &[GoArg]) -> String {
    let mut p = Printer::default();
    let mut d = Directives { format, i: 0, arg_num: 0, reordered: false, good_arg_num: true };
    let bytes = format.as_bytes();
    while d.i < bytes.len() {
        d.good_arg_num = true;
        let start = d.i;
        while d.i < bytes.len() && bytes[d.i] != b'%' {
            d.i += 1;
        }
        p.buf.push_str(&format[start..d.i]);
        if d.i >= bytes.len() {
            break;
        }
        d.i += 1;
        if !directive(&mut p, &mut d, args) {
            break;
        }
    }
    if !d.reordered && d.arg_num < args.len() {
        p.extra(&args[d.arg_num..]);
    }
    p.buf
}

/// One directive after its `%`; false when the format ended without a verb.
fn directive(p: &mut Printer, d: &mut Directives, args: &[GoArg]) -> bool {
    p.clear_flags();
    flags(p, d);
    let mut after_index = d.arg_number(args.len());
    let bytes = d.format.as_bytes();
    if bytes.get(d.i) == Some(&b'*') {
        d.i += 1;
        let (wid, ok) = d.int_from_arg(args);
        p.set_width(wid, ok);
        after_index = false;
    } else if let Some(wid) = d.parse_num() {
        p.f.wid = wid as usize;
        p.f.wid_present = true;
        if after_index {
            // "%[3]2d": a width after an index is refused.
            d.good_arg_num = false;
        }
    }
    if d.i + 1 < bytes.len() && bytes[d.i] == b'.' {
        d.i += 1;
        if after_index {
            d.good_arg_num = false;
        }
        after_index = d.arg_number(args.len());
        if bytes.get(d.i) == Some(&b'*') {
            d.i += 1;
            let (prec, ok) = d.int_from_arg(args);
            p.set_precision(prec, ok);
            after_index = false;
        } else {
            p.f.prec = d.parse_num().unwrap_or(0) as usize;
            p.f.prec_present = true;
        }
    }
    if !after_index {
        d.arg_number(args.len());
    }
    verb(p, d, args)
}

/// The flag characters `#0+- `.
fn flags(p: &mut Printer, d: &mut Directives) {
    while let Some(&c) = d.format.as_bytes().get(d.i) {
        match c {
            b'#' => p.f.sharp = true,
            b'0' => p.f.zero = true,
            b'+' => p.f.plus = true,
            b'-' => p.f.minus = true,
            b' ' => p.f.space = true,
            _ => return,
        }
        d.i += 1;
    }
}

/// The verb and what it prints; false at the end of the format.
fn verb(p: &mut Printer, d: &mut Directives, args: &[GoArg]) -> bool {
    let Some(verb) = d.format[d.i..].chars().next() else {
        p.buf.push_str("%!(NOVERB)");
        return false;
    };
    d.i += verb.len_utf8();
    match verb {
        // `%%` takes no argument and ignores width and precision.
        '%' => p.buf.push('%'),
        _ if !d.good_arg_num => p.buf.push_str(&format!("%!{verb}(BADINDEX)")),
        _ if d.arg_num >= args.len() => p.buf.push_str(&format!("%!{verb}(MISSING)")),
        _ => {
            if verb == 'v' {
                // `%#v` is Go syntax and `%+v` field names: both are their
                // own formats, so the flags move aside.
                p.f.sharp_v = std::mem::take(&mut p.f.sharp);
                p.f.plus_v = std::mem::take(&mut p.f.plus);
            }
            p.print_arg(&args[d.arg_num], verb);
            d.arg_num += 1;
        }
    }
    true
}

impl Directives<'_> {
    /// Go's `parsenum`: digits at `i`. A number over a million makes Go
    /// skip to the end of the format.
    fn parse_num(&mut self) -> Option<i64> {
        let bytes = self.format.as_bytes();
        let mut num: Option<i64> = None;
        while let Some(&b) = bytes.get(self.i).filter(|b| b.is_ascii_digit()) {
            if num.is_some_and(|n| n > TOO_LARGE) {
                self.i = bytes.len();
                return None;
            }
            num = Some(num.unwrap_or(0) * 10 + i64::from(b - b'0'));
            self.i += 1;
        }
        num
    }

    /// Go's `argNumber`: an explicit `[n]` at `i` picks argument `n`.
    /// Returns whether one was read.
    fn arg_number(&mut self, num_args: usize) -> bool {
        let rest = &self.format.as_bytes()[self.i..];
        if rest.first() != Some(&b'[') {
            return false;
        }
        self.reordered = true;
        let (index, width, ok) = parse_arg_number(rest);
        if ok && index >= 1 && (index as usize) <= num_args {
            self.arg_num = index as usize - 1;
            self.i += width;
            return true;
        }
        self.good_arg_num = false;
        self.i += width;
        ok
    }

    /// Go's `intFromArg`: a `*` width or precision from the next argument.
    fn int_from_arg(&mut self, args: &[GoArg]) -> (i64, bool) {
        let Some(a) = args.get(self.arg_num) else { return (0, false) };
        self.arg_num += 1;
        match a.as_int() {
            Some(n) if (-TOO_LARGE..=TOO_LARGE).contains(&n) => (n, true),
            _ => (0, false),
        }
    }
}

/// Go's `parseArgNumber` on text starting with `[`: the one-based index,
/// how many bytes it took, and whether it was a number closed by `]`.
fn parse_arg_number(text: &[u8]) -> (i64, usize, bool) {
    if text.len() < 3 {
        return (0, 1, false);
    }
    let Some(close) = text.iter().position(|&b| b == b']') else { return (0, 1, false) };
    let digits = &text[1..close];
    let mut num: i64 = 0;
    for (n, &b) in digits.iter().enumerate() {
        if !b.is_ascii_digit() || (n > 0 && num > TOO_LARGE) {
            return (0, close + 1, false);
        }
        num = num * 10 + i64::from(b - b'0');
    }
    (num, close + 1, !digits.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A secret reaches `fmt.Sprintf` as a `rivertypes.Secret`, a string
    /// type: the reference prints its text.
    #[test]
    fn a_secret_prints_as_its_text() {
        let secret = [Value::Secret("pw".into())];
        let args: Vec<GoArg> = secret.iter().map(GoArg::of).collect();
        let got = sprintf("%s|%q|%d|%T", &[args[0], args[0], args[0], args[0]]);
        assert_eq!(got, "pw|\"pw\"|%!d(rivertypes.Secret=pw)|rivertypes.Secret");
    }
}
