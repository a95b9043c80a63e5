//! Go's regular expressions (RE2) on Rust's `regex` crate. The syntax is
//! the same but for the Perl classes: Go's `\d \w \s \b` are ASCII-only,
//! Rust's Unicode-aware.

/// A Go pattern as the `regex` crate reads it with Go's meaning: `\d \D \w
/// \W \s \S \b \B` rewritten to their ASCII forms (which also hold inside
/// a bracket class, as nested classes).
pub fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else {
            out.push('\\');
            break;
        };
        match next {
            'd' => out.push_str("[0-9]"),
            'D' => out.push_str("[^0-9]"),
            'w' => out.push_str("[0-9A-Za-z_]"),
            'W' => out.push_str("[^0-9A-Za-z_]"),
            's' => out.push_str(r"[\t\n\f\r ]"),
            'S' => out.push_str(r"[^\t\n\f\r ]"),
            'b' => out.push_str(r"(?-u:\b)"),
            'B' => out.push_str(r"(?-u:\B)"),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

/// Compiles a Go pattern, unanchored as Go's `regexp.Compile`.
pub fn compile(pattern: &str) -> Result<::regex::Regex, ::regex::Error> {
    ::regex::Regex::new(&translate(pattern))
}

/// Why a Go pattern does not compile, and at which byte of the pattern
/// (`unclosed group at byte 3`); `None` when its syntax is sound.
pub fn syntax_error(pattern: &str) -> Option<String> {
    let error = regex_syntax::Parser::new().parse(pattern).err()?;
    Some(match &error {
        regex_syntax::Error::Parse(e) => format!("{} at byte {}", e.kind(), e.span().start.offset),
        regex_syntax::Error::Translate(e) => {
            format!("{} at byte {}", e.kind(), e.span().start.offset)
        }
        other => other.to_string().lines().last().unwrap_or_default().trim().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_are_ascii() {
        let digits = compile(r"^\d+$").unwrap();
        assert!(digits.is_match("123") && !digits.is_match("١٢٣"));
        let word = compile(r"^[\w-]+$").unwrap();
        assert!(word.is_match("a_b-9") && !word.is_match("é"));
        assert!(
            compile(r"^\s$").unwrap().is_match("\t")
                && !compile(r"^\s$").unwrap().is_match("\u{a0}")
        );
        assert!(compile(r"\bx\b").unwrap().is_match("é x"));
        // An escaped backslash stays one; the letter after it is literal.
        assert!(compile(r"^\\d$").unwrap().is_match("\\d"));
    }
}
