//! Table tests of the standard library against the reference's behaviour:
//! how arguments convert, what `format` prints, case mapping and JSONPath.

mod common;

use common::table;

/// Arguments decode into the Go parameter types as the reference's
/// `value.Decode` does: a number where a string is wanted becomes its text
/// (`strconv.FormatFloat(f, 'f', -1, 64)` for floats), null becomes the
/// zero value, and anything else is an error naming the argument.
#[test]
fn arguments_convert_as_the_reference_decodes_them() {
    table(&[
        ("to_upper(1)", r#""1""#),
        ("to_upper(-3)", r#""-3""#),
        ("to_upper(1.5)", r#""1.5""#),
        ("to_upper(1e21)", r#""1000000000000000000000""#),
        ("to_upper(0.0000001)", r#""0.0000001""#),
        ("to_upper(123456789012345680000.0)", r#""123456789012345680000""#),
        ("to_upper(18446744073709551615)", r#""18446744073709551615""#),
        ("to_upper(null)", r#""""#),
        ("to_upper(true)", "error: to_upper: argument 1: expected string, got bool"),
        ("to_upper([1])", "error: to_upper: argument 1: expected string, got array"),
        ("to_upper({})", "error: to_upper: argument 1: expected string, got object"),
        ("to_upper(to_upper)", "error: to_upper: argument 1: expected string, got function"),
        ("to_upper(1, 2)", "error: to_upper: expected 1 argument, got 2"),
        (r#"join([1, 2.5, null, "x"], "-")"#, r#""1-2.5--x""#),
        (r#"join(null, ",")"#, r#""""#),
        (r#"join(["a", "b"], 0)"#, r#""a0b""#),
        (r#"join("ab", ",")"#, "error: join: argument 1: expected array, got string"),
        (r#"join([true], ",")"#, "error: join: argument 1: element 0: expected string, got bool"),
        (r#"join(["a"], [","])"#, "error: join: argument 2: expected string, got array"),
        ("split(123, 2)", r#"["1", "3"]"#),
        (r#"split(null, ",")"#, r#"[""]"#),
        ("replace(1000, 0, 9)", r#""1999""#),
        (r#"trim(null, " ")"#, r#""""#),
        ("trim_prefix(12345, 12)", r#""345""#),
        ("trim_suffix(1.25, 5)", r#""1.2""#),
        ("trim_space(42)", r#""42""#),
        ("env(null)", r#""""#),
        ("env(false)", "error: env: argument 1: expected string, got bool"),
        ("format(42)", r#""42""#),
        ("format(null)", r#""""#),
        ("format(true)", "error: format: argument 1: expected string, got bool"),
        ("format()", "error: format: expected at least 1 argument, got 0"),
        ("json_decode(12)", "12"),
        ("json_decode([])", "error: json_decode: argument 1: expected string, got array"),
        (r#"json_path(1, "$")"#, "[1]"),
        ("nonsensitive(null)", r#""""#),
        ("nonsensitive(1)", "error: nonsensitive: argument 1: expected secret, got number"),
        ("nonsensitive(true)", "error: nonsensitive: argument 1: expected secret, got bool"),
        ("concat([1], null)", "error: concat: argument 2: expected array, got null"),
        (r#"coalesce(0, 0.0, false, "", [], {}, null, 3)"#, "3"),
        ("coalesce(null)", "null"),
        ("coalesce()", "null"),
        ("coalesce(0, false)", "false"),
    ]);
}

/// `to_upper` and `to_lower` map rune by rune with Go's simple mappings:
/// no expansion into several letters and no context.
#[test]
fn case_mapping_is_gos() {
    table(&[
        (r#"to_upper("straße")"#, r#""STRAßE""#),
        (r#"to_upper("ﬁx ŉ ǰ")"#, r#""ﬁX ŉ ǰ""#),
        (r#"to_upper("ǅ ǆ")"#, r#""Ǆ Ǆ""#),
        (r#"to_lower("ǅ Ǆ")"#, r#""ǆ ǆ""#),
        (r#"to_lower("İ")"#, r#""i""#),
        (r#"to_lower("ΟΔΟΣ Σ")"#, r#""οδοσ σ""#),
        (r#"to_upper("ᾀ ᾳ ᾈ ᾼ")"#, r#""ᾈ ᾼ ᾈ ᾼ""#),
        (r#"to_lower("ᾈ ᾼ")"#, r#""ᾀ ᾳ""#),
        (r#"to_upper("ı ſ ẞ")"#, r#""I S ẞ""#),
        (r#"to_lower("ẞ K Å")"#, r#""ß k å""#),
        (r#"to_upper("ɤ ƛ")"#, r#""ɤ ƛ""#),
        (r#"to_upper("héllo wörld")"#, r#""HÉLLO WÖRLD""#),
    ]);
}
