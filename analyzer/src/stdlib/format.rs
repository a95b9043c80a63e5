//! `format`: Go's `fmt.Sprintf` over River values.
//!
//! Verbs `%v %s %q %d %b %o %x %X %c %e %E %f %F %g %G %t %%`, with flags
//! `+ - # 0` and space, width and precision (numbers or `*`). River values
//! stand for the Go values the reference passes: numbers are `int64`,
//! `uint64` or `float64`, arrays `[]any`, objects `map[string]any`, null
//! `nil`. Mistakes print as Go prints them: `%!d(string=hi)`,
//! `%!s(MISSING)`, `%!(EXTRA int64=1)`.

use crate::value::{Number, Value};

/// The largest width or precision Go accepts.
const MAX_WIDTH: usize = 1_000_000;

/// A parsed `%` directive.
#[derive(Default, Clone, Copy)]
struct Spec {
    plus: bool,
    minus: bool,
    sharp: bool,
    zero: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

pub(super) fn format(args: &[Value]) -> Result<Value, String> {
    super::args::at_least(args, 1)?;
    let template: String = super::args::arg(args, 0)?;
    let mut rest = args[1..].iter();
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '+' => spec.plus = true,
                '-' => spec.minus = true,
                '#' => spec.sharp = true,
                '0' => spec.zero = true,
                ' ' => spec.space = true,
                _ => break,
            }
            chars.next();
        }
        spec.width = number_or_star(&mut chars, &mut rest);
        if spec.width.is_some_and(|w| w > MAX_WIDTH) {
            // Go refuses widths and precisions over a million.
            out.push_str("%!(BADWIDTH)");
            spec.width = None;
        }
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(number_or_star(&mut chars, &mut rest).unwrap_or(0));
            if spec.precision.is_some_and(|p| p > MAX_WIDTH) {
                out.push_str("%!(BADPREC)");
                spec.precision = None;
            }
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        match rest.next() {
            Some(arg) => out.push_str(&pad(spec, format_one(spec, verb, arg), is_number(arg))),
            None => out.push_str(&format!("%!{verb}(MISSING)")),
        }
    }
    let extra: Vec<String> = rest.map(|v| format!("{}={}", go_type(v), plain(v))).collect();
    if !extra.is_empty() {
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    Ok(Value::String(out))
}

fn number_or_star<'a>(
    chars: &mut std::iter::Peekable<std::str::Chars>,
    args: &mut impl Iterator<Item = &'a Value>,
) -> Option<usize> {
    if chars.peek() == Some(&'*') {
        chars.next();
        return match args.next() {
            Some(Value::Number(n)) => Some(n.as_f64().clamp(0.0, 1e9) as usize),
            _ => None,
        };
    }
    let mut value: Option<usize> = None;
    while let Some(&d) = chars.peek().filter(|c| c.is_ascii_digit()) {
        let digit = d.to_digit(10).unwrap_or(0) as usize;
        value = Some(value.unwrap_or(0).saturating_mul(10).saturating_add(digit));
        chars.next();
    }
    value
}

fn is_number(v: &Value) -> bool {
    matches!(v, Value::Number(_))
}

/// Width padding: spaces on the left (or right with `-`), zeros for numbers
/// with `0`.
fn pad(spec: Spec, text: String, number: bool) -> String {
    let Some(width) = spec.width else { return text };
    let len = text.chars().count();
    if len >= width {
        return text;
    }
    let fill = width - len;
    if spec.minus {
        format!("{text}{}", " ".repeat(fill))
    } else if spec.zero && number {
        let (sign, digits) = match text.strip_prefix(['-', '+', ' ']) {
            Some(d) => (&text[..1], d),
            None => ("", text.as_str()),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{text}", " ".repeat(fill))
    }
}

/// The Go type name of a value, for error directives.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Number(Number::Int(_)) => "int64",
        Value::Number(Number::Uint(_)) => "uint64",
        Value::Number(Number::Float(_)) => "float64",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
        _ => "capsule",
    }
}

/// `%v` with no flags: Go's default format.
fn plain(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Number(Number::Float(f)) => float_g(*f, None),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => {
            format!("[{}]", items.iter().map(plain).collect::<Vec<_>>().join(" "))
        }
        Value::Object(fields) => {
            let mut keys: Vec<&String> = fields.keys().collect();
            keys.sort();
            let parts: Vec<String> =
                keys.iter().map(|k| format!("{k}:{}", plain(&fields[*k]))).collect();
            format!("map[{}]", parts.join(" "))
        }
        other => other.to_string(),
    }
}

fn bad(verb: char, v: &Value) -> String {
    if matches!(v, Value::Null) {
        return format!("%!{verb}(<nil>)");
    }
    format!("%!{verb}({}={})", go_type(v), plain(v))
}

