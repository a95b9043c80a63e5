//! The output end: drops trailing spaces and tabs on every line and the
//! escape bytes that protect literal text. Escaped text (strings, comments)
//! is copied as it is, trailing spaces and all. The aligner writes through
//! this as it lays lines out, so no separate pass is needed.

use crate::ir::ESCAPE;

#[derive(Default)]
pub(crate) struct Trimmer {
    out: Vec<u8>,
    /// Where the spaces and tabs written since the last text start: they go
    /// if the line ends before more text comes. Written at once and cut
    /// later, rather than held back byte by byte.
    blanks_from: Option<usize>,
    escaped: bool,
}

impl Trimmer {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Trimmer { out: Vec::with_capacity(n), ..Default::default() }
    }

    /// Text from a cell, which may hold spaces and escaped runs.
    pub(crate) fn text(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            let end = river_syntax::bytes::find(ESCAPE, &bytes[i..]).map_or(bytes.len(), |p| i + p);
            if self.escaped {
                self.out.extend_from_slice(&bytes[i..end]);
            } else {
                self.plain(&bytes[i..end]);
                if end < bytes.len() {
                    // An escaped run is text, even an empty one: the blanks
                    // before it stay.
                    self.blanks_from = None;
                }
            }
            if end < bytes.len() {
                self.escaped = !self.escaped;
            }
            i = end + 1;
        }
    }

    /// Text without escapes: written now; its trailing blanks may go later.
    fn plain(&mut self, bytes: &[u8]) {
        let kept = bytes.iter().rposition(|&b| !matches!(b, b' ' | b'\t')).map_or(0, |p| p + 1);
        if kept > 0 {
            self.blanks_from = None;
        }
        if kept < bytes.len() && self.blanks_from.is_none() {
            self.blanks_from = Some(self.out.len() + kept);
        }
        self.out.extend_from_slice(bytes);
    }

    /// Padding: whitespace that survives only if text follows.
    pub(crate) fn pad(&mut self, byte: u8, n: usize) {
        if n > 0 {
            self.blanks_from.get_or_insert(self.out.len());
            self.out.extend(std::iter::repeat_n(byte, n));
        }
    }

    /// Ends a line; its trailing whitespace goes.
    pub(crate) fn newline(&mut self) {
        self.drop_blanks();
        self.out.push(b'\n');
    }

    /// The text written, without the blanks at its end.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.drop_blanks();
        self.out
    }

    fn drop_blanks(&mut self) {
        if let Some(from) = self.blanks_from.take() {
            self.out.truncate(from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Trimmer;

    #[test]
    fn trailing_space_goes_escaped_text_stays() {
        let mut t = Trimmer::default();
        t.text(b"a \t");
        t.newline();
        t.text(b"b");
        t.pad(b' ', 3);
        t.text(b"c ");
        t.newline();
        t.text(b"\xff x \xff ");
        t.newline();
        assert_eq!(t.finish(), b"a\nb   c\n x \n");
    }

    #[test]
    fn blanks_before_escaped_text_stay_even_when_it_is_empty() {
        let mut t = Trimmer::default();
        t.text(b"a  \xff\xff");
        t.newline();
        t.pad(b'\t', 2);
        t.text(b"\xff \xff");
        t.pad(b' ', 1);
        t.text(b"  ");
        t.newline();
        t.text(b"end  ");
        assert_eq!(t.finish(), b"a  \n\t\t \nend");
    }
}
