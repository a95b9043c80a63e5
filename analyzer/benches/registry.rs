//! The schema registry's cost for a language server: building it from the
//! embedded files (once per process) and a lookup by name.

use river_analyzer::schema::{registry, Registry};

fn main() {
    divan::main();
}

#[divan::bench]
fn build_from_embedded_files() -> Registry {
    Registry::built_in().unwrap()
}

#[divan::bench]
fn lookup_by_name(bencher: divan::Bencher) {
    let registry = registry();
    bencher.bench(|| registry.get(divan::black_box("prometheus.remote_write")).is_some());
}
