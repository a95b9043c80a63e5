//! Error recovery: one mistake gives one precise error, and the rest of the
//! file still parses into proper nodes.

use river_syntax::ast::{AstNode, Stmt};
use river_syntax::{parse, LineIndex};

/// Parses `text` and returns its errors as `line:col: message`.
fn errors(text: &str) -> Vec<String> {
    let parse = parse(text);
    assert_eq!(parse.syntax().to_string(), text);
    let index = LineIndex::new(text);
    parse
        .errors()
        .iter()
        .map(|d| {
            let lc = index.line_col(d.range.start());
            format!("{}:{}: {}", lc.line + 1, lc.col + 1, d.message)
        })
        .collect()
}

/// The names of the top-level statements that parsed as proper nodes.
fn statements(text: &str) -> Vec<String> {
    let body = parse(text).tree().body().expect("a file always has a body");
    body.statements()
        .map(|s| match s {
            Stmt::Attribute(a) => a.name().map_or("?".into(), |n| n.text().to_string()),
            Stmt::Block(b) => b.name().map_or("?".into(), |n| n.text()),
        })
        .collect()
}

#[track_caller]
fn check(text: &str, expected: &[&str], still_parsed: &[&str]) {
    assert_eq!(errors(text), expected, "errors of {text:?}");
    let names = statements(text);
    for name in still_parsed {
        assert!(
            names.iter().any(|n| n == name),
            "{name} should still parse in {text:?}: {names:?}"
        );
    }
}

#[test]
fn missing_closing_brace_points_at_the_opening_one() {
    let text = "a {\n  b = 1\n";
    check(text, &["3:1: expected }, got end of file"], &["a"]);
    let parse = parse(text);
    let label = &parse.errors()[0].labels[0];
    assert_eq!(u32::from(label.range.start()), 2, "the label marks the `{{`");
}

#[test]
fn missing_equals() {
    check(
        "s {\n  targets [1, 2]\n  job = \"a\"\n}\nafter = 1\n",
        &["2:11: expected attribute assignment or block body, got ["],
        &["s", "after"],
    );
    check(
        "a 1\nafter = 1\n",
        &["1:3: expected attribute assignment or block body, got NUMBER"],
        &["after"],
    );
}

#[test]
fn unterminated_strings_and_comments() {
    check("a = \"abc\nafter = 1\n", &["1:5: string literal not terminated"], &["a", "after"]);
    check("a = `abc\nafter = 1\n", &["1:5: raw string literal not terminated"], &["a"]);
    check("a = 1 /* open\nb = 2\n", &["1:7: block comment not terminated"], &["a"]);
}

#[test]
fn stray_token_after_a_statement() {
    check("a = 1 2\nafter = 1\n", &["1:7: expected newline, got NUMBER"], &["a", "after"]);
    check("a = 1)\nafter = 1\n", &["1:6: expected newline, got )"], &["a", "after"]);
    check("a { b = 1 } c\nafter = 1\n", &["1:13: expected newline, got IDENT"], &["a", "after"]);
    check("}\nafter = 1\n", &["1:1: expected identifier, got }"], &["after"]);
}

#[test]
fn block_labels() {
    check("a b {\n}\nafter = 1\n", &["1:3: expected block label, got IDENT"], &["a", "after"]);
    check(
        "a 'b' {\n}\nafter = 1\n",
        &["1:3: illegal single-quoted string; use double quotes"],
        &["a", "after"],
    );
    check(
        "a `b` {\n}\nafter = 1\n",
        &["1:3: expected block label to be a double quoted string, but got \"`b`\""],
        &["a", "after"],
    );
    check(
        "a \"1x\" {\n}\n",
        &["1:3: expected block label to be a valid identifier, but got \"1x\""],
        &["a"],
    );
    // The reference accepts an empty label; so do we.
    check("a \"\" {\n}\n", &[], &["a"]);
}

#[test]
fn block_assigned_to_an_attribute() {
    check(
        "rw = prometheus.remote_write \"x\" {\n  url = \"u\"\n}\nafter = 1\n",
        &["1:6: cannot use a block as an expression"],
        &["rw", "after"],
    );
}

#[test]
fn bad_object_keys_and_commas() {
    check(
        "o = { 1 = 2, b = 3 }\nafter = 1\n",
        &["1:7: expected field name (string or identifier), got NUMBER"],
        &["o", "after"],
    );
    check(
        "o = {\n  a = 1\n  b = 2,\n}\nafter = 1\n",
        &["2:8: missing ',' in field list"],
        &["o", "after"],
    );
    check("l = [1 2]\nafter = 1\n", &["1:8: missing ',' in expression list"], &["l", "after"]);
    check("l = [1, 2)\nafter = 1\n", &["1:10: expected ], got )"], &["l", "after"]);
}

#[test]
fn a_list_missing_its_closer_before_the_next_statement() {
    let text = "s {\n  f = [a.b\n  i = \"15s\"\n}\nafter = 1\n";
    check(text, &["2:11: expected ], got newline"], &["s", "after"]);
    let parsed = parse(text);
    let label = &parsed.errors()[0].labels[0];
    assert_eq!(u32::from(label.range.start()), 10, "the label marks the `[`");
    check("a = f(1\nb {\n}\n", &["1:8: expected ), got newline"], &["a", "b"]);
    check("a = [1,\nb = 2\n", &["2:3: expected ], got ="], &["a"]);
    // Elements on the next line are elements, not statements.
    check("a = [1\n2]\n", &["1:7: missing ',' in expression list"], &["a"]);
}

