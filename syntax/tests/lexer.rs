//! The lexer on its own: token kinds and extents for the cases where the
//! reference scanner's rules are easy to get wrong.

use river_syntax::{lex, SyntaxKind, SyntaxKind::*};

fn kinds(text: &str) -> Vec<(SyntaxKind, String)> {
    let (tokens, _) = lex(text);
    (0..tokens.len()).map(|i| (tokens.kind(i), tokens.text(text, i).to_string())).collect()
}

fn significant(text: &str) -> Vec<(SyntaxKind, String)> {
    kinds(text).into_iter().filter(|(k, _)| !k.is_trivia()).collect()
}

fn tok(kind: SyntaxKind, text: &str) -> (SyntaxKind, String) {
    (kind, text.to_string())
}

#[test]
fn unicode_names() {
    assert_eq!(significant("aé1_b"), [tok(IDENT, "aé1_b")]);
    assert_eq!(significant("éa ñ٣"), [tok(IDENT, "éa"), tok(IDENT, "ñ٣")]);
    // Keywords followed by more letters are names, as in the reference.
    assert_eq!(significant("trueé nullx"), [tok(IDENT, "trueé"), tok(IDENT, "nullx")]);
    // A digit cannot start a name; Unicode digits continue one.
    assert_eq!(significant("1a"), [tok(NUMBER, "1"), tok(IDENT, "a")]);
    // Marks and symbols are not letters.
    assert_eq!(significant("a\u{301}"), [tok(IDENT, "a"), tok(ERROR_TOKEN, "\u{301}")]);
}

#[test]
fn numbers() {
    let got = significant("1 1.5 1. .5 1e3 1E+3 2.5e-1 1e x.0");
    let want = [
        tok(NUMBER, "1"),
        tok(FLOAT, "1.5"),
        tok(FLOAT, "1."),
        tok(FLOAT, ".5"),
        tok(FLOAT, "1e3"),
        tok(FLOAT, "1E+3"),
        tok(FLOAT, "2.5e-1"),
        tok(FLOAT, "1e"),
        tok(IDENT, "x"),
        tok(FLOAT, ".0"),
    ];
    assert_eq!(got, want);
}

#[test]
fn strings_and_comments_keep_their_extent() {
    assert_eq!(significant(r#""a\"b" "c"#), [tok(STRING, r#""a\"b""#), tok(STRING, "\"c")]);
    assert_eq!(significant("\"a\\\nb"), [tok(STRING, "\"a\\"), tok(IDENT, "b")]);
    assert_eq!(significant("`a\nb` `c"), [tok(RAW_STRING, "`a\nb`"), tok(RAW_STRING, "`c")]);
    assert_eq!(kinds("/* a\n*/x"), [tok(BLOCK_COMMENT, "/* a\n*/"), tok(IDENT, "x")]);
    assert_eq!(kinds("// a\nx"), [tok(LINE_COMMENT, "// a"), tok(NEWLINE, "\n"), tok(IDENT, "x")]);
}

#[test]
fn newlines_carry_the_next_indentation() {
    assert_eq!(
        kinds("a\n\t\tb\r\n"),
        [
            tok(IDENT, "a"),
            tok(NEWLINE, "\n\t\t"),
            tok(IDENT, "b"),
            tok(WHITESPACE, "\r"),
            tok(NEWLINE, "\n")
        ]
    );
}

#[test]
fn operators() {
    let got: Vec<_> = significant("|| && ! != = == < <= > >= + - * / % ^ { } ( ) [ ] , . | &")
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let want = [
        PIPE2, AMP2, BANG, NEQ, EQ, EQ2, L_ANGLE, LTEQ, R_ANGLE, GTEQ, PLUS, MINUS, STAR, SLASH,
        PERCENT, CARET, L_CURLY, R_CURLY, L_PAREN, R_PAREN, L_BRACK, R_BRACK, COMMA, DOT, PIPE2,
        AMP2,
    ];
    assert_eq!(got, want);
}

#[test]
fn every_byte_is_in_a_token() {
    for text in ["a = 1", "\u{FEFF}x", "€ $ ~ ' \0", "\"\\u00e9\" `x", "/*", "a\u{0}b"] {
        let (tokens, _) = lex(text);
        let joined: String = (0..tokens.len()).map(|i| tokens.text(text, i)).collect();
        assert_eq!(joined, text);
    }
}
