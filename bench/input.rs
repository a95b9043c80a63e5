//! The benchmark input, shared by the crates' benchmarks (included with
//! `#[path]`): the converter goldens of `tests/data/convert` concatenated in
//! sorted path order and repeated 170 times (about 10 MB), and its first
//! 50 KB.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn goldens(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("converter goldens") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            goldens(&path, out);
        } else if path.extension().is_some_and(|e| e == "river") {
            out.push(path);
        }
    }
}

/// The 10 MB input (built once).
pub fn big() -> &'static str {
    static BIG: OnceLock<String> = OnceLock::new();
    BIG.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/convert");
        let mut files = Vec::new();
        goldens(&root, &mut files);
        // Sorted by path bytes, as `LC_ALL=C sort` orders them.
        files
            .sort_by(|a, b| a.as_os_str().as_encoded_bytes().cmp(b.as_os_str().as_encoded_bytes()));
        let one: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
        one.repeat(170)
    })
}

/// The first 50 KB of the big input, cut back to a character boundary.
pub fn slice() -> &'static str {
    let big = big();
    let mut end = 51_200.min(big.len());
    while !big.is_char_boundary(end) {
        end -= 1;
    }
    &big[..end]
}
