//! `SyntaxKind`: every token and node kind of River in one enum.
//!
//! Tokens come first and carry the `logos` patterns that lex them; node kinds
//! follow and are never produced by the lexer. `T![...]` names punctuation.

use logos::Logos;

/// Every kind of token and node in a River syntax tree.
///
/// The lexer only produces the token kinds (up to [`SyntaxKind::ERROR_TOKEN`]);
/// the parser adds the node kinds.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
#[allow(non_camel_case_types)]
pub enum SyntaxKind {
    // Trivia.
    /// Spaces, tabs and carriage returns (a newline is its own token).
    #[regex(r"[ \t\r]+")]
    WHITESPACE = 0,
    /// A newline and the indentation of the next line, in one token.
    #[regex(r"\n[ \t]*")]
    NEWLINE,
    #[regex(r"//[^\n]*", allow_greedy = true)]
    LINE_COMMENT,
    /// A `/* */` comment; an unterminated one runs to the end of the input.
    #[token("/*", crate::lexer::block_comment)]
    BLOCK_COMMENT,

    // Literals and names.
    /// A name: a letter or `_`, then letters, digits and `_` (Unicode
    /// letters and decimal digits, as Go's `unicode.IsLetter`/`IsDigit`).
    /// ASCII names take the fast pattern; a callback extends them over any
    /// non-ASCII rest.
    #[regex(r"[a-zA-Z_][a-zA-Z0-9_]*", crate::lexer::extend_ident)]
    #[regex(r"[\p{L}--[a-zA-Z]][\p{L}\p{Nd}_]*")]
    IDENT,
    /// An integer literal: decimal digits only.
    #[regex(r"[0-9]+")]
    NUMBER,
    /// A float literal: a fraction, an exponent or both (`1.`, `.5`, `1e3`).
    #[regex(r"[0-9]+\.[0-9]*([eE][+-]?[0-9]*)?")]
    #[regex(r"\.[0-9]+([eE][+-]?[0-9]*)?")]
    #[regex(r"[0-9]+[eE][+-]?[0-9]*")]
    FLOAT,
    /// A double-quoted string; an unterminated one stops before the newline.
    #[token("\"", crate::lexer::quoted_string)]
    STRING,
    /// A backtick raw string, which may span lines.
    #[token("`", crate::lexer::raw_string)]
    RAW_STRING,
    #[token("true")]
    TRUE_KW,
    #[token("false")]
    FALSE_KW,
    #[token("null")]
    NULL_KW,

    // Operators and punctuation.
    /// `||` (a lone `|` is lexed as this kind and reported).
    #[token("||")]
    #[token("|")]
    PIPE2,
    /// `&&` (a lone `&` is lexed as this kind and reported).
    #[token("&&")]
    #[token("&")]
    AMP2,
    #[token("!")]
    BANG,
    #[token("!=")]
    NEQ,
    #[token("=")]
    EQ,
    #[token("==")]
    EQ2,
    #[token("<")]
    L_ANGLE,
    #[token("<=")]
    LTEQ,
    #[token(">")]
    R_ANGLE,
    #[token(">=")]
    GTEQ,
    #[token("+")]
    PLUS,
    #[token("-")]
    MINUS,
    #[token("*")]
    STAR,
    #[token("/")]
    SLASH,
    #[token("%")]
    PERCENT,
    #[token("^")]
    CARET,
    #[token("{")]
    L_CURLY,
    #[token("}")]
    R_CURLY,
    #[token("(")]
    L_PAREN,
    #[token(")")]
    R_PAREN,
    #[token("[")]
    L_BRACK,
    #[token("]")]
    R_BRACK,
    #[token(",")]
    COMMA,
    #[token(".")]
    DOT,
    /// A character that starts no token, or a single-quoted string.
    #[token("'", crate::lexer::single_quoted)]
    ERROR_TOKEN,

    // Nodes.
    /// The whole file: one [`SyntaxKind::BODY`].
    SOURCE_FILE,
    /// A sequence of statements (attributes and blocks) and separators.
    BODY,
    BLOCK,
    /// The dotted name of a block, such as `prometheus.scrape`.
    BLOCK_NAME,
    /// The string label of a block, such as `"default"`.
    BLOCK_LABEL,
    ATTRIBUTE,
    LITERAL,
    /// An identifier used as an expression (a reference).
    NAME_REF,
    ARRAY_EXPR,
    OBJECT_EXPR,
    OBJECT_FIELD,
    /// The key of an object field: an identifier or a string.
    FIELD_NAME,
    PAREN_EXPR,
    UNARY_EXPR,
    BINARY_EXPR,
    /// Field access: `expr.name`.
    ACCESS_EXPR,
    INDEX_EXPR,
    CALL_EXPR,
    ARG_LIST,
    /// Input the parser could not place, kept whole.
    ERROR,

    #[doc(hidden)]
    __LAST,
}

use SyntaxKind::*;

impl SyntaxKind {
    /// Whitespace, newlines and comments.
    pub fn is_trivia(self) -> bool {
        matches!(self, WHITESPACE | NEWLINE | LINE_COMMENT | BLOCK_COMMENT)
    }

    /// Comments of either form.
    pub fn is_comment(self) -> bool {
        matches!(self, LINE_COMMENT | BLOCK_COMMENT)
    }

    /// Tokens produced by the lexer (as opposed to nodes built by the parser).
    pub fn is_token(self) -> bool {
        self <= ERROR_TOKEN
    }

