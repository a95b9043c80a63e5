//! Line numbers in the margin of a report rendered from an excerpt.
//!
//! Ariadne numbers the lines of the text it is given from 1. Rendering from
//! the whole file keeps the numbers right but costs time and memory in
//! proportion to the file: ariadne measures every line first. So reports
//! are rendered from an excerpt (`excerpt.rs`) and their margins are
//! renumbered here, widened when the true numbers have more digits.

/// Rewrites one rendered report whose source line `n` (from 1) is line
/// `lines[n - 1]` (from 0) of the file.
pub(super) fn renumber(report: &str, lines: &[Option<usize>]) -> String {
    let real = |n: usize| lines.get(n.wrapping_sub(1)).copied().flatten().map_or(n, |l| l + 1);
    let lines: Vec<&str> = report.split_inclusive('\n').collect();
    let margins: Vec<Option<Numbered>> = lines.iter().map(|line| Numbered::parse(line)).collect();
    let Some(width) = margins.iter().flatten().map(|m| m.width).max() else {
        return report.to_string();
    };
    let largest = margins.iter().flatten().map(|m| real(m.number)).max().unwrap_or(0);
    let extra = digits(largest).saturating_sub(width);
    let mut out = String::with_capacity(report.len() + lines.len() * extra);
    for (i, (line, margin)) in lines.iter().zip(&margins).enumerate() {
        match margin {
            // The header line has no margin.
            _ if i == 0 => out.push_str(line),
            Some(m) => {
                out.push_str(&line[..m.start]);
                out.push_str(&format!("{:>w$}", real(m.number), w = m.width + extra));
                out.push_str(&line[m.start + m.width..]);
            }
            None => widen(&mut out, line, extra),
        }
    }
    out
}

/// A margin holding a line number: ` [colour]   123 │`.
struct Numbered {
    /// Where the right-aligned number (with its padding) starts.
    start: usize,
    /// Padding and digits.
    width: usize,
    number: usize,
}

impl Numbered {
    fn parse(line: &str) -> Option<Numbered> {
        let rest = line.strip_prefix(' ')?;
        let start = 1 + escape_len(rest);
        let body = &line[start..];
        let spaces = body.len() - body.trim_start_matches(' ').len();
        let digits = body[spaces..].bytes().take_while(u8::is_ascii_digit).count();
        let after = &body[spaces + digits..];
        if digits == 0 || !(after.starts_with(" │") || after.starts_with(" |")) {
            return None;
        }
        let number = body[spaces..spaces + digits].parse().ok()?;
        Some(Numbered { start, width: spaces + digits, number })
    }
}

/// Widens the margin of a line without a number where ariadne pads it: the
/// closing rule gets longer, every other margin more leading spaces.
fn widen(out: &mut String, line: &str, extra: usize) {
    if extra == 0 || line.trim().is_empty() {
        out.push_str(line);
        return;
    }
    let at = match line.strip_prefix(' ') {
        Some(rest) => 1 + escape_len(rest),
        None => escape_len(line),
    };
    let rule = ["─", "-"].into_iter().find(|rule| line[at..].starts_with(rule));
    out.push_str(&line[..at]);
    out.push_str(&rule.unwrap_or(" ").repeat(extra));
    out.push_str(&line[at..]);
}

/// Whether a line of a report is a header, `   ╭─[ file:line:col ]` or
/// `   ├─[ ... ]` (`,-[` and `|-[` without Unicode), colour codes aside.
pub(super) fn is_header(line: &str) -> bool {
    let mut plain = String::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let skip = escape_len(rest).max(c.len_utf8());
        if escape_len(rest) == 0 {
            plain.push(c);
        }
        rest = &rest[skip..];
    }
    let plain = plain.trim_start_matches(' ');
    ["╭─[", "├─[", ",-[", "|-["].iter().any(|corner| plain.starts_with(corner))
}

/// The length of the ANSI colour sequence `text` starts with, if any.
fn escape_len(text: &str) -> usize {
    if !text.starts_with("\x1b[") {
        return 0;
    }
    text.find('m').map_or(0, |end| end + 1)
}

fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_move_and_the_margin_widens() {
        let report = "[e] Error: bad\n   ╭─[ f:10:2 ]\n   │\n 1 │ a = (\n   │     ┬\n   │     ╰── here\n───╯\n";
        let expected = "[e] Error: bad\n    ╭─[ f:10:2 ]\n    │\n 10 │ a = (\n    │     ┬\n    │     ╰── here\n────╯\n";
        assert_eq!(renumber(report, &[Some(9)]), expected);
    }

    #[test]
    fn coloured_margins_keep_their_colour() {
        let report = "[e] Error: bad\n   ╭─[ f:100:1 ]\n \x1b[38;5;246m2 │\x1b[0m x\n \x1b[38;5;246m  │\x1b[0m\n\x1b[38;5;246m───╯\x1b[0m\n";
        let expected = "[e] Error: bad\n     ╭─[ f:100:1 ]\n \x1b[38;5;246m100 │\x1b[0m x\n \x1b[38;5;246m    │\x1b[0m\n\x1b[38;5;246m─────╯\x1b[0m\n";
        assert_eq!(renumber(report, &[Some(98), Some(99)]), expected);
    }

    #[test]
    fn headers_in_colour_or_not() {
        assert!(is_header("   ╭─[ f:1:2 ]\n"));
        assert!(is_header(
            "   \x1b[38;5;246m├\x1b[0m\x1b[38;5;246m─\x1b[0m\x1b[38;5;246m[\x1b[0m f:1:2 ]"
        ));
        assert!(is_header("   ,-[ f:1:2 ]"));
        assert!(!is_header(" 3 │ a = [ f:1:2 ]"));
        assert!(!is_header("   │     ╰── got [ f:1:2 ]"));
    }

    #[test]
    fn without_a_new_digit_only_the_numbers_change() {
        let report = "[e] Error: bad\n   ╭─[ f:3:1 ]\n 1 │ x\n 2 │ y\n───╯\n";
        let moved = "[e] Error: bad\n   ╭─[ f:3:1 ]\n 3 │ x\n 4 │ y\n───╯\n";
        assert_eq!(renumber(report, &[Some(2), Some(3)]), moved);
        assert_eq!(renumber(report, &[Some(0), Some(1)]), report);
    }
}
