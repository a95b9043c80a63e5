//! One value for one verb, as Go's `printArg`, `printValue` and the
//! padding and string helpers of `fmt/format.go` print it.

use super::arg::GoArg;
use super::quote;
use crate::value::Value;

/// The flags, width and precision of the directive being printed.
#[derive(Default, Clone, Copy)]
pub(super) struct Flags {
    pub wid: usize,
    pub prec: usize,
    pub wid_present: bool,
    pub prec_present: bool,
    pub minus: bool,
    pub plus: bool,
    pub sharp: bool,
    pub space: bool,
    pub zero: bool,
    /// `%+v` and `%#v`, set apart from `+` and `#`.
    pub plus_v: bool,
    pub sharp_v: bool,
}

#[derive(Default)]
pub(super) struct Printer {
    pub buf: String,
    pub f: Flags,
}

impl Printer {
    pub(super) fn clear_flags(&mut self) {
        self.f = Flags::default();
    }

    /// A `*` width: Go prints `%!(BADWIDTH)` for a non-integer and reads a
    /// negative width as `-` with its size.
    pub(super) fn set_width(&mut self, wid: i64, ok: bool) {
        self.f.wid_present = ok;
        if !ok {
            self.buf.push_str("%!(BADWIDTH)");
        }
        if wid < 0 {
            self.f.minus = true;
            self.f.zero = false;
        }
        self.f.wid = wid.unsigned_abs() as usize;
    }

    /// A `*` precision; a negative one is as bad as a non-integer.
    pub(super) fn set_precision(&mut self, prec: i64, ok: bool) {
        let present = ok && prec >= 0;
        self.f.prec = if present { prec as usize } else { 0 };
        self.f.prec_present = present;
        if !present {
            self.buf.push_str("%!(BADPREC)");
        }
    }

    /// `n` bytes of padding: zeros only when padding on the left.
    pub(super) fn write_padding(&mut self, n: usize) {
        let fill = if self.f.zero && !self.f.minus { '0' } else { ' ' };
        self.buf.extend(std::iter::repeat_n(fill, n));
    }

