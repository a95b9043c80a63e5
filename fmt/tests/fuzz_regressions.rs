//! Replays the inputs kept in `fuzz/regressions` with the fuzz target's
//! checks.

#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        if let Err(broken) = river_fmt::check_formatting(&text) {
            panic!("{}: {broken}", path.display());
        }
        count += 1;
    }
    assert!(count > 0, "the regression folder holds at least the seeds");
}
