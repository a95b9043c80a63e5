//! `stage.decolorize`: strips ANSI colour and control sequences from the
//! line, with the pattern the reference's decolorizer uses.

use crate::process::pipeline::{Item, Stage};

pub struct Decolorize {
    pattern: ::regex::Regex,
}

const ANSI: &str = "[\u{1b}\u{9b}][\\[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\u{7})|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))";

impl Decolorize {
    pub fn build() -> Decolorize {
        // A constant pattern: it compiles, or no test of this stage passes.
        let pattern = ::regex::Regex::new(ANSI).unwrap_or_else(|_| unreachable_pattern());
        Decolorize { pattern }
    }
}

/// Never reached: `ANSI` is a valid pattern (the tests build it).
fn unreachable_pattern() -> ::regex::Regex {
    ::regex::Regex::new("$^").expect("an empty pattern compiles")
}

impl Stage for Decolorize {
    fn apply(&self, item: &mut Item) -> bool {
        if let std::borrow::Cow::Owned(clean) = self.pattern.replace_all(&item.entry.line, "") {
            item.entry.line = clean;
        }
        true
    }
}
