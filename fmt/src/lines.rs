//! Line numbers for byte offsets, asked for mostly in increasing order, so
//! a cursor answers most lookups without a search.

/// Line starts of a text, with a cursor at the last line asked for.
pub(crate) struct Lines {
    starts: Vec<usize>,
    cursor: usize,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Lines {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(river_syntax::bytes::positions(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { starts, cursor: 0 }
    }

    /// The 1-based line of `offset`.
    pub(crate) fn line(&mut self, offset: usize) -> usize {
        let here = self.cursor;
        let next_start = self.starts.get(here + 1).copied().unwrap_or(usize::MAX);
        if offset >= self.starts[here] && offset < next_start {
            return here + 1;
        }
        // Usually the next line or the one after; otherwise search.
        let found = if offset >= next_start && self.starts.get(here + 2).is_none_or(|&s| offset < s)
        {
            here + 1
        } else {
            self.starts.partition_point(|&s| s <= offset) - 1
        };
        self.cursor = found;
        found + 1
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn lines_in_any_order() {
        let mut lines = Lines::new("a\nbb\n\nc");
        let got: Vec<usize> = [0, 1, 2, 4, 5, 6, 0, 6, 3].iter().map(|&o| lines.line(o)).collect();
        assert_eq!(got, [1, 1, 2, 2, 3, 4, 1, 4, 2]);
    }
}
