//! Times `parse` on one file: `cargo run --release --example count FILE [N]`.
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let n: usize = std::env::args().nth(2).map_or(5, |s| s.parse().unwrap());
    let t = std::time::Instant::now();
    for _ in 0..n {
        drop(river_syntax::parse(&text));
    }
    println!("parse: {:?} each", t.elapsed() / n as u32);
}
