//! `stage.luhn`: replaces runs of at least `minLength` digits that pass
//! the Luhn check (card numbers) with `replacement`, in the line or an
//! extracted value. As the reference, a run too long for a 64-bit
//! integer is kept.

use serde_json::Value as Json;

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{Item, Stage};

pub struct Luhn {
    replacement: String,
    source: String,
    min_length: usize,
}

impl Luhn {
    pub fn build(block: &Args) -> Result<Luhn, ArgError> {
        let min: f64 = block.get("minLength")?;
        if min < 1.0 {
            return Err(block.invalid("minLength", "must be at least 1"));
        }
        Ok(Luhn {
            replacement: block.get("replacement")?,
            source: block.get("source")?,
            min_length: min as usize,
        })
    }
}

impl Stage for Luhn {
    fn apply(&self, item: &mut Item) -> bool {
        let Some(input) = item.input(&self.source) else { return true };
        let out = redact(&input, &self.replacement, self.min_length);
        if self.source.is_empty() {
            item.entry.line = out;
        } else {
            item.extracted.insert(self.source.clone(), Json::String(out));
        }
        true
    }
}

/// `input` with every Luhn-valid run of digits replaced.
pub fn redact(input: &str, replacement: &str, min_length: usize) -> String {
    let mut out = String::with_capacity(input.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let valid = run.len() >= min_length && run.parse::<i64>().is_ok_and(is_luhn);
        out.push_str(if valid { replacement } else { run });
        run.clear();
    };
    for c in input.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The Luhn checksum of `number`'s decimal digits.
fn is_luhn(number: i64) -> bool {
    let (mut sum, mut n, mut double) = (0, number, false);
    while n > 0 {
        let mut digit = n % 10;
        if double {
            digit *= 2;
            if digit > 9 {
                digit -= 9;
            }
        }
        sum += digit;
        double = !double;
        n /= 10;
    }
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn card_numbers_are_redacted_and_others_kept() {
        let line = "card 4539148803436467 and 1234567812345678 and 79927398713";
        assert_eq!(super::redact(line, "**", 13), "card ** and 1234567812345678 and 79927398713");
        assert_eq!(super::redact("79927398713", "**", 11), "**");
    }
}
