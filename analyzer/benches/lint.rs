//! The linter's speed on a realistic 5,000-line config (`bench/lint_input.rs`):
//! a cold lint in a fresh database, and the re-analysis after a one-line
//! edit in a warm one, as the language server does it. `bench/lint` adds
//! the whole-process time of `flowlint`.

#[path = "../../bench/lint_input.rs"]
mod input;

use river_analyzer::db::{Config, Database, File};
use river_analyzer::lint::config_all_findings;
use salsa::Setter;

fn main() {
    // `bench/lint` asks for the input as a file, for the whole-process run.
    if let Some(path) = std::env::var_os("WRITE_LINT_INPUT") {
        std::fs::write(path, input::config()).expect("write the benchmark input");
        return;
    }
    divan::main();
}

#[divan::bench(sample_count = 20)]
fn cold_lint(bencher: divan::Bencher) {
    let text = input::config();
    bencher.bench(|| {
        let db = Database::default();
        let file = File::new(&db, "config.river".into(), text.clone());
        let config = Config::new(&db, vec![file]);
        config_all_findings(&db, config).len()
    });
}

#[divan::bench(sample_count = 50)]
fn one_line_edit(bencher: divan::Bencher) {
    let text = input::config();
    let mut db = Database::default();
    let file = File::new(&db, "config.river".into(), text.clone());
    let config = Config::new(&db, vec![file]);
    config_all_findings(&db, config);
    // Alternate between two versions of one attribute value.
    let at = text.find("scrape_interval").expect("an attribute to edit");
    let versions = [
        text.clone(),
        format!("{}scrape_timeout {}", &text[..at], &text[at + "scrape_interval".len()..]),
    ];
    let mut turn = 0;
    bencher.bench_local(|| {
        turn += 1;
        file.set_text(&mut db).to(versions[turn % 2].clone());
        config_all_findings(&db, config).len()
    });
}
