//! Times `lex` and `parse` on one file: `cargo run --release --example count FILE [N]`.
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let n: usize = std::env::args().nth(2).map_or(5, |s| s.parse().unwrap());
    for _ in 0..n {
        let t = std::time::Instant::now();
        let lexed = river_syntax::lex(&text);
        let lex_time = t.elapsed();
        drop(lexed);
        let t = std::time::Instant::now();
        let p = river_syntax::parse(&text);
        println!("lex {lex_time:?} parse {:?}", t.elapsed());
        drop(p);
    }
}
