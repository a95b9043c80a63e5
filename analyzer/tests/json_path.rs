//! `json_path` against ojg v1.20, the library the reference calls: its
//! path grammar and error messages, its result order and its numbers.

mod common;

use common::table;

/// The shop of the JSONPath examples, as a River raw string.
const SHOP: &str = r#"`{"store": {"book": [
    {"category": "reference", "author": "Nigel", "price": 8.95},
    {"category": "fiction", "author": "Evelyn", "price": 12.99, "isbn": "0-553"},
    {"category": "fiction", "author": "Herman", "price": 8.99, "isbn": "0-395"}],
  "bicycle": {"color": "red", "price": 19.95}}}`"#;

/// Each `(path, result)` against `SHOP`.
#[track_caller]
fn shop(cases: &[(&str, &str)]) {
    let cases: Vec<(String, &str)> =
        cases.iter().map(|(path, want)| (format!("json_path({SHOP}, {path:?})"), *want)).collect();
    let cases: Vec<(&str, &str)> = cases.iter().map(|(e, w)| (e.as_str(), *w)).collect();
    table(&cases);
}

/// The path forms of ojg's grammar, which the reference uses.
#[test]
fn json_path_takes_ojg_paths() {
    shop(&[
        ("$.store.book[0].author", r#"["Nigel"]"#),
        ("store.bicycle.color", r#"["red"]"#),
        (".store.bicycle.color", r#"["red"]"#),
        ("@.store.bicycle.color", r#"["red"]"#),
        ("$['store'][\"bicycle\"]['color']", r#"["red"]"#),
        ("$.store.book[*].author", r#"["Nigel", "Evelyn", "Herman"]"#),
        ("$.store.book.*.author", r#"["Nigel", "Evelyn", "Herman"]"#),
        ("$.store.book[-1].author", r#"["Herman"]"#),
        ("$.store.book[0, 2].author", r#"["Nigel", "Herman"]"#),
        ("$.store.bicycle['color','price']", r#"["red", 19.95]"#),
        ("$.store.book[1:].author", r#"["Evelyn", "Herman"]"#),
        ("$.store.book[:2].author", r#"["Nigel", "Evelyn"]"#),
        ("$.store.book[-2:].author", r#"["Evelyn", "Herman"]"#),
        ("$.store.book[::2].author", r#"["Nigel", "Herman"]"#),
        ("$.store.book[2:0:-1].author", r#"["Herman", "Evelyn"]"#),
        ("$.store.bicycle.*", r#"["red", 19.95]"#),
        ("$..author", r#"["Nigel", "Evelyn", "Herman"]"#),
        ("$..price", "[19.95, 8.95, 12.99, 8.99]"),
        ("$.store.book.length", "[]"),
        ("$.store.book[0].0", "[]"),
        ("", "[]"),
    ]);
}

/// Filters with ojg's operators and functions.
#[test]
fn json_path_filters() {
    shop(&[
        ("$.store.book[?(@.price < 10)].author", r#"["Nigel", "Herman"]"#),
        ("$.store.book[?@.price < 10].author", r#"["Nigel", "Herman"]"#),
        ("$.store.book[?(@.category == 'fiction' && @.price > 10)].author", r#"["Evelyn"]"#),
        ("$.store.book[?(@.price > 12 || @.author == \"Nigel\")].author", r#"["Nigel", "Evelyn"]"#),
        ("$.store.book[?(@.isbn exists true)].author", r#"["Evelyn", "Herman"]"#),
        ("$.store.book[?(@.isbn has false)].author", r#"["Nigel"]"#),
        ("$.store.book[?(@.author =~ /^[EH]/)].author", r#"["Evelyn", "Herman"]"#),
        ("$.store.book[?(@.author in ['Nigel', 'Herman'])].price", "[8.95, 8.99]"),
        ("$.store.book[?(!(@.price < 10))].author", r#"["Evelyn"]"#),
        ("$.store.book[?(@.price * 2 > 20)].author", r#"["Evelyn"]"#),
        ("$.store.book[?(length(@.author) == 6)].author", r#"["Evelyn", "Herman"]"#),
        ("$.store.book[?(match(@.author, 'N.*'))].author", r#"["Nigel"]"#),
        ("$.store.book[?(search(@.author, 'e'))].author", r#"["Nigel", "Evelyn", "Herman"]"#),
        ("$.store.book[?(@.price == $.store.book[0].price)].author", r#"["Nigel"]"#),
        ("$..book[?(@.price > 12)].author", r#"["Evelyn"]"#),
    ]);
    table(&[
        (r#"json_path("[1, 2, 3]", "$[?(@ > 1)]")"#, "[2, 3]"),
        (r#"json_path("[1, 2, 3]", "[?(@ in [1, 3])]")"#, "[1, 3]"),
        (r#"json_path("[1, 2]", "$[?(@ != 2)]")"#, "[1]"),
        // ojg's `!=` between two floats is always false.
        (r#"json_path("[1.5, 2.5]", "$[?(@ != 2.5)]")"#, "[]"),
        (r#"json_path("[1, 2.0]", "$[?(@ == 2)]")"#, "[2]"),
        (r#"json_path(`["a1", "b"]`, "$[?(@ =~ /[0-9]/)]")"#, r#"["a1"]"#),
        // ojg reads escapes in a pattern as in a string: `\\d` is `\d`.
        (r#"json_path(`["a1", "b"]`, `$[?(@ =~ /\\d/)]`)"#, r#"["a1"]"#),
        (
            r#"json_path(`["a1", "b"]`, `$[?(@ =~ /\d/)]`)"#,
            "error: json_path: 0x64 (d) is not a valid escaped character",
        ),
        (
            r#"json_path(`[{"t": [1, 2]}, {"t": [1]}]`, "$[?(count(@.t[*]) == 2)]")"#,
            "[{t = [1, 2]}]",
        ),
        (r#"json_path(`{"a": {"x": 1}, "b": {"x": 2}}`, "$[?(@.x > 1)]")"#, "[{x = 2}]"),
    ]);
}

/// What ojg's `Get` returns: ints stay ints, big numbers stay text,
/// `..` gives descendants before the node, objects in key order.
#[test]
fn json_path_values_and_order() {
    table(&[
        (r#"json_path("[1, 2.5, -3, 1e2, 1E0, 0.1]", "$[*]")"#, "[1, 2.5, -3, 100, 1, 0.1]"),
        (r#"json_path(`{"a": 10}`, "$.a")[0] / 4"#, "2"),
        (
            r#"json_path("[10000000000000000000, 9223372036854775807, -9223372036854775807]", "$[*]")"#,
            r#"["10000000000000000000", "9223372036854775807", -9223372036854775807]"#,
        ),
        (r#"json_path(`{"b": 1, "a": 2}`, "$.*")"#, "[2, 1]"),
        (r#"json_path(`{"a": {"b": 1}}`, "$..")"#, "[{b = 1}, 1, {a = {b = 1}}]"),
        (r#"json_path(`{"a": {"b": 1}, "c": 2}`, "$..*")"#, "[1, {b = 1}, 2]"),
        (r#"json_path(`{"a": {"0": "x"}}`, "a.0")"#, r#"["x"]"#),
        (r#"json_path(`{"a": {"a": 1}}`, "$..a")"#, "[1, {a = 1}]"),
        (r#"json_path("[1, [2, 3]]", "$..[0]")"#, "[2, 1]"),
    ]);
}

/// Paths ojg refuses, with its messages, and bad JSON.
#[test]
fn json_path_errors() {
    table(&[
        (
            r#"json_path("[1]", "$[?(@.x)]")"#,
            "error: json_path: '' is not a valid operation at 8 in $[?(@.x)]",
        ),
        (r#"json_path("[1]", "$[a]")"#, "error: json_path: parse error at 3 in $[a]"),
        (r#"json_path("[1]", "$.a b")"#, "error: json_path: parse error at 4 in $.a b"),
        (r#"json_path("[1]", "$.")"#, "error: json_path: not terminated at 3 in $."),
        (
            r#"json_path("[1]", "$[(1)]")"#,
            "error: json_path: scripts not implemented yet at 4 in $[(1)]",
        ),
        (r#"json_path("[1]", "$[1:2:x]")"#, "error: json_path: expected a number at 8 in $[1:2:x]"),
        (r#"json_path("{", "$")"#, "error: json_path: expected a string key at 1:2"),
        (r#"json_path("[1] 2", "$")"#, "error: json_path: extra characters after close at 1:5"),
    ]);
}

/// Paths ojg's own parser tests accept.
const OJG_PARSES: &[&str] = &[
    "@",
    "$",
    "@.abc",
    "@.a.b.c",
    "$.abc",
    "$.a.b.c",
    "abc",
    "abc.def",
    "abc.*.def",
    "@..",
    "@..x.y",
    "@.*",
    "[1,2]",
    "abc..def",
    "abc[*].def",
    "abc[0].def",
    "abc[-1].def",
    "abc[2].def",
    "abc[ -2 ].def",
    "abc[1:3]",
    "abc[1:]",
    "abc[0:]",
    "abc[:]",
    "abc[:3]",
    "a[:].b",
    "abc[::2]",
    "abc[1:5:2]",
    "abc[:-1]",
    "$['abc']",
    "$['a b']",
    "$['ぴーたー']",
    "$[1,2]",
    "$[1,2,3]",
    "$['a','b']",
    "$[1,'a']",
    "$[1,'a',2,'b']",
    "$[ 1, 'a' , 2 ,'b' ]",
    "$[?(@.x == 'abc')]",
    "$[?(1==1)]",
    "['a\\\\b']",
    "[:]",
    "[::]",
    "[1:2:]",
    "[01:02:02]",
    "[?@.x == 'abc']",
];

/// Paths ojg's own parser tests refuse, with its messages.
const OJG_REFUSES: &[(&str, &str)] = &[
    ("$[1,'a']  ", "parse error at 9 in $[1,'a']  "),
    ("abc.", "not terminated at 5 in abc."),
    ("abc.+", "an expression fragment can not start with a '+' at 6 in abc.+"),
    ("abc..+", "parse error at 6 in abc..+"),
    ("['\\z']", "0x7a (z) is not a valid escaped character"),
    ("['\\xx']", "0x78 (x) is not a valid hexadecimal character"),
    ("['\\x1", "0x31 (1) is not a valid escaped character"),
    ("['\\x", "0x78 (x) is not a valid escaped character"),
    ("['\\u0a", "0x61 (a) is not a valid escaped character"),
    ("[", "not terminated at 2 in ["),
    ("]", "parse error at 1 in ]"),
    ("[]", "parse error at 2 in []"),
    ("[**", "not terminated at 4 in [**"),
    ("['x'z]", "invalid bracket fragment at 6 in ['x'z]"),
    ("[(x)]", "scripts not implemented yet at 3 in [(x)]"),
    ("[-x]", "expected a number at 4 in [-x]"),
    ("[0x]", "invalid bracket fragment at 4 in [0x]"),
    ("[x]", "parse error at 2 in [x]"),
    ("[?(@.x == 1.2e", "expected a number at 15 in [?(@.x == 1.2e"),
    ("[?(@.x == 1e", "expected a number at 13 in [?(@.x == 1e"),
    ("[?(@.x == 1e+", "expected a number at 14 in [?(@.x == 1e+"),
    ("[-", "expected a number at 3 in [-"),
    ("[1", "expected a number at 3 in [1"),
    ("[1,", "not terminated at 4 in [1,"),
    ("[:", "not terminated at 3 in [:"),
    ("[::", "not terminated at 4 in [::"),
    ("[:-x", "expected a number at 5 in [:-x"),
    ("[1:-x", "expected a number at 6 in [1:-x"),
    ("[1::-x", "expected a number at 7 in [1::-x"),
    ("[1:2:", "not terminated at 6 in [1:2:"),
    ("[1:2:-x", "expected a number at 8 in [1:2:-x"),
    ("[2,3:", "invalid union syntax at 6 in [2,3:"),
    ("[2,3x", "invalid union syntax at 6 in [2,3x"),
    ("[2,-", "expected a number at 5 in [2,-"),
    ("[2,x", "invalid union syntax at 5 in [2,x"),
    ("[?", "not terminated at 3 in [?"),
    ("[?(", "not terminated at 4 in [?("),
    ("[?x", "expected a value at 3 in [?x"),
    ("[?(@.x == 3)", "not terminated at 13 in [?(@.x == 3)"),
    ("[?(!(@.x == -x)", "strconv.ParseInt: parsing \"-\": invalid syntax at 14 in [?(!(@.x == -x)"),
    ("[?(!(@.x == 1)]", "not terminated at 15 in [?(!(@.x == 1)]"),
    ("[?(- == 1)]", "strconv.ParseInt: parsing \"-\": invalid syntax at 5 in [?(- == 1)]"),
    ("[?(2 ++ 1)]", "'++' is not a valid operation at 8 in [?(2 ++ 1)]"),
    ("[?(2 + -)]", "strconv.ParseInt: parsing \"-\": invalid syntax at 9 in [?(2 + -)]"),
    ("[?(2 + 1 ++)]", "'++' is not a valid operation at 12 in [?(2 + 1 ++)]"),
    ("[?(@.x == trux)]", "expected true at 14 in [?(@.x == trux)]"),
    ("[?(@.x == fx)]", "expected false at 12 in [?(@.x == fx)]"),
    ("[?(@.x == nulx)]", "expected null at 14 in [?(@.x == nulx)]"),
    ("[?(@.x == x)]", "expected a value at 11 in [?(@.x == x)]"),
    ("[?(@.x -- x)]", "'--' is not a valid operation at 9 in [?(@.x -- x)]"),
    ("[?(@.x =", "equation not terminated at 9 in [?(@.x ="),
    ("[?(@.x in [1 2])]", "expected a comma at 15 in [?(@.x in [1 2])]"),
];

#[test]
fn json_path_parses_as_ojg_does() {
    let accepted: Vec<(String, &str)> = OJG_PARSES
        .iter()
        .map(|p| (format!("json_path(\"{{}}\", {p:?}) != null"), "true"))
        .collect();
    let refused: Vec<(String, String)> = OJG_REFUSES
        .iter()
        .map(|(p, e)| (format!("json_path(\"{{}}\", {p:?})"), format!("error: json_path: {e}")))
        .collect();
    let mut cases: Vec<(&str, &str)> = accepted.iter().map(|(e, w)| (e.as_str(), *w)).collect();
    cases.extend(refused.iter().map(|(e, w)| (e.as_str(), w.as_str())));
    table(&cases);
}