    /// `s` padded to the width, counted in characters.
    pub(super) fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let fill = self.f.wid.saturating_sub(s.chars().count());
        if self.f.minus {
            self.buf.push_str(s);
            self.write_padding(fill);
        } else {
            self.write_padding(fill);
            self.buf.push_str(s);
        }
    }

    /// `pad` with zero padding turned off, as Go pads what is no number.
    pub(super) fn pad_spaces(&mut self, s: &str) {
        let zero = std::mem::take(&mut self.f.zero);
        self.pad(s);
        self.f.zero = zero;
    }

    /// Go's `printArg`: a top-level argument.
    pub(super) fn print_arg(&mut self, arg: &GoArg, verb: char) {
        match (arg, verb) {
            (GoArg::Nil, 'T' | 'v') => self.pad("<nil>"),
            (GoArg::Nil, _) => self.bad_verb(verb, arg),
            (_, 'T') => self.fmt_s(arg.type_name()),
            (_, 'p') => self.fmt_pointer(arg, 'p'),
            _ => self.print_value(arg, verb),
        }
    }

    /// Go's `printValue` for the Go types of `GoArg`.
    pub(super) fn print_value(&mut self, arg: &GoArg, verb: char) {
        match *arg {
            GoArg::Nil => self.nil_element(),
            GoArg::Bool(b) => self.fmt_bool(b, verb, arg),
            GoArg::Int(i) => self.fmt_integer(i as u64, true, verb, arg),
            GoArg::Uint(u) => self.fmt_integer(u, false, verb, arg),
            GoArg::Float(v) => self.fmt_float_verb(v, verb, arg),
            GoArg::Str(s) | GoArg::Secret(s) => self.fmt_string(s, verb, arg),
            GoArg::Slice(items) => self.print_slice(items, verb),
            GoArg::Map(fields) => self.print_map(fields, verb),
            GoArg::Func(..) => self.fmt_pointer(arg, verb),
            // A capsule's Go value is not ours to see; its River form
            // stands in for it.
            GoArg::Capsule(_, value) => self.pad(&value.to_string()),
        }
    }

    /// A nil inside a slice or map: an empty `interface{}`, printed
    /// unpadded whatever the verb.
    fn nil_element(&mut self) {
        if self.f.sharp_v {
            self.buf.push_str("interface {}(nil)");
        } else {
            self.buf.push_str("<nil>");
        }
    }

    /// Each element with the same verb and flags: `[1 2]`, or
    /// `[]interface {}{1, 2}` for `%#v`.
    fn print_slice(&mut self, items: &[Value], verb: char) {
        let sep = if self.f.sharp_v {
            self.buf.push_str("[]interface {}{");
            ", "
        } else {
            self.buf.push('[');
            " "
        };
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(sep);
            }
            self.print_value(&GoArg::of(item), verb);
        }
        self.buf.push(if self.f.sharp_v { '}' } else { ']' });
    }

    /// Keys in sorted order, each key and value with the verb:
    /// `map[a:1 b:2]`, or `map[string]interface {}{"a":1}` for `%#v`.
    fn print_map(&mut self, fields: &crate::value::Object, verb: char) {
        let sep = if self.f.sharp_v {
            self.buf.push_str("map[string]interface {}{");
            ", "
        } else {
            self.buf.push_str("map[");
            " "
        };
        let mut keys: Vec<&String> = fields.keys().collect();
        keys.sort();
        for (i, key) in keys.into_iter().enumerate() {
            if i > 0 {
                self.buf.push_str(sep);
            }
            self.fmt_string(key, verb, &GoArg::Str(key));
            self.buf.push(':');
            self.print_value(&GoArg::of(&fields[key]), verb);
        }
        self.buf.push(if self.f.sharp_v { '}' } else { ']' });
    }

    /// `%!verb(type=value)`, the value printed with `%v` and the
    /// directive's flags.
    pub(super) fn bad_verb(&mut self, verb: char, arg: &GoArg) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        self.typed_value(arg);
        self.buf.push(')');
    }

    /// `type=value`, or `<nil>`: how the error forms show an argument.
    fn typed_value(&mut self, arg: &GoArg) {
        if let GoArg::Nil = arg {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(arg.type_name());
            self.buf.push('=');
            self.print_arg(arg, 'v');
        }
    }

    /// `%!(EXTRA type=value, ...)` for arguments no verb used.
    pub(super) fn extra(&mut self, args: &[GoArg]) {
        self.clear_flags();
        self.buf.push_str("%!(EXTRA ");
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(", ");
            }
            self.typed_value(arg);
        }
        self.buf.push(')');
    }

    fn fmt_bool(&mut self, b: bool, verb: char, arg: &GoArg) {
        match verb {
            't' | 'v' => self.pad(if b { "true" } else { "false" }),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_string(&mut self, s: &str, verb: char, arg: &GoArg) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, false),
            'X' => self.fmt_sx(s, true),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, arg),
        }
    }

    /// The string cut to the precision, in characters, then padded.
    pub(super) fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad(s);
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        match s.char_indices().nth(self.f.prec) {
            Some((at, _)) if self.f.prec_present => &s[..at],
            _ => s,
        }
    }

    /// Go's `fmtSbx`: the bytes in hex, `% x` spacing them, `%#x`
    /// prefixing `0x` (to each with a space), at most precision bytes.
    fn fmt_sx(&mut self, s: &str, upper: bool) {
        let bytes = s.as_bytes();
        let length = if self.f.prec_present { bytes.len().min(self.f.prec) } else { bytes.len() };
        if length == 0 {
            if self.f.wid_present {
                self.write_padding(self.f.wid);
            }
            return;
        }
        let prefix = if upper { "0X" } else { "0x" };
        let mut out = String::new();
        if self.f.sharp {
            out.push_str(prefix);
        }
        for (i, b) in bytes[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                out.push(' ');
                if self.f.sharp {
                    out.push_str(prefix);
                }
            }
            out.push_str(&if upper { format!("{b:02X}") } else { format!("{b:02x}") });
        }
        let fill = if self.f.wid_present { self.f.wid.saturating_sub(out.len()) } else { 0 };
        if !self.f.minus {
            self.write_padding(fill);
        }
        self.buf.push_str(&out);
        if self.f.minus {
            self.write_padding(fill);
        }
    }

    /// A Go string literal: raw with `#` when it can be, ASCII with `+`.
    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        if self.f.sharp && quote::can_backquote(s) {
            self.pad(&format!("`{s}`"));
        } else {
            self.pad(&quote::quote(s, '"', self.f.plus));
        }
    }

    /// Go's `fmtPointer`: what holds a reference prints its address.
    fn fmt_pointer(&mut self, arg: &GoArg, verb: char) {
        let Some(address) = arg.address() else { return self.bad_verb(verb, arg) };
        match verb {
            'v' if self.f.sharp_v => {
                self.buf.push_str(&format!("({})(", arg.type_name()));
                self.fmt_0x64(address as u64, true);
                self.buf.push(')');
            }
            'v' | 'p' => self.fmt_0x64(address as u64, !self.f.sharp),
            'b' | 'o' | 'd' | 'x' | 'X' => {
                self.fmt_integer(address as u64, false, verb, arg);
            }
            _ => self.bad_verb(verb, arg),
        }
    }
}
