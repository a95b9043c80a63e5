//! Durations as River decodes them: Go's `time.ParseDuration`.
//!
//! A sequence of decimal numbers, each with an optional fraction and a unit
//! (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`), with an optional sign:
//! `"1m30s"`, `"250ms"`, `"-1.5h"`. The upstream docs also list `d`, which
//! the reference rejects; so do we, suggesting the equivalent in hours.

const UNITS: &[(&str, u64)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// Nanoseconds in the duration `text`, or the reason it is not one.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let invalid = || format!("invalid duration {text:?}");
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let (int_len, int) = leading_int(rest);
        rest = &rest[int_len..];
        let mut fraction = (0u64, 1u64);
        let mut has_fraction = false;
        if let Some(after) = rest.strip_prefix('.') {
            let (len, digits) = leading_fraction(after);
            fraction = digits;
            has_fraction = len > 0;
            rest = &after[len..];
            if int_len == 0 && len == 0 {
                return Err(invalid());
            }
        } else if int_len == 0 {
            return Err(invalid());
        }
        let unit_len = rest.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        if unit.is_empty() {
            return Err(format!("missing unit in duration {text:?}"));
        }
        let Some(&(_, scale)) = UNITS.iter().find(|(u, _)| *u == unit) else {
            let hint =
                if unit == "d" { " (write days as hours, such as \"24h\" for 1d)" } else { "" };
            return Err(format!("unknown unit {unit:?} in duration {text:?}{hint}"));
        };
        let whole = int.ok_or_else(invalid)?.checked_mul(scale).ok_or_else(invalid)?;
        let part = if has_fraction {
            (fraction.0 as f64 * (scale as f64 / fraction.1 as f64)) as u64
        } else {
            0
        };
        total = total.checked_add(whole).and_then(|t| t.checked_add(part)).ok_or_else(invalid)?;
    }
    if negative {
        if total > 1 << 63 {
            return Err(invalid());
        }
        Ok((total as i64).wrapping_neg())
    } else {
        i64::try_from(total).map_err(|_| invalid())
    }
}

/// The leading digits: how many, and their value (`None` on overflow).
fn leading_int(s: &str) -> (usize, Option<u64>) {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    let value = s[..len]
        .bytes()
        .try_fold(0u64, |acc, d| acc.checked_mul(10)?.checked_add(u64::from(d - b'0')));
    (len, value)
}

/// The leading fraction digits: how many, and value over scale (digits past
/// what fits are dropped, as Go does).
fn leading_fraction(s: &str) -> (usize, (u64, u64)) {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    let (mut value, mut scale) = (0u64, 1u64);
    for d in s[..len].bytes() {
        if let (Some(v), Some(sc)) = (value.checked_mul(10), scale.checked_mul(10)) {
            value = v + u64::from(d - b'0');
            scale = sc;
        }
    }
    (len, (value, scale))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn go_durations() {
        let ok = [
            ("0", 0),
            ("1s", 1_000_000_000),
            ("1m30s", 90_000_000_000),
            ("250ms", 250_000_000),
            ("-1.5h", -5_400_000_000_000),
            ("1.5µs", 1_500),
            ("2μs", 2_000),
            ("1h2m3s4ms5us6ns", 3_723_004_005_006),
            (".5s", 500_000_000),
            ("+3s", 3_000_000_000),
        ];
        for (text, nanos) in ok {
            assert_eq!(parse_duration(text), Ok(nanos), "{text}");
        }
    }

    #[test]
    fn bad_durations() {
        assert_eq!(parse_duration("1"), Err("missing unit in duration \"1\"".into()));
        assert_eq!(parse_duration(""), Err("invalid duration \"\"".into()));
        assert_eq!(parse_duration("s"), Err("invalid duration \"s\"".into()));
        assert_eq!(parse_duration("1x"), Err("unknown unit \"x\" in duration \"1x\"".into()));
        assert!(parse_duration("1d").unwrap_err().contains("\"24h\""));
        assert_eq!(parse_duration("9999999999h"), Err("invalid duration \"9999999999h\"".into()));
    }
}
