//! Entry points: a whole file, a stretch of one (for parsing in pieces), a
//! lone expression; and joining stretches into one tree.

use rowan::GreenNode;

use super::{expr, green, stmt, Parser};
use crate::diagnostic::Diagnostic;
use crate::lexer::Tokens;
use crate::Comment;
use crate::SyntaxKind::*;

/// The statements of one stretch of a file, ready to be joined with others.
pub(crate) struct Chunk {
    /// Trivia before the first statement.
    pub(crate) leading: Vec<green::Element>,
    /// The children of the file's `BODY` from this stretch.
    pub(crate) statements: Vec<green::Element>,
    /// Trivia after the last statement.
    pub(crate) trailing: Vec<green::Element>,
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) comments: Vec<Comment>,
    /// How many significant tokens the stretch has.
    pub(crate) code_tokens: u32,
    /// Whether the nesting limit was hit (which silences later errors).
    pub(crate) too_deep: bool,
    /// Whether some construct reached the end of the stretch unfinished, so
    /// that parsing it alone differs from parsing it within the file.
    pub(crate) ran_off_end: bool,
}

/// Parses the statements of a file, or of a stretch of one that starts at a
/// statement.
pub(crate) fn parse_chunk(text: &str, tokens: &Tokens) -> Chunk {
    let builder = green::GreenBuilder::with_capacity(tokens.len());
    parse_chunk_with(text, tokens, builder).0
}

/// [`parse_chunk`] with `builder`, which comes back empty (its interned
/// tokens and nodes kept) for the next stretch.
pub(crate) fn parse_chunk_with(
    text: &str,
    tokens: &Tokens,
    builder: green::GreenBuilder,
) -> (Chunk, green::GreenBuilder) {
    let mut p = Parser::with_builder(text, tokens, builder);
    // Trivia around the statements stays outside the body, as in a block.
    p.builder.start_node(SOURCE_FILE);
    p.flush_before_current();
    p.builder.start_node(BODY);
    stmt::statements(&mut p, None);
    let statements = p.builder.take_open_children();
    let leading_len = p.builder.open_children_len();
    p.flush_trivia(tokens.len());
    let mut leading = p.builder.take_open_children();
    let trailing = leading.split_off(leading_len);
    debug_assert!(p.builder.is_idle(), "a node left open");
    let chunk = Chunk {
        leading,
        statements,
        trailing,
        errors: p.errors,
        comments: p.comments,
        code_tokens: p.code_tokens,
        too_deep: p.too_deep,
        ran_off_end: p.ran_off_end,
    };
    (chunk, p.builder)
}

/// Parses a whole file: the tree, the errors and the comments.
pub(crate) fn parse_file(
    text: &str,
    tokens: &Tokens,
) -> (GreenNode, Vec<Diagnostic>, Vec<Comment>) {
    let chunk = parse_chunk(text, tokens);
    let tree = join(chunk.leading, vec![chunk.statements], chunk.trailing);
    (tree, chunk.errors, chunk.comments)
}

/// Builds `SOURCE_FILE(leading..., BODY(statements...), trailing...)`.
pub(crate) fn join(
    leading: Vec<green::Element>,
    parts: Vec<Vec<green::Element>>,
    trailing: Vec<green::Element>,
) -> GreenNode {
    let statements: Vec<green::Element> = parts.into_iter().flatten().collect();
    let body = GreenNode::new(BODY.into(), statements);
    let mut children = leading;
    children.push(rowan::NodeOrToken::Node(body));
    children.extend(trailing);
    GreenNode::new(SOURCE_FILE.into(), children)
}

/// Parses a single expression, as `flow eval` takes it.
pub(crate) fn parse_expression(
    text: &str,
    tokens: &Tokens,
) -> (GreenNode, Vec<Diagnostic>, Vec<Comment>) {
    let mut p = Parser::new(text, tokens);
    p.builder.start_node(SOURCE_FILE);
    expr::expr(&mut p);
    if p.at_terminator() {
        p.bump();
    }
    if !p.at_eof() {
        p.expected("end of expression");
        p.skip_until(|_| false);
        // Stray closers stop skipping; take them too so nothing is lost.
        while !p.at_eof() {
            p.start(ERROR);
            p.bump();
            p.finish_node();
        }
    }
    p.flush_trivia(tokens.len());
    p.finish_node();
    let comments = std::mem::take(&mut p.comments);
    let (tree, errors) = p.finish();
    (tree, errors, comments)
}
