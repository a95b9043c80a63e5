//! The part of a file one report shows, kept small whatever the file.
//!
//! Ariadne is given only the lines a report points at, so a report costs
//! what it shows, not what the file holds: lines without a point between
//! them become one empty line (ariadne shows such a gap as one `┆` either
//! way), and a line longer than [`LONG_LINE`] keeps only the text around
//! its points, cut with `…`. A file of one 90 KB line with thousands of
//! errors then prints a short window per error instead of the whole line
//! each time. Offsets of the file map to offsets of the excerpt; the real
//! line of each excerpt line is kept for the margin.

use river_syntax::{LineCol, LineIndex};

/// A line longer than this (in bytes) is shown in windows around its points.
pub(super) const LONG_LINE: usize = 200;
/// Bytes kept on each side of a point on a long line.
const CONTEXT: usize = 60;
const CUT: &str = "…";

pub(super) struct Excerpt {
    pub text: String,
    /// The 0-based line of the file each excerpt line shows (`None` for a
    /// gap).
    pub lines: Vec<Option<usize>>,
    /// Stretches of the file copied into the excerpt, in order.
    pieces: Vec<Piece>,
}

/// `file[start..end]` is at `excerpt[at..]`.
struct Piece {
    start: usize,
    end: usize,
    at: usize,
}

impl Excerpt {
    /// The excerpt of `text` that shows every offset in `points`.
    pub fn new(text: &str, index: &LineIndex, points: &[usize]) -> Excerpt {
        let mut points: Vec<usize> = points.iter().map(|&p| p.min(text.len())).collect();
        points.sort_unstable();
        points.dedup();
        let mut excerpt = Excerpt { text: String::new(), lines: Vec::new(), pieces: Vec::new() };
        let mut rest = &points[..];
        let mut previous: Option<u32> = None;
        while let Some(&first) = rest.first() {
            let line = index.line_col(offset(first)).line;
            let (start, end) = line_bounds(text, index, line);
            let on_line = rest.iter().take_while(|&&p| p <= end).count();
            if previous.is_some_and(|p| p + 1 < line) {
                excerpt.text.push('\n');
                excerpt.lines.push(None);
            }
            excerpt.push_line(text, start, end, &rest[..on_line]);
            excerpt.lines.push(Some(line as usize));
            previous = Some(line);
            rest = &rest[on_line..];
        }
        excerpt
    }

    /// The whole of `text`, as a report rendered without an excerpt sees it.
    #[cfg(test)]
    pub fn whole(text: &str) -> Excerpt {
        let lines = text.split('\n').enumerate().map(|(i, _)| Some(i)).collect();
        let pieces = vec![Piece { start: 0, end: text.len(), at: 0 }];
        Excerpt { text: text.to_string(), lines, pieces }
    }

    /// Where an offset of the file is in the excerpt; it must be one of
    /// the points, or within the text kept around one.
    pub fn map(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.start <= offset).saturating_sub(1);
        let piece = &self.pieces[i];
        piece.at + offset.clamp(piece.start, piece.end) - piece.start
    }

    /// Copies line `start..end` (without its `\n`), whole or in windows
    /// around `points`, and ends it with a newline that maps to the file's.
    fn push_line(&mut self, text: &str, start: usize, end: usize, points: &[usize]) {
        let windows = if end - start <= LONG_LINE {
            vec![(start, end)]
        } else {
            windows(text, start, end, points)
        };
        for (i, &(from, to)) in windows.iter().enumerate() {
            if i > 0 {
                self.text.push_str(" … ");
            } else if from > start {
                self.text.push_str(CUT);
            }
            self.copy(text, from, to);
        }
        if windows.last().is_some_and(|&(_, to)| to < end) {
            self.text.push_str(CUT);
        }
        // The newline itself (or the end of the text) maps too: an empty
        // range at the end of a line points there.
        self.pieces.push(Piece { start: end, end: end + 1, at: self.text.len() });
        self.text.push('\n');
    }

    fn copy(&mut self, text: &str, from: usize, to: usize) {
        self.pieces.push(Piece { start: from, end: to, at: self.text.len() });
        // Ariadne breaks lines at these too; the file's lines end at `\n`
        // only. Each stand-in has the same length in bytes and characters.
        self.text.extend(text[from..to].chars().map(|c| match c {
            '\r' | '\x0B' | '\x0C' => ' ',
            '\u{85}' => '\u{a0}',
            '\u{2028}' | '\u{2029}' => '\u{2423}',
            c => c,
        }));
    }
}

/// Windows of `CONTEXT` bytes around each point of a long line, merged
/// where they touch.
fn windows(text: &str, start: usize, end: usize, points: &[usize]) -> Vec<(usize, usize)> {
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &p in points {
        let from = floor(text, p.saturating_sub(CONTEXT).max(start));
        let to = ceil(text, (p + CONTEXT).min(end));
        match windows.last_mut() {
            Some(last) if from <= last.1 + CUT.len() * 3 => last.1 = last.1.max(to),
            _ => windows.push((from, to)),
        }
    }
    windows
}

/// Byte range of line `line`, without its `\n`.
/// From the index: searching for the `\n` would cost the line's length for
/// every report on it.
fn line_bounds(text: &str, index: &LineIndex, line: u32) -> (usize, usize) {
    let start_of = |line| index.offset(LineCol { line, col: 0 }).map(usize::from);
    let start = start_of(line).unwrap_or(text.len());
    let end = start_of(line + 1).map_or(text.len(), |next| next - 1);
    (start, end)
}

fn offset(at: usize) -> river_syntax::TextSize {
    river_syntax::TextSize::from(at as u32)
}

fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(text: &str, points: &[usize]) -> Excerpt {
        Excerpt::new(text, &LineIndex::new(text), points)
    }

    #[test]
    fn short_lines_whole_and_gaps_as_one_line() {
        let text = "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n";
        let e = excerpt(text, &[6, 24]);
        assert_eq!(e.text, "b = 2\n\ne = 5\n");
        assert_eq!(e.lines, [Some(1), None, Some(4)]);
        assert_eq!(e.map(6), 0);
        assert_eq!(e.map(26), 9);
        // The newline of a line maps to the excerpt's.
        assert_eq!(e.map(11), 5);
    }

    #[test]
    fn long_lines_keep_windows_around_their_points() {
        let text = format!("{}X{}Y{}\n", "a".repeat(1000), "b".repeat(1000), "c".repeat(1000));
        let (x, y) = (1000, 2001);
        let e = excerpt(&text, &[x, y]);
        assert!(e.text.len() < 4 * CONTEXT + 20, "{}", e.text);
        assert!(e.text.starts_with('…') && e.text.ends_with("…\n"), "{}", e.text);
        assert_eq!(&e.text[e.map(x)..e.map(x) + 1], "X");
        assert_eq!(&e.text[e.map(y)..e.map(y) + 1], "Y");
        assert!(e.text.contains(" … "));
    }

    #[test]
    fn windows_never_split_a_character() {
        let text = "é".repeat(500);
        let e = excerpt(&text, &[500]);
        assert!(e.text.chars().all(|c| c == 'é' || c == '…' || c == '\n'));
    }

    #[test]
    fn characters_ariadne_breaks_lines_at_stay_on_their_line() {
        let e = excerpt("a\rb\u{2028}c\n", &[0, 6]);
        assert_eq!(e.text.lines().count(), 1);
        assert_eq!(e.text.len(), "a\rb\u{2028}c\n".len());
    }
}
