//! Lexer and parser throughput on the benchmark input: the converter goldens
//! concatenated in sorted path order and repeated 170 times (about 10 MB),
//! and a 50 KB slice of it. Run with `cargo bench -p river-syntax` or
//! `bench/syntax`.

use divan::counter::BytesCount;
use divan::Bencher;

#[allow(dead_code)] // each user takes what it needs
#[path = "../../bench/input.rs"]
mod input;
use input::{big, slice};

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn lex_10mb(b: Bencher) {
    let text = big();
    b.counter(BytesCount::of_str(text)).bench(|| river_syntax::lex(divan::black_box(text)));
}

/// In pieces on two threads, as `flow parse` parses a large file.
#[divan::bench(sample_count = 10)]
fn parse_10mb(b: Bencher) {
    let text = big();
    b.counter(BytesCount::of_str(text))
        .bench(|| river_syntax::parse_in_pieces(divan::black_box(text)));
}

/// On one thread, as the language server and the linter parse.
#[divan::bench(sample_count = 10)]
fn parse_10mb_one_thread(b: Bencher) {
    let text = big();
    b.counter(BytesCount::of_str(text)).bench(|| river_syntax::parse(divan::black_box(text)));
}

#[divan::bench]
fn lex_50kb(b: Bencher) {
    let text = slice();
    b.counter(BytesCount::of_str(text)).bench(|| river_syntax::lex(divan::black_box(text)));
}

#[divan::bench]
fn parse_50kb(b: Bencher) {
    let text = slice();
    b.counter(BytesCount::of_str(text)).bench(|| river_syntax::parse(divan::black_box(text)));
}
