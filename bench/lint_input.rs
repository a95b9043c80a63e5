//! The linter's benchmark input (included with `#[path]`): a realistic
//! config of about 5,000 lines, made of the Prometheus and Promtail
//! converter goldens of `tests/data/convert` repeated with their labels
//! renamed per copy, so that every label is unique and every reference
//! still resolves. `write_to` saves it for the whole-process benchmark.

use std::path::Path;

const LINES: usize = 5_000;

/// The goldens' texts, in path order.
fn goldens() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/convert");
    let mut paths = Vec::new();
    for family in ["prometheus", "promtail"] {
        for entry in std::fs::read_dir(root.join(family)).expect("converter goldens") {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "river") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// The labels of a text's top-level blocks.
fn labels(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with(['\t', ' ', '}']))
        .filter_map(|l| {
            l.split_once(" \"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(label, _)| label.to_owned())
        })
        .collect()
}

/// A copy of `text` with every label `x` renamed `x_cN` (`N` unique per
/// copy of each golden), in blocks and in references.
fn renamed(text: &str, copy: usize) -> String {
    let mut out = text.to_owned();
    for label in labels(text) {
        let new = format!("{label}_c{copy}");
        out = out.replace(&format!(" \"{label}\" {{"), &format!(" \"{new}\" {{"));
        out = out.replace(&format!(".{label}."), &format!(".{new}."));
    }
    out
}

/// The config: whole goldens, copy after copy, until it has 5,000 lines.
pub fn config() -> String {
    let goldens = goldens();
    let mut out = String::new();
    let mut lines = 0;
    'fill: for copy in 0.. {
        for (i, golden) in goldens.iter().enumerate() {
            if lines >= LINES {
                break 'fill;
            }
            let text = renamed(golden, copy * 1000 + i);
            lines += text.lines().count() + 1;
            out.push_str(&text);
            out.push('\n');
        }
    }
    out
}
