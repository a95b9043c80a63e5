//! Formatter throughput on the benchmark input (see `bench/input.rs`).
//! Run with `cargo bench -p river-fmt` or `bench/fmt`.

use divan::counter::BytesCount;
use divan::Bencher;

#[allow(dead_code)] // each user takes what it needs
#[path = "../../bench/input.rs"]
mod input;
use input::big;

fn main() {
    divan::main();
}

/// Parsing and formatting, as `flowfmt` does.
#[divan::bench(sample_count = 10)]
fn format_10mb(b: Bencher) {
    let text = big();
    b.counter(BytesCount::of_str(text))
        .bench(|| river_fmt::format_in_pieces(divan::black_box(text)).0);
}

/// On one thread, as the language server formats.
#[divan::bench(sample_count = 10)]
fn format_10mb_one_thread(b: Bencher) {
    let text = big();
    b.counter(BytesCount::of_str(text)).bench(|| river_fmt::format(divan::black_box(text)));
}

/// A 50 KB input that parses (the big input cut after a whole block).
#[divan::bench]
fn format_50kb(b: Bencher) {
    let big = big();
    let end = big[..51_200].rfind("\n}\n").map_or(0, |i| i + 3);
    let text = &big[..end];
    b.counter(BytesCount::of_str(text))
        .bench(|| river_fmt::format_in_pieces(divan::black_box(text)).0);
}
