//! Table tests of the evaluator: every operator, the number kinds, field
//! access and indexing, and the standard library, errors included.

mod common;

use common::{run, table};

#[test]
fn numbers_keep_their_kind() {
    table(&[
        ("10 / 4", "2"),
        ("10.0 / 4", "2.5"),
        ("7 % 3", "1"),
        ("7.5 % 2", "1.5"),
        ("2 ^ 10", "1024"),
        ("2 ^ 3 ^ 2", "512"),
        ("2.0 ^ 0.5 > 1.41", "true"),
        ("-5 + 3", "-2"),
        ("18446744073709551615", "18446744073709551615"),
        ("9223372036854775807 + 1", "-9223372036854775808"),
        ("010", "8"),
        ("09", "9"),
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("1 / 0", "error: division by zero"),
        ("1.0 / 0", "+Inf"),
    ]);
}

#[test]
fn comparisons_and_logic() {
    table(&[
        ("1 == 1.0", "true"),
        ("\"a\" != \"b\"", "true"),
        ("[1, 2] == [1, 2]", "true"),
        ("{a = 1} == {a = 1}", "true"),
        ("1 == \"1\"", "false"),
        ("null == null", "true"),
        ("1 < 2 && 2 <= 2", "true"),
        ("\"abc\" < \"abd\"", "true"),
        ("true || false", "true"),
        ("!true", "false"),
        (
            "1 < \"a\"",
            "error: < needs the same type on both sides: number on the left, string on the right",
        ),
        ("true + 1", "error: + needs number or string, got bool"),
        ("1 && true", "error: && needs bool, got number"),
        ("!1", "error: ! needs a bool, got number"),
        ("-\"a\"", "error: - needs a number, got string"),
    ]);
}

#[test]
fn strings_arrays_objects() {
    table(&[
        ("\"a\" + \"b\"", "\"ab\""),
        ("`raw\\n`", "\"raw\\\\n\""),
        ("[1, \"two\", [3]]", "[1, \"two\", [3]]"),
        ("{a = 1, \"b c\" = 2}", "{a = 1, \"b c\" = 2}"),
        ("{a = {b = 5}}.a.b", "5"),
        ("{a = 1}.b", "error: field \"b\" does not exist"),
        ("{a = 1}[\"b\"]", "null"),
        ("[10, 20][1]", "20"),
        ("[10, 20][2]", "error: index 2 is out of range for an array of 2"),
        ("[10][\"x\"]", "error: an array index must be a number, got string"),
        ("1.a", "syntax error: expected end of expression, got IDENT"),
        ("(1).a", "error: cannot access field \"a\" of a number"),
        ("nope", "error: identifier \"nope\" does not exist"),
        ("1(2)", "error: cannot call a number: only functions can be called"),
    ]);
}

#[test]
fn standard_library() {
    std::env::set_var("RIVER_TEST_VALUE", "from the environment");
    table(&[
        ("concat([1], [2, 3], [])", "[1, 2, 3]"),
        ("coalesce(\"\", null, \"x\")", "\"x\""),
        ("coalesce(\"\", [])", "[]"),
        ("env(\"RIVER_TEST_VALUE\")", "\"from the environment\""),
        ("env(\"RIVER_TEST_NOT_SET\")", "\"\""),
        ("join([\"a\", \"b\"], \"-\")", "\"a-b\""),
        ("split(\"a,b,c\", \",\")", "[\"a\", \"b\", \"c\"]"),
        ("split(\"ab\", \"\")", "[\"a\", \"b\"]"),
        ("replace(\"aaa\", \"a\", \"b\")", "\"bbb\""),
        ("to_lower(\"ABC\")", "\"abc\""),
        ("to_upper(\"abc\")", "\"ABC\""),
        ("trim(\"  x!! \", \" !\")", "\"x\""),
        ("trim_prefix(\"prefix-x\", \"prefix-\")", "\"x\""),
        ("trim_suffix(\"x.river\", \".river\")", "\"x\""),
        ("trim_space(\"\\t x \\n\")", "\"x\""),
        ("json_decode(\"{\\\"a\\\": [1, 2.5, null, true]}\")", "{a = [1, 2.5, null, true]}"),
        ("json_decode(\"10\") / 4", "2.5"),
        (
            "json_decode(\"{\")",
            "error: json_decode: invalid JSON: EOF while parsing an object at line 1 column 1",
        ),
        ("constants.os", "\"linux\""),
        ("nonsensitive(\"x\")", "\"x\""),
        ("to_upper(true)", "error: to_upper: argument 1: expected string, got bool"),
        ("to_upper()", "error: to_upper: expected 1 argument, got 0"),
    ]);
    assert_eq!(
        run("constants.arch"),
        if cfg!(target_arch = "x86_64") { "\"amd64\"" } else { run("constants.arch").leak() }
    );
}

#[test]
fn json_path_as_the_docs_show() {
    table(&[
        (r#"json_path("{\"key\": \"value\"}", ".key")"#, r#"["value"]"#),
        (
            r#"json_path("[{\"name\": \"Department\",\"value\": \"IT\"},{\"name\":\"TestStatus\",\"value\":\"Pending\"}]", "[?(@.name == \"Department\")].value")"#,
            r#"["IT"]"#,
        ),
        (r#"json_path("{\"key\": \"value\"}", ".nonexists")"#, "[]"),
        (r#"json_path("{\"key\": \"value\"}", ".key")[0]"#, r#""value""#),
        (r#"json_path("{\"a\": [1, 2]}", "$.a[*]")"#, "[1, 2]"),
    ]);
}