fn format_one(spec: Spec, verb: char, v: &Value) -> String {
    match (verb, v) {
        ('v', Value::Number(n)) => signed(spec, number_text(*n, 'v', spec)),
        ('v', _) => plain(v),
        ('s', Value::String(s)) => truncate(s, spec.precision),
        ('s', Value::Array(_) | Value::Object(_)) => plain(v),
        ('q', Value::String(s)) => river_syntax::go_quote(s),
        ('t', Value::Bool(b)) => b.to_string(),
        (
            'd' | 'b' | 'o' | 'x' | 'X' | 'c',
            Value::Number(n @ (Number::Int(_) | Number::Uint(_))),
        ) => signed(spec, number_text(*n, verb, spec)),
        ('x' | 'X', Value::String(s)) => {
            let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
            if verb == 'X' {
                hex.to_uppercase()
            } else {
                hex
            }
        }
        ('e' | 'E' | 'f' | 'F' | 'g' | 'G', Value::Number(n @ Number::Float(_))) => {
            signed(spec, number_text(*n, verb, spec))
        }
        _ => bad(verb, v),
    }
}

fn truncate(s: &str, precision: Option<usize>) -> String {
    match precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    }
}

/// Adds `+` or a space before a non-negative number when asked.
fn signed(spec: Spec, text: String) -> String {
    if text.starts_with('-') || !(spec.plus || spec.space) {
        return text;
    }
    format!("{}{text}", if spec.plus { '+' } else { ' ' })
}

fn number_text(n: Number, verb: char, spec: Spec) -> String {
    match (n, verb) {
        (Number::Float(f), 'v' | 'g') => float_g(f, spec.precision),
        (Number::Float(f), 'G') => float_g(f, spec.precision).to_uppercase(),
        (Number::Float(f), 'e') => float_e(f, spec.precision.unwrap_or(6)),
        (Number::Float(f), 'E') => float_e(f, spec.precision.unwrap_or(6)).to_uppercase(),
        (Number::Float(f), _) => float_f(f, spec.precision.unwrap_or(6)),
        (n, 'b') => radix(n, 2, "0b", spec),
        (n, 'o') => radix(n, 8, "0", spec),
        (n, 'x') => radix(n, 16, "0x", spec),
        (n, 'X') => radix(n, 16, "0X", spec).to_uppercase(),
        (n, 'c') => char::from_u32(n.as_f64() as u32).map_or("\u{fffd}".into(), String::from),
        (n, _) => n.to_string(),
    }
}

fn radix(n: Number, base: u32, prefix: &str, spec: Spec) -> String {
    let (negative, magnitude) = match n {
        Number::Int(i) => (i < 0, i.unsigned_abs()),
        Number::Uint(u) => (false, u),
        Number::Float(f) => (f < 0.0, f.abs() as u64),
    };
    let digits = match base {
        2 => format!("{magnitude:b}"),
        8 => format!("{magnitude:o}"),
        _ => format!("{magnitude:x}"),
    };
    let prefix = if spec.sharp { prefix } else { "" };
    format!("{}{prefix}{digits}", if negative { "-" } else { "" })
}

fn float_f(f: f64, precision: usize) -> String {
    special(f).unwrap_or_else(|| format!("{f:.precision$}"))
}

/// `%e`: a mantissa and an exponent of at least two digits (`1.5e+00`).
fn float_e(f: f64, precision: usize) -> String {
    if let Some(s) = special(f) {
        return s;
    }
    go_exponent(&format!("{f:.precision$e}"))
}

/// `%g` (and `%v`): the shortest form that reads back the same, in
/// exponent form for exponents below -4 or from the precision (6 for the
/// shortest form) up.
fn float_g(f: f64, precision: Option<usize>) -> String {
    if let Some(s) = special(f) {
        return s;
    }
    let sci = match precision {
        Some(p) => format!("{f:.*e}", p.max(1) - 1),
        None => format!("{f:e}"),
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    // Go decides with precision 6 for the shortest form.
    let eprec = precision.map_or(6, |p| p.max(1) as i32);
    if exp < -4 || exp >= eprec {
        let mantissa = trim_zeros(mantissa);
        go_exponent(&format!("{mantissa}e{exp}"))
    } else {
        let digits = mantissa.replace(['.', '-'], "").len() as i32;
        let decimals = (digits - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{f:.decimals$}")).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Rust's `1.5e0` as Go's `1.5e+00`.
fn go_exponent(s: &str) -> String {
    let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

fn special(f: f64) -> Option<String> {
    if f.is_nan() {
        Some("NaN".into())
    } else if f.is_infinite() {
        Some(if f > 0.0 { "+Inf" } else { "-Inf" }.into())
    } else {
        None
    }
}
