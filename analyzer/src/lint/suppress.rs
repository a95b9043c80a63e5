//! `// flowlint:ignore RULE[, RULE...]` on the line before a finding
//! silences those rules there; without rule ids it silences all.

use river_syntax::LineIndex;

use super::Finding;

const MARKER: &str = "// flowlint:ignore";

pub(super) fn apply(text: &str, findings: Vec<Finding>) -> Vec<Finding> {
    if !text.contains(MARKER) {
        return findings;
    }
    let index = LineIndex::new(text);
    let lines: Vec<&str> = text.lines().collect();
    findings
        .into_iter()
        .filter(|f| {
            let line = index.line_col(f.range.start()).line as usize;
            let Some(previous) = line.checked_sub(1).and_then(|l| lines.get(l)) else {
                return true;
            };
            !silences(previous, f.rule)
        })
        .collect()
}

/// Whether a line is an ignore comment that covers `rule`.
fn silences(line: &str, rule: &str) -> bool {
    let Some(rest) = line.trim().strip_prefix(MARKER) else { return false };
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return false;
    }
    let ids: Vec<&str> = rest.split([',', ' ', '\t']).filter(|s| !s.is_empty()).collect();
    ids.is_empty() || ids.contains(&rule)
}

#[cfg(test)]
mod tests {
    use super::silences;

    #[test]
    fn ignore_comments() {
        assert!(silences("  // flowlint:ignore unknown-argument", "unknown-argument"));
        assert!(silences("// flowlint:ignore a, unknown-argument", "unknown-argument"));
        assert!(silences("// flowlint:ignore", "anything"));
        assert!(!silences("// flowlint:ignore other", "unknown-argument"));
        assert!(!silences("// flowlint:ignored", "x"));
        assert!(!silences("x = 1", "x"));
    }
}
