//! The output end: drops trailing spaces and tabs on every line and the
//! escape bytes that protect literal text. Escaped text (strings, comments)
//! is copied as it is, trailing spaces and all. The aligner writes through
//! this as it lays lines out, so no separate pass is needed.

use crate::ir::ESCAPE;

#[derive(Default)]
pub(crate) struct Trimmer {
    pub(crate) out: Vec<u8>,
    /// Spaces and tabs since the last text, kept until text follows them
    /// on the same line.
    space: Vec<u8>,
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
            if self.escaped {
                let end = memchr::memchr(ESCAPE, &bytes[i..]).map_or(bytes.len(), |p| i + p);
                self.out.extend_from_slice(&bytes[i..end]);
                self.escaped = end == bytes.len();
                i = end + 1;
                continue;
            }
            match bytes[i] {
                b' ' | b'\t' => {
                    self.space.push(bytes[i]);
                    i += 1;
                }
                ESCAPE => {
                    self.out.append(&mut self.space);
                    self.escaped = true;
                    i += 1;
                }
                _ => {
                    self.out.append(&mut self.space);
                    let end = bytes[i..]
                        .iter()
                        .position(|&b| matches!(b, b' ' | b'\t' | ESCAPE))
                        .map_or(bytes.len(), |p| i + p);
                    self.out.extend_from_slice(&bytes[i..end]);
                    i = end;
                }
            }
        }
    }

    /// Padding: whitespace that survives only if text follows.
    pub(crate) fn pad(&mut self, byte: u8, n: usize) {
        self.space.extend(std::iter::repeat_n(byte, n));
    }

    /// Ends a line; its trailing whitespace goes.
    pub(crate) fn newline(&mut self) {
        self.space.clear();
        self.out.push(b'\n');
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
        assert_eq!(t.out, b"a\nb   c\n x \n");
    }
}
