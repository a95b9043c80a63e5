//! Integers, as Go's `fmtInteger` and `fmt/format.go` print them: bases,
//! the `#` prefixes, `%O`, precision as a minimum of digits, zero padding,
//! and integers as characters (`%c`, `%q`, `%U`).

use super::arg::GoArg;
use super::printer::Printer;
use super::quote;

impl Printer {
    /// Go's `pp.fmtInteger`: `u` holds the bits of an `int` when `signed`.
    pub(super) fn fmt_integer(&mut self, u: u64, signed: bool, verb: char, arg: &GoArg) {
        match verb {
            'v' if self.f.sharp_v && !signed => self.fmt_0x64(u, true),
            'v' | 'd' => self.integer(u, 10, signed, verb, false),
            'b' => self.integer(u, 2, signed, verb, false),
            'o' | 'O' => self.integer(u, 8, signed, verb, false),
            'x' => self.integer(u, 16, signed, verb, false),
            'X' => self.integer(u, 16, signed, verb, true),
            'c' => self.fmt_c(u),
            'q' => self.fmt_qc(u),
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, arg),
        }
    }

    /// Hex with or without `0x`, whatever the `#` flag says.
    pub(super) fn fmt_0x64(&mut self, u: u64, leading_0x: bool) {
        let sharp = std::mem::replace(&mut self.f.sharp, leading_0x);
        self.integer(u, 16, false, 'v', false);
        self.f.sharp = sharp;
    }

    /// Go's `fmt.fmtInteger`.
    fn integer(&mut self, u: u64, base: u32, signed: bool, verb: char, upper: bool) {
        let negative = signed && (u as i64) < 0;
        let u = if negative { u.wrapping_neg() } else { u };
        let f = self.f;
        // Two ways to ask for leading zeros, `%.3d` and `%03d`; with a
        // precision the `0` flag pads with spaces instead.
        let mut min_digits = 0;
        if f.prec_present {
            min_digits = f.prec;
            if min_digits == 0 && u == 0 {
                // Zero with precision 0 prints nothing but the padding.
                let zero = std::mem::take(&mut self.f.zero);
                self.write_padding(f.wid);
                self.f.zero = zero;
                return;
            }
        } else if f.zero && !f.minus && f.wid_present {
            min_digits = f.wid;
            if negative || f.plus || f.space {
                min_digits = min_digits.saturating_sub(1);
            }
        }
        let digits = match base {
            2 => format!("{u:b}"),
            8 => format!("{u:o}"),
            16 if upper => format!("{u:X}"),
            16 => format!("{u:x}"),
            _ => u.to_string(),
        };
        let zeros = "0".repeat(min_digits.saturating_sub(digits.len()));
        let out = prefixed(f, zeros + &digits, base, verb, negative, upper);
        self.pad_spaces(&out);
    }

    /// `U+0041`, with `#` followed by the quoted character when printable.
    fn fmt_unicode(&mut self, u: u64) {
        let prec = if self.f.prec_present && self.f.prec > 4 { self.f.prec } else { 4 };
        let mut out = format!("U+{u:0prec$X}");
        if self.f.sharp {
            if let Some(c) =
                char::from_u32(u as u32).filter(|c| u <= 0x10FFFF && quote::is_print(*c))
            {
                out.push_str(&format!(" '{c}'"));
            }
        }
        self.pad_spaces(&out);
    }

    /// `%c`: the character, or U+FFFD for what is no character.
    fn fmt_c(&mut self, u: u64) {
        self.pad(&rune(u).to_string());
    }

    /// `%q` on an integer: a quoted Go character literal.
    fn fmt_qc(&mut self, u: u64) {
        self.pad(&quote::quote_rune(rune(u), self.f.plus));
    }
}

/// Go's `rune(c)` with the check `fmt` makes: past `utf8.MaxRune`, or a
/// surrogate, is U+FFFD.
fn rune(u: u64) -> char {
    u32::try_from(u).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}')
}

/// Go's prefixes around the digits, inside out: `#`'s `0b`, `0` or `0x`,
/// then `%O`'s `0o`, then the sign.
fn prefixed(
    f: super::printer::Flags,
    mut out: String,
    base: u32,
    verb: char,
    negative: bool,
    upper: bool,
) -> String {
    if f.sharp {
        match base {
            2 => out.insert_str(0, "0b"),
            8 if !out.starts_with('0') => out.insert(0, '0'),
            16 => out.insert_str(0, if upper { "0X" } else { "0x" }),
            _ => {}
        }
    }
    if verb == 'O' {
        out.insert_str(0, "0o");
    }
    if negative {
        out.insert(0, '-');
    } else if f.plus {
        out.insert(0, '+');
    } else if f.space {
        out.insert(0, ' ');
    }
    out
}
