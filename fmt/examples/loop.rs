//! Formats one (small) file many times, for profiling:
//! `cargo run --release -p river-fmt --example loop FILE N`.
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let n: usize = std::env::args().nth(2).map_or(100, |s| s.parse().unwrap());
    let parse = river_syntax::parse(&text);
    let t = std::time::Instant::now();
    for _ in 0..n {
        drop(river_fmt::format_parse(&text, &parse));
    }
    println!("format_parse: {:?} each", t.elapsed() / n as u32);
}
