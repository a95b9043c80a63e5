//! `ConvertCase`'s cases: Go's `strings.ToLower`/`ToUpper`, and snake
//! and camel case as the `strcase` package the collector uses makes
//! them (ASCII letters only; words break where letters change case or
//! meet digits, and at spaces, `_`, `-` and `.`).

use river_analyzer::go::case::{to_lower, to_upper};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Lower,
    Upper,
    Snake,
    Camel,
}

impl Case {
    pub fn named(name: &str) -> Result<Case, String> {
        Ok(match name {
            "lower" => Case::Lower,
            "upper" => Case::Upper,
            "snake" => Case::Snake,
            "camel" => Case::Camel,
            _ => {
                return Err(format!(
                    "invalid case: {name}, allowed cases are: lower, upper, snake, camel"
                ))
            }
        })
    }

    pub fn apply(self, text: &str) -> String {
        if text.is_empty() {
            return String::new();
        }
        match self {
            Case::Lower => to_lower(text),
            Case::Upper => to_upper(text),
            Case::Snake => snake(text),
            Case::Camel => camel(text),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Class {
    Upper,
    Lower,
    Digit,
    Other,
}

fn class(b: u8) -> Class {
    match b {
        b'A'..=b'Z' => Class::Upper,
        b'a'..=b'z' => Class::Lower,
        b'0'..=b'9' => Class::Digit,
        _ => Class::Other,
    }
}

fn separator(b: u8) -> bool {
    matches!(b, b' ' | b'_' | b'-' | b'.')
}

/// `strcase.ToSnake`: lowercase words joined by `_`. An upper-case run
/// stays one word (`JSONData` is `json_data`).
fn snake(text: &str) -> String {
    let bytes = text.trim().as_bytes();
    let mut out = Vec::with_capacity(bytes.len() + 2);
    for (i, &b) in bytes.iter().enumerate() {
        let (this, next) = (class(b), bytes.get(i + 1).map_or(Class::Other, |n| class(*n)));
        let changes = matches!(
            (this, next),
            (Class::Upper, Class::Lower | Class::Digit)
                | (Class::Lower, Class::Upper | Class::Digit)
                | (Class::Digit, Class::Upper | Class::Lower)
        );
        if changes {
            // An upper-case letter that starts a word after another
            // upper-case one ends the run before it (`JSONData`).
            let after_upper = i > 0 && class(bytes[i - 1]) == Class::Upper;
            if this == Class::Upper && next == Class::Lower && after_upper {
                out.push(b'_');
            }
            out.push(b.to_ascii_lowercase());
            if this != Class::Upper || next == Class::Digit {
                out.push(b'_');
            }
        } else if separator(b) {
            out.push(b'_');
        } else {
            out.push(b.to_ascii_lowercase());
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `strcase.ToCamel`: words capitalised and joined; separators dropped,
/// an upper-case run after its first letter lowered, anything but ASCII
/// letters and digits dropped.
fn camel(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut cap_next = true;
    let mut prev_upper = false;
    for b in text.trim().bytes() {
        let this = class(b);
        let letter = if cap_next {
            b.to_ascii_uppercase()
        } else if prev_upper && this == Class::Upper {
            b.to_ascii_lowercase()
        } else {
            b
        };
        prev_upper = this == Class::Upper;
        match this {
            Class::Upper | Class::Lower => {
                out.push(letter as char);
                cap_next = false;
            }
            Class::Digit => {
                out.push(b as char);
                cap_next = true;
            }
            Class::Other => cap_next = separator(b),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases of the collector's `func_convert_case_test.go` and strcase's.
    #[test]
    fn cases_as_the_collector() {
        let cases = [
            (Case::Snake, "simpleTest", "simple_test"),
            (Case::Snake, "SimpleTest", "simple_test"),
            (Case::Snake, "JSONData", "json_data"),
            (Case::Snake, "version 1.2.10", "version_1_2_10"),
            (Case::Snake, "AnyKind of_string", "any_kind_of_string"),
            (Case::Camel, "simple_test", "SimpleTest"),
            (Case::Camel, "simpleTest", "SimpleTest"),
            (Case::Camel, "any_kind of-string", "AnyKindOfString"),
            (Case::Camel, "numbers2and55with000", "Numbers2And55With000"),
            (Case::Upper, "simple", "SIMPLE"),
            (Case::Lower, "SIMPLE", "simple"),
            (Case::Lower, "", ""),
        ];
        for (case, from, to) in cases {
            assert_eq!(case.apply(from), to, "{case:?} {from}");
        }
        assert!(Case::named("kebab").is_err());
    }
}
