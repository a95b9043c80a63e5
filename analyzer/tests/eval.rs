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
fn format_follows_go() {
    table(&[
        ("format(\"%s is %d years\", \"Ann\", 42)", "\"Ann is 42 years\""),
        ("format(\"%5d|%-5d|%05d\", 42, 42, 42)", "\"   42|42   |00042\""),
        ("format(\"%.2f %e %g\", 3.14159, 1234.5678, 0.000012)", "\"3.14 1.234568e+03 1.2e-05\""),
        ("format(\"%v %v %v\", 1.5, 1000000.0, 100000.0)", "\"1.5 1e+06 100000\""),
        ("format(\"%x %X %o %b %#x\", 255, 255, 8, 5, 255)", "\"ff FF 10 101 0xff\""),
        ("format(\"%q %t %c\", \"hi\", true, 65)", "\"\\\"hi\\\" true A\""),
        ("format(\"%+d % d\", 5, 5)", "\"+5  5\""),
        ("format(\"%v %v\", [1, \"a\"], {b = 2, a = 1})", "\"[1 a] map[a:1 b:2]\""),
        ("format(\"%.3s|%8.3f\", \"abcdef\", 3.14159)", "\"abc|   3.142\""),
        ("format(\"%d\", \"hi\")", "\"%!d(string=hi)\""),
        ("format(\"%s %s\", \"a\")", "\"a %!s(MISSING)\""),
        ("format(\"%s\", \"a\", 1)", "\"a%!(EXTRA int64=1)\""),
        ("format(\"100%%\")", "\"100%\""),
        ("format(\"%v\", null)", "\"<nil>\""),
        ("format(\"%99999999999d\", 1)", "\"%!(BADWIDTH)1\""),
        ("format(\"%.99999999999f\", 1.5)", "\"%!(BADPREC)1.500000\""),
    ]);
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
