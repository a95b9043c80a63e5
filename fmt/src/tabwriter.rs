//! Alignment with elastic tabstops, as Go's `text/tabwriter` lays out the
//! reference formatter's output (minimum width 0, tab width 8, padding 1,
//! spaces for padding, tabs for leading empty cells, empty soft columns
//! discarded).
//!
//! Text is cut into cells at `\t` (hard) and `\v` (soft) tabs; a line's
//! last cell is not part of any column. Cells at the same index on
//! consecutive lines form a column, padded to its widest cell. `\f` ends a
//! line and every column (so does a line with a single cell). Escaped text
//! (between two `ESCAPE` bytes) is one piece: tabs and newlines inside it
//! do nothing, and the escapes count for no width.

use crate::trim::Trimmer;

use crate::ir::ESCAPE;

const TAB_WIDTH: usize = 8;
const PADDING: usize = 1;

#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    /// Where the cell's text starts in the buffer.
    start: usize,
    /// Bytes of the cell's text.
    size: usize,
    /// Escaped runs in it (their escape bytes count for no width).
    escapes: usize,
    /// Ended by a hard tab.
    hard: bool,
}

/// Aligns `input` (the printer's output) and returns the final text:
/// trailing whitespace and escape bytes removed.
pub(crate) fn align(input: &[u8]) -> Vec<u8> {
    let mut w = Aligner {
        output: Trimmer::with_capacity(input.len() + input.len() / 8),
        ..Default::default()
    };
    w.line_starts.push(0);
    w.write(input);
    w.flush();
    w.output.finish()
}

#[derive(Default)]
struct Aligner {
    output: Trimmer,
    /// Text of the pending lines, without the tabs and line breaks.
    buf: Vec<u8>,
    /// The open cell: where its text starts in the buffer (it runs to the
    /// buffer's end) and its escaped runs.
    cell_start: usize,
    cell_escapes: usize,
    /// The cells of the pending lines, one line after another.
    cells: Vec<Cell>,
    /// Where each pending line's cells start in `cells`.
    line_starts: Vec<usize>,
    widths: Vec<usize>,
    escaped: bool,
}

impl Aligner {
    fn write(&mut self, input: &[u8]) {
        let mut start = 0;
        let mut i = 0;
        while i < input.len() {
            if self.escaped {
                // Jump to the closing escape.
                let Some(end) = river_syntax::bytes::find(ESCAPE, &input[i..]) else { break };
                i += end;
                self.append(&input[start..=i]);
                start = i + 1;
                self.escaped = false;
                i += 1;
                continue;
            }
            // Jump over ordinary text to the next byte that matters.
            let Some(skip) = input[i..].iter().position(|&b| matters(b)) else { break };
            i += skip;
            let byte = input[i];
            if byte == ESCAPE {
                self.append(&input[start..i]);
                start = i;
                self.escaped = true;
                self.cell_escapes += 1;
                i += 1;
                continue;
            }
            self.append(&input[start..i]);
            start = i + 1;
            let cells = self.end_cell(byte == b'\t');
            if byte == b'\n' || byte == b'\x0c' {
                self.line_starts.push(self.cells.len());
                // A formfeed ends every column; so does a line of one cell,
                // which cannot shape the lines after it.
                if byte == b'\x0c' || cells == 1 {
                    self.flush();
                }
            }
            i += 1;
        }
        self.append(&input[start..]);
    }

    fn append(&mut self, text: &[u8]) {
        self.buf.extend_from_slice(text);
    }

    /// Bytes of the open cell's text.
    fn open_size(&self) -> usize {
        self.buf.len() - self.cell_start
    }

    /// A cell's width in characters, escape bytes excluded. Measured only
    /// for cells in a column: most text is the last cell of its line.
    fn width(&self, cell: Cell) -> usize {
        char_count(&self.buf[cell.start..cell.start + cell.size]).saturating_sub(2 * cell.escapes)
    }

    /// Ends the current cell; returns how many cells its line has.
    fn end_cell(&mut self, hard: bool) -> usize {
        let (start, escapes) = (self.cell_start, self.cell_escapes);
        self.cells.push(Cell { start, size: self.buf.len() - start, escapes, hard });
        self.cell_start = self.buf.len();
        self.cell_escapes = 0;
        self.cells.len() - self.line_starts.last().copied().unwrap_or(0)
    }

    fn line(&self, i: usize) -> &[Cell] {
        let end = self.line_starts.get(i + 1).copied().unwrap_or(self.cells.len());
        &self.cells[self.line_starts[i]..end]
    }

    fn line_len(&self, i: usize) -> usize {
        self.line(i).len()
    }

