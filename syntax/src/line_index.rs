//! Converts byte offsets to lines and columns and back.
//!
//! Columns come in three units: UTF-8 bytes (what the tree uses), UTF-16 code
//! units (what LSP clients default to) and characters (what people count, and
//! what our JSON and SARIF output reports).

use rowan::TextSize;

/// A zero-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The unit a column is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnUnit {
    Utf8,
    Utf16,
    Char,
}

/// A multi-byte character on a line: its byte column and its UTF-8 length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WideChar {
    col: u32,
    len: u8,
}

impl WideChar {
    fn len_in(self, unit: ColumnUnit) -> u32 {
        match unit {
            ColumnUnit::Utf8 => u32::from(self.len),
            ColumnUnit::Utf16 => 1 + u32::from(self.len == 4),
            ColumnUnit::Char => 1,
        }
    }
}

/// Line starts of one text, plus where its multi-byte characters are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of each line's start; the first is always 0.
    line_starts: Vec<u32>,
    /// Multi-byte characters per line, for lines that have any.
    wide: Vec<(u32, Vec<WideChar>)>,
    len: u32,
}

impl LineIndex {
    /// Indexes `text`. Lines end at `\n`; a `\r` before it stays on the line.
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(crate::bytes::positions(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        // Only lines with non-ASCII text need their wide characters noted;
        // most configs have none.
        let mut wide: Vec<(u32, Vec<WideChar>)> = Vec::new();
        if !text.is_ascii() {
            for line in 0..line_starts.len() {
                let start = line_starts[line] as usize;
                let end = line_starts.get(line + 1).map_or(text.len(), |&s| s as usize);
                let chars: Vec<WideChar> = text[start..end]
                    .char_indices()
                    .filter(|(_, c)| !c.is_ascii())
                    .map(|(col, c)| WideChar { col: col as u32, len: c.len_utf8() as u8 })
                    .collect();
                if !chars.is_empty() {
                    wide.push((line as u32, chars));
                }
            }
        }
        LineIndex { line_starts, wide, len: text.len() as u32 }
    }

    /// How many lines the text has (an empty text has one).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The line and byte column of `offset`, clamped to the text.
    pub fn line_col(&self, offset: TextSize) -> LineCol {
        let offset = u32::from(offset).min(self.len);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        LineCol { line: line as u32, col: offset - self.line_starts[line] }
    }

    /// The byte offset of a line and byte column, or `None` if out of range.
    pub fn offset(&self, lc: LineCol) -> Option<TextSize> {
        let start = *self.line_starts.get(lc.line as usize)?;
        let end = self.line_starts.get(lc.line as usize + 1).copied().unwrap_or(self.len);
        let offset = start.checked_add(lc.col)?;
        (offset <= end).then(|| offset.into())
    }

    /// Converts a byte column on `line` to `unit`. A column inside a
    /// character counts as the character's start.
    pub fn to_unit(&self, lc: LineCol, unit: ColumnUnit) -> LineCol {
        let mut col = lc.col;
        for w in self.wide_chars(lc.line) {
            if w.col >= lc.col {
                break;
            }
            let inside = lc.col - w.col;
            // Bytes of this character before the column.
            let passed = inside.min(u32::from(w.len));
            col = col - passed + if passed == u32::from(w.len) { w.len_in(unit) } else { 0 };
        }
        LineCol { line: lc.line, col }
    }

    /// Converts a column counted in `unit` back to a byte column. A column
    /// inside a character moves to the character's end.
    pub fn from_unit(&self, lc: LineCol, unit: ColumnUnit) -> LineCol {
        let mut col = lc.col;
        for w in self.wide_chars(lc.line) {
            // `w.col` in bytes, translated to where it sits in `unit`.
            if w.col >= col {
                break;
            }
            col = col + u32::from(w.len) - w.len_in(unit);
        }
        LineCol { line: lc.line, col }
    }

    /// The line and column of `offset` counted in `unit`.
    pub fn line_col_in(&self, offset: TextSize, unit: ColumnUnit) -> LineCol {
        self.to_unit(self.line_col(offset), unit)
    }

    fn wide_chars(&self, line: u32) -> &[WideChar] {
        match self.wide.binary_search_by_key(&line, |(l, _)| *l) {
            Ok(i) => &self.wide[i].1,
            Err(_) => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let idx = LineIndex::new("ab\ncd\n\nx");
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_col(4.into()), LineCol { line: 1, col: 1 });
        assert_eq!(idx.line_col(6.into()), LineCol { line: 2, col: 0 });
        assert_eq!(idx.line_col(99.into()), LineCol { line: 3, col: 1 });
        assert_eq!(idx.offset(LineCol { line: 1, col: 1 }), Some(4.into()));
        assert_eq!(idx.offset(LineCol { line: 9, col: 0 }), None);
    }

    #[test]
    fn wide_characters_on_later_lines() {
        let idx = LineIndex::new("a\nxé = 1\n\n𝄞");
        let at = |o: u32| idx.line_col_in(o.into(), ColumnUnit::Utf16);
        assert_eq!(at(5), LineCol { line: 1, col: 2 }, "after é on line 2");
        assert_eq!(at(11), LineCol { line: 3, col: 0 });
        assert_eq!(at(15), LineCol { line: 3, col: 2 });
        // Inside a character: its start, and no overflow.
        assert_eq!(at(13), LineCol { line: 3, col: 0 });
        assert_eq!(at(99), LineCol { line: 3, col: 2 }, "past the end clamps");
    }

    #[test]
    fn utf16_and_char_columns() {
        // 'é' is 2 bytes and 1 UTF-16 unit; '𝄞' is 4 bytes and 2 units.
        let text = "é𝄞x = 1";
        let idx = LineIndex::new(text);
        let x = TextSize::from(6);
        assert_eq!(idx.line_col(x).col, 6);
        assert_eq!(idx.line_col_in(x, ColumnUnit::Utf16).col, 3);
        assert_eq!(idx.line_col_in(x, ColumnUnit::Char).col, 2);
        let back = idx.from_unit(LineCol { line: 0, col: 3 }, ColumnUnit::Utf16);
        assert_eq!(back.col, 6);
        let back = idx.from_unit(LineCol { line: 0, col: 2 }, ColumnUnit::Char);
        assert_eq!(back.col, 6);
    }
}