#[test]
fn a_list_missing_its_closer_before_another_closer_or_the_end() {
    // The block's `}` (or the end of the file) on the next line: the list's
    // closer is missing, not a comma, and nothing more is reported.
    let text = "s {\n  f = [a.b\n}\nafter = 1\n";
    check(text, &["2:11: expected ], got newline"], &["s", "after"]);
    check("s {\n  f = g(1\n}\n", &["2:10: expected ), got newline"], &["s"]);
    check("s {\n  f = [g(1\n  ]\n}\n", &["2:11: expected ), got newline"], &["s"]);
    check("a = [1\n", &["1:7: expected ], got newline"], &["a"]);
    // Its own closer on the next line still wants the comma.
    check("a = f(1\n)\n", &["1:8: missing ',' in expression list"], &["a"]);
}

#[test]
fn expressions() {
    check("a = \nafter = 1\n", &["2:7: expected newline, got ="], &["a"]);
    check("a = 1 +\n", &["2:1: expected expression, got end of file"], &["a"]);
    check("a = f(1,\n", &["2:1: expected ), got end of file"], &["a"]);
    // `.1` lexes as a float, as in the reference.
    check("a = x.1\n", &["1:6: expected newline, got FLOAT"], &["a"]);
    check("a = x.true\n", &["1:7: expected IDENT, got BOOL"], &["a"]);
    check("a = 1e\n", &["1:5: exponent has no digits"], &["a"]);
    check("a = 1 | 2\n", &["1:7: missing second | in ||"], &["a"]);
}

#[test]
fn lexical_errors() {
    check("a: 1\nafter = 1\n", &["1:2: illegal character U+003A ':'"], &["after"]);
    check("a = \"\\q\"\n", &["1:6: unknown escape sequence"], &["a"]);
    check("a = $x\n", &["1:5: illegal character U+0024 '$'"], &["a"]);
    check("a = 1\u{0}\n", &["1:6: illegal character NUL"], &["a"]);
    check("\u{FEFF}a = 1\n", &[], &["a"]);
    check("a = 1\u{FEFF}\n", &["1:6: illegal byte order mark"], &["a"]);
}

#[test]
fn statements_need_their_own_lines() {
    check("a = 1 b = 2\n", &["1:7: expected newline, got IDENT"], &["a"]);
    // A comment spanning lines ends a statement like a newline does.
    check("a = 1 /* x\n */ b = 2\n", &[], &["a", "b"]);
    check("a = 1 /* x */ b = 2\n", &["1:15: expected newline, got IDENT"], &["a"]);
    check("a = 1 // c\nb = 2", &[], &["a", "b"]);
}

#[test]
fn every_node_kind_casts() {
    let text = "a.b \"l\" {\n  x = [1, {k = -2}, (3), f(4)[0].y, !true, null, 1.5, `r`, \"s\" + \"t\" ^ 2]\n}\n";
    let parse = parse(text);
    assert!(parse.ok(), "{:?}", parse.errors());
    let block = parse.tree().body().unwrap().blocks().next().unwrap();
    assert_eq!(block.name().unwrap().text(), "a.b");
    assert_eq!(block.label().unwrap().value().as_deref(), Some("l"));
    let attr = block.body().unwrap().attributes().next().unwrap();
    let value = attr.value().unwrap();
    let kinds: Vec<_> =
        value.elements().iter().map(|e| format!("{:?}", e.syntax().kind())).collect();
    assert_eq!(
        kinds,
        [
            "LITERAL",
            "OBJECT_EXPR",
            "PAREN_EXPR",
            "ACCESS_EXPR",
            "UNARY_EXPR",
            "LITERAL",
            "LITERAL",
            "LITERAL",
            "BINARY_EXPR"
        ]
    );
    let sum = &value.elements()[8];
    let (op, _) = sum.binary_op().unwrap();
    assert_eq!(op.as_str(), "+", "^ binds tighter than +");
    assert_eq!(sum.rhs().unwrap().binary_op().unwrap().0.as_str(), "^");
}

#[test]
fn the_docs_placeholder_gets_a_hint() {
    let text = "a {\n  b = [...]\n  ...\n}\n";
    check(text, &["2:8: expected expression, got .", "3:3: expected identifier, got ."], &["a"]);
    let parsed = parse(text);
    assert!(parsed.errors().iter().all(|d| d.notes[0].contains("`...`")));
}

#[test]
fn an_unescaped_quote_gets_a_hint() {
    let text = "t = \"{{ .Value \"x\" }}\"\nafter = 1\n";
    check(text, &["1:17: expected newline, got IDENT"], &["t", "after"]);
    assert!(parse(text).errors()[0].notes[0].contains("escape its inner quotes"));
    // Other stray tokens get no such hint.
    assert!(parse("a = 1 2\n").errors()[0].notes.is_empty());
}