    /// Lays out and writes everything pending.
    fn flush(&mut self) {
        if self.open_size() > 0 {
            self.escaped = false;
            self.end_cell(false);
        }
        let lines = self.line_starts.len();
        self.format(0, 0, lines);
        self.buf.clear();
        self.cell_start = 0;
        self.cell_escapes = 0;
        self.escaped = false;
        self.cells.clear();
        self.line_starts.clear();
        self.line_starts.push(0);
        self.widths.clear();
    }

    /// Lays out lines `first..end` whose text starts at `pos` in the buffer,
    /// finding the column blocks at the current depth; returns where the
    /// text of line `end` starts.
    fn format(&mut self, mut pos: usize, mut first: usize, end: usize) -> usize {
        let column = self.widths.len();
        let mut this = first;
        while this < end {
            if column + 1 >= self.line_len(this) {
                this += 1;
                continue;
            }
            // A column block starts here: print the lines before it.
            pos = self.write_lines(pos, first, this);
            first = this;
            let mut width = 0;
            let mut discardable = true;
            while this < end && column + 1 < self.line_len(this) {
                let cell = self.line(this)[column];
                let cell_width = self.width(cell);
                width = width.max(cell_width + PADDING);
                discardable &= cell_width == 0 && !cell.hard;
                this += 1;
            }
            if discardable {
                width = 0;
            }
            self.widths.push(width);
            pos = self.format(pos, first, this);
            self.widths.pop();
            first = this;
        }
        self.write_lines(pos, first, end)
    }

    fn write_lines(&mut self, mut pos: usize, first: usize, end: usize) -> usize {
        let total = self.line_starts.len();
        for i in first..end {
            let cells_end = self.line_starts.get(i + 1).copied().unwrap_or(self.cells.len());
            // Leading empty cells are indentation: pad them with tabs.
            let mut leading = true;
            for j in self.line_starts[i]..cells_end {
                let cell = self.cells[j];
                let column_width = self.widths.get(j - self.line_starts[i]).copied();
                if cell.size == 0 {
                    if let Some(column_width) = column_width {
                        pad(&mut self.output, 0, column_width, leading);
                    }
                } else {
                    leading = false;
                    self.output.text(&self.buf[pos..pos + cell.size]);
                    pos += cell.size;
                    if let Some(column_width) = column_width {
                        let width = self.width(cell);
                        pad(&mut self.output, width, column_width, false);
                    }
                }
            }
            if i + 1 == total {
                // The last line has no line break yet: write what it holds.
                let size = self.open_size();
                self.output.text(&self.buf[pos..pos + size]);
                pos += size;
            } else {
                self.output.newline();
            }
        }
        pos
    }
}

/// Cell ends, line breaks and escapes.
fn matters(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\x0b' | b'\n' | b'\x0c' | ESCAPE)
}

fn pad(output: &mut Trimmer, text_width: usize, cell_width: usize, tabs: bool) {
    if tabs {
        // Round the cell up to whole tabs.
        let cell_width = cell_width.div_ceil(TAB_WIDTH) * TAB_WIDTH;
        let n = cell_width - text_width;
        output.pad(b'\t', n.div_ceil(TAB_WIDTH));
    } else {
        output.pad(b' ', cell_width.saturating_sub(text_width));
    }
}

/// Characters in UTF-8 text, counting each escape byte as one (as Go's
/// `utf8.RuneCount` counts an invalid byte).
fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xc0) != 0x80 || b == ESCAPE).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> String {
        String::from_utf8(align(s.as_bytes())).unwrap()
    }

    #[test]
    fn aligns_soft_cells_in_a_run() {
        assert_eq!(run("a\x0b= 1\nlong\x0b= 2\n"), "a    = 1\nlong = 2\n");
    }

    #[test]
    fn a_formfeed_ends_the_run() {
        assert_eq!(run("a\x0b= 1\x0clong\x0b= 2\n"), "a = 1\nlong = 2\n");
    }

    #[test]
    fn leading_tabs_stay_tabs() {
        assert_eq!(run("\tab\x0b= 1\n\tc\x0b= 2\n"), "\tab = 1\n\tc  = 2\n");
    }

    #[test]
    fn escaped_text_is_one_piece() {
        let out = align(b"k\x0b= \xffa\tb \xff\nlonger\x0b= 1\n");
        assert_eq!(out, b"k      = a\tb \nlonger = 1\n");
    }

    #[test]
    fn escaped_text_counts_its_characters_only() {
        let out = align(b"\xff\xc3\xa9\xff\x0b= 1\nab\x0b= 2\n");
        assert_eq!(String::from_utf8(out).unwrap(), "\u{e9}  = 1\nab = 2\n");
    }
}
