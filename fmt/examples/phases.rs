//! Times parsing, formatting and dropping the tree for one file:
//! `cargo run --release -p river-fmt --example phases FILE`.
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let parse = river_syntax::parse_whole(&text);
        let t_parse = t.elapsed();
        let t = std::time::Instant::now();
        let out = river_fmt::format_parse(&text, &parse);
        let t_fmt = t.elapsed();
        let t = std::time::Instant::now();
        drop(parse);
        let t_drop = t.elapsed();
        println!("parse {t_parse:?} format {t_fmt:?} drop {t_drop:?} ({} bytes)", out.len());
    }
}
