//! The nesting limit: input nested deeper than `MAX_NESTING` is one syntax
//! error, on the default 2 MiB thread stack, and the tree stays shallow, so
//! every crate may recurse over trees without care.

use river_syntax::ast::{AstNode, Expr};
use river_syntax::{parse, SyntaxKind, SyntaxNode, MAX_NESTING};

/// Runs `f` on a thread with the default 2 MiB stack of spawned threads.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap()
}

/// The deepest nesting of blocks and expressions in the tree, counted
/// without recursion.
fn nesting_depth(root: &SyntaxNode) -> u32 {
    let (mut depth, mut max) = (0u32, 0u32);
    for event in root.preorder() {
        let counts = |n: &SyntaxNode| n.kind() == SyntaxKind::BLOCK || Expr::can_cast(n.kind());
        match event {
            rowan::WalkEvent::Enter(n) if counts(&n) => {
                depth += 1;
                max = max.max(depth);
            }
            rowan::WalkEvent::Leave(n) if counts(&n) => depth -= 1,
            _ => {}
        }
    }
    max
}

#[track_caller]
fn assert_one_nesting_error(text: String) {
    let (errors, depth, lossless) = on_small_stack(move || {
        let parse = parse(&text);
        let root = parse.syntax();
        let errors: Vec<_> = parse.errors().iter().map(|d| d.code).collect();
        (errors, nesting_depth(&root), root.to_string() == text)
    });
    assert_eq!(errors, ["nesting-limit"]);
    assert!(lossless);
    // Blocks count a level for the block and one for its body.
    assert!(depth <= MAX_NESTING + 1, "tree nests {depth} levels");
}

const DEEP: usize = 100_000;

#[test]
fn brackets() {
    for (open, close) in [("[", "]"), ("(", ")"), ("{x = ", "}")] {
        assert_one_nesting_error(format!("a = {}", open.repeat(DEEP)));
        assert_one_nesting_error(format!("a = {}1{}\n", open.repeat(DEEP), close.repeat(DEEP)));
    }
}

#[test]
fn blocks() {
    assert_one_nesting_error("a {\n".repeat(DEEP));
    assert_one_nesting_error(format!("{}{}", "a { ".repeat(DEEP), "}\n".repeat(DEEP)));
}

#[test]
fn operator_chains() {
    assert_one_nesting_error(format!("a = {}1\n", "-".repeat(DEEP)));
    assert_one_nesting_error(format!("a = {}1\n", "!".repeat(DEEP)));
    assert_one_nesting_error(format!("a = 1{}\n", " + 1".repeat(DEEP)));
    assert_one_nesting_error(format!("a = 1{}\n", " ^ 1".repeat(DEEP)));
    assert_one_nesting_error(format!("a = x{}\n", ".y".repeat(DEEP)));
    assert_one_nesting_error(format!("a = x{}\n", "[0]".repeat(DEEP)));
    assert_one_nesting_error(format!("a = f{}\n", "()".repeat(DEEP)));
    assert_one_nesting_error(format!("a = {}1\n", "f(".repeat(DEEP)));
}

#[test]
fn nesting_below_the_limit_is_fine() {
    let depth = (MAX_NESTING - 2) as usize;
    let text = format!("a = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    let ok = on_small_stack(move || parse(&text).ok());
    assert!(ok);
}