    /// Literal tokens: numbers, strings, booleans and null.
    pub fn is_literal(self) -> bool {
        matches!(self, NUMBER | FLOAT | STRING | RAW_STRING | TRUE_KW | FALSE_KW | NULL_KW)
    }

    /// Kinds of the binary operators.
    pub fn is_binary_op(self) -> bool {
        self.binary_precedence().is_some()
    }

    /// River's precedence of a binary operator, lowest first; `None` otherwise.
    pub fn binary_precedence(self) -> Option<u8> {
        Some(match self {
            PIPE2 => 1,
            AMP2 => 2,
            EQ2 | NEQ | L_ANGLE | LTEQ | R_ANGLE | GTEQ => 3,
            PLUS | MINUS => 4,
            STAR | SLASH | PERCENT => 5,
            CARET => 6,
            _ => return None,
        })
    }

    /// Converts a raw rowan kind back; kinds beyond the enum map to `ERROR`.
    pub fn from_raw(raw: u16) -> SyntaxKind {
        if raw < __LAST as u16 {
            // SAFETY: `SyntaxKind` is `repr(u8)` with contiguous discriminants
            // starting at zero, and `raw` is below the sentinel (so it fits).
            unsafe { std::mem::transmute::<u8, SyntaxKind>(raw as u8) }
        } else {
            ERROR
        }
    }

    /// How the kind is named in messages: punctuation as itself, tokens by class.
    pub fn describe(self) -> &'static str {
        match self {
            WHITESPACE => "whitespace",
            NEWLINE => "newline",
            LINE_COMMENT | BLOCK_COMMENT => "comment",
            IDENT => "IDENT",
            NUMBER => "NUMBER",
            FLOAT => "FLOAT",
            STRING | RAW_STRING => "STRING",
            TRUE_KW | FALSE_KW => "BOOL",
            NULL_KW => "NULL",
            PIPE2 => "||",
            AMP2 => "&&",
            BANG => "!",
            NEQ => "!=",
            EQ => "=",
            EQ2 => "==",
            L_ANGLE => "<",
            LTEQ => "<=",
            R_ANGLE => ">",
            GTEQ => ">=",
            PLUS => "+",
            MINUS => "-",
            STAR => "*",
            SLASH => "/",
            PERCENT => "%",
            CARET => "^",
            L_CURLY => "{",
            R_CURLY => "}",
            L_PAREN => "(",
            R_PAREN => ")",
            L_BRACK => "[",
            R_BRACK => "]",
            COMMA => ",",
            DOT => ".",
            ERROR_TOKEN => "ILLEGAL",
            _ => "syntax node",
        }
    }
}

/// Names a punctuation or keyword kind by its text: `T![=]`, `T!['{']`.
#[macro_export]
macro_rules! T {
    [||] => { $crate::SyntaxKind::PIPE2 };
    [&&] => { $crate::SyntaxKind::AMP2 };
    [!] => { $crate::SyntaxKind::BANG };
    [!=] => { $crate::SyntaxKind::NEQ };
    [=] => { $crate::SyntaxKind::EQ };
    [==] => { $crate::SyntaxKind::EQ2 };
    [<] => { $crate::SyntaxKind::L_ANGLE };
    [<=] => { $crate::SyntaxKind::LTEQ };
    [>] => { $crate::SyntaxKind::R_ANGLE };
    [>=] => { $crate::SyntaxKind::GTEQ };
    [+] => { $crate::SyntaxKind::PLUS };
    [-] => { $crate::SyntaxKind::MINUS };
    [*] => { $crate::SyntaxKind::STAR };
    [/] => { $crate::SyntaxKind::SLASH };
    [%] => { $crate::SyntaxKind::PERCENT };
    [^] => { $crate::SyntaxKind::CARET };
    ['{'] => { $crate::SyntaxKind::L_CURLY };
    ['}'] => { $crate::SyntaxKind::R_CURLY };
    ['('] => { $crate::SyntaxKind::L_PAREN };
    [')'] => { $crate::SyntaxKind::R_PAREN };
    ['['] => { $crate::SyntaxKind::L_BRACK };
    [']'] => { $crate::SyntaxKind::R_BRACK };
    [,] => { $crate::SyntaxKind::COMMA };
    [.] => { $crate::SyntaxKind::DOT };
    [true] => { $crate::SyntaxKind::TRUE_KW };
    [false] => { $crate::SyntaxKind::FALSE_KW };
    [null] => { $crate::SyntaxKind::NULL_KW };
}

impl From<SyntaxKind> for rowan::SyntaxKind {
    fn from(kind: SyntaxKind) -> Self {
        rowan::SyntaxKind(kind as u16)
    }
}

/// The rowan language tag of River trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiverLanguage {}

impl rowan::Language for RiverLanguage {
    type Kind = SyntaxKind;

    fn kind_from_raw(raw: rowan::SyntaxKind) -> SyntaxKind {
        SyntaxKind::from_raw(raw.0)
    }

    fn kind_to_raw(kind: SyntaxKind) -> rowan::SyntaxKind {
        kind.into()
    }
}

/// A node of a River syntax tree.
pub type SyntaxNode = rowan::SyntaxNode<RiverLanguage>;
/// A token of a River syntax tree.
pub type SyntaxToken = rowan::SyntaxToken<RiverLanguage>;
/// A node or a token.
pub type SyntaxElement = rowan::SyntaxElement<RiverLanguage>;
