//! Data-driven parser tests: every `.river` file under `test_data/parser`
//! is one test. Each gets a snapshot beside it (errors, then the tree), and
//! the `/* ERROR "message" */` comments in it (the reference parser's
//! convention) must match the reported errors exactly: same position, a
//! message containing the expected text, and no other errors.
//!
//! Files under `ok/` must parse without errors.

use datatest_stable::Utf8Path;
use river_syntax::{lex, parse, LineIndex, SyntaxKind, TextSize};

fn parser_case(path: &Utf8Path, text: String) -> datatest_stable::Result<()> {
    let parse = parse(&text);
    assert_eq!(parse.syntax().to_string(), text, "the tree must give back the input");
    let index = LineIndex::new(&text);
    let mut snapshot = String::new();
    for d in parse.errors() {
        let lc = index.line_col(d.range.start());
        snapshot.push_str(&format!("{}:{}: [{}] {}\n", lc.line + 1, lc.col + 1, d.code, d.message));
    }
    snapshot.push_str(&parse.debug_tree());

    if path.components().any(|c| c.as_str() == "ok") {
        assert!(parse.ok(), "{path} should parse cleanly:\n{snapshot}");
    }
    check_error_comments(&text, &parse, &index)?;

    let dir = path.parent().expect("test files live in a folder");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(path);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(path.file_stem().unwrap(), snapshot));
    Ok(())
}

/// One `/* ERROR "..." */` expectation.
#[derive(Debug)]
struct Expected {
    at: TextSize,
    text: String,
}

fn check_error_comments(
    text: &str,
    parse: &river_syntax::Parse,
    index: &LineIndex,
) -> datatest_stable::Result<()> {
    let expected = expected_errors(text);
    let where_ = |at: TextSize| {
        let lc = index.line_col(at);
        format!("{}:{}", lc.line + 1, lc.col + 1)
    };
    let mut unmatched: Vec<&Expected> = expected.iter().collect();
    let mut problems = Vec::new();
    for d in parse.errors() {
        let found = unmatched.iter().position(|e| e.at == d.range.start());
        match found {
            Some(i) if d.message.contains(&unmatched[i].text) => {
                unmatched.remove(i);
            }
            Some(i) => problems.push(format!(
                "{}: message {:?} does not contain {:?}",
                where_(d.range.start()),
                d.message,
                unmatched[i].text
            )),
            None if expected.is_empty() && !text.contains("ERROR") => {}
            None => problems.push(format!(
                "{}: unexpected error: {}",
                where_(d.range.start()),
                d.message
            )),
        }
    }
    for e in unmatched {
        problems.push(format!("{}: expected an error containing {:?}", where_(e.at), e.text));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

/// Reads the ERROR comments: the error belongs at the start of the token
/// before the comment, or right after it with `ERROR HERE`.
fn expected_errors(text: &str) -> Vec<Expected> {
    let (tokens, _) = lex(text);
    let mut out = Vec::new();
    let mut prev = None;
    for i in 0..tokens.len() {
        let kind = tokens.kind(i);
        if kind == SyntaxKind::BLOCK_COMMENT {
            if let (Some((here, msg)), Some(range)) =
                (parse_error_comment(tokens.text(text, i)), prev)
            {
                let range: river_syntax::TextRange = range;
                let at = if here { range.end() } else { range.start() };
                out.push(Expected { at, text: msg });
            }
        } else if !kind.is_trivia() {
            prev = Some(tokens.range(i));
        }
    }
    out
}

/// `/* ERROR [HERE] "regex" */` to (here, the regex's literal text).
fn parse_error_comment(comment: &str) -> Option<(bool, String)> {
    let inner = comment.strip_prefix("/*")?.strip_suffix("*/")?.trim();
    let rest = inner.strip_prefix("ERROR")?.trim_start();
    let (here, rest) = match rest.strip_prefix("HERE") {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    let pattern = rest.strip_prefix('"')?.strip_suffix('"')?;
    // The patterns only escape punctuation; keep the literal text.
    Some((here, pattern.replace('\\', "")))
}

datatest_stable::harness! {
    { test = parser_case, root = "test_data/parser", pattern = r"\.river$" },
}
