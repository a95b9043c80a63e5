//! Table tests of the standard library against the reference's behaviour:
//! how arguments convert, what `format` prints and case mapping (JSONPath
//! has its own file).

mod common;

use common::{formats, table};

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

/// Go's type names in error forms are those of the values `decodeAny`
/// hands `fmt.Sprintf`: `int`, `uint64`, `float64`, `string`, `bool`,
/// `[]interface {}`, `map[string]interface {}`, nil.
#[test]
fn format_names_the_go_types() {
    formats(&[
        (r#""%d", "hi""#, "%!d(string=hi)"),
        (r#""%s", 1"#, "%!s(int=1)"),
        (r#""%d", 1.5"#, "%!d(float64=1.5)"),
        (r#""%s", null"#, "%!s(<nil>)"),
        (r#""%v", null"#, "<nil>"),
        (r#""%t", 1"#, "%!t(int=1)"),
        (r#""%s", true"#, "%!s(bool=true)"),
        (r#""%o", 1.5"#, "%!o(float64=1.5)"),
        (r#""%d", 18446744073709551615"#, "18446744073709551615"),
        (
            r#""%T %T %T %T %T %T %T", 1, 18446744073709551615, 1.5, "s", true, [1], {a = 1}"#,
            "int uint64 float64 string bool []interface {} map[string]interface {}",
        ),
        (r#""%T|%5T|%T", null, 1, to_upper"#, "<nil>|  int|func(string) string"),
        (
            r#""%T %T", concat, json_path"#,
            "value.RawFunction func(string, string) (interface {}, error)",
        ),
        (r#""%s", "a", 1"#, "a%!(EXTRA int=1)"),
        (r#""%s", "a", 1, "b", null, 2.5"#, "a%!(EXTRA int=1, string=b, <nil>, float64=2.5)"),
        (r#""%d %d", 1"#, "1 %!d(MISSING)"),
        (r#""%z|%5z", 1, 2"#, "%!z(int=1)|%!z(int=    2)"),
        (r#""%""#, "%!(NOVERB)"),
        (r#""%-5""#, "%!(NOVERB)"),
        (r#""%.", 3"#, "%!.(int=3)"),
        (r#""%99999999999d", 1"#, "%!(NOVERB)%!(EXTRA int=1)"),
        (r#""100%% %5%""#, "100% %"),
    ]);
}

/// `*` widths and precisions and `%[n]` argument indexes.
#[test]
fn format_reads_go_directives() {
    formats(&[
        (r#""%*d|%-*d|%*d|", 4, 1, 4, 2, -4, 3"#, "   1|2   |3   |"),
        (r#""%*d", "x", 1"#, "%!(BADWIDTH)1"),
        (r#""%.*f", -1, 1.5"#, "%!(BADPREC)1.500000"),
        (r#""%.*d", 3, 7"#, "007"),
        (r#""%[2]d %[1]d", 1, 2"#, "2 1"),
        (r#""%[3]d", 1"#, "%!d(BADINDEX)"),
        (r#""%[1]d", 1, 2"#, "1"),
        (r#""%d %d %#[1]o %#o", 8, 9"#, "8 9 010 011"),
        (r#""%[2]*[1]d", 2, 5"#, "    2"),
        (r#""%[1]2d", 1"#, "%!d(BADINDEX)"),
    ]);
}

/// Integers as Go prints them, also as characters.
#[test]
fn format_integers_and_runes() {
    formats(&[
        (r#""%q|%U|%#U|%c", 65, 65, 65, 65"#, "'A'|U+0041|U+0041 'A'|A"),
        (r#""%c|%c|%q", -1, 1114112, 10"#, "\u{FFFD}|\u{FFFD}|'\\n'"),
        (r#""%+q|%q|%#U|%U", 233, 39, 10, -1"#, "'\\u00e9'|'\\''|U+000A|U+FFFFFFFFFFFFFFFF"),
        (r#""%.3d|%5d|%-5d|%05d", 7, 42, 42, -42"#, "007|   42|42   |-0042"),
        (r#""%+d|% d|%+05d", 5, 5, 42"#, "+5| 5|+0042"),
        (r#""%x|%#x|%X|%#X", -255, -255, 255, 255"#, "-ff|-0xff|FF|0XFF"),
        (r#""%o|%#o|%O|%b|%#b|%08b", 8, 8, 8, 5, 5, 5"#, "10|010|0o10|101|0b101|00000101"),
        (r#""%#08x|%.0d|%5.0d|", 255, 0, 0"#, "0x000000ff||     |"),
        (
            r#""%#v|%#v|%v", 18446744073709551615, -1, 9223372036854775807"#,
            "0xffffffffffffffff|-1|9223372036854775807",
        ),
    ]);
}

/// Floats with Go's `strconv` layouts.
#[test]
fn format_floats() {
    formats(&[
        (r#""%v|%v|%v|%v", 1.5, 100000000.0, 0.0001, 0.00001"#, "1.5|1e+08|0.0001|1e-05"),
        (r#""%v|%v|%#v", 1e21, -0.0, 1.0"#, "1e+21|-0|1"),
        (r#""%e|%E|%.2e", 1234.5678, 0.000012, 12345.678"#, "1.234568e+03|1.200000E-05|1.23e+04"),
        (
            r#""%e|%g|%g|%g", 0.0, 100000.0, 1000000.0, 0.000012"#,
            "0.000000e+00|100000|1e+06|1.2e-05",
        ),
        (r#""%G|%.3g|%.10g|%.3v", 0.0000001, 1234.0, 0.1, 3.14159"#, "1E-07|1.23e+03|0.1|3.14"),
        (
            r#""%f|%.1f|%.2f|%.0f|%.0f", 1e21, 0.25, 2.675, 2.5, 3.5"#,
            "1000000000000000000000.000000|0.2|2.67|2|4",
        ),
        (
            r#""%5.1f|%-8.3f|%08.3f|%+.2f", 3.14159, 2.5, -3.14159, 1.0"#,
            "  3.1|2.500   |-003.142|+1.00",
        ),
        (
            r#""%b|%x|%X|%.3x", 1.5, 1.5, -1.0, 1.0"#,
            "6755399441055744p-52|0x1.8p+00|-0X1P+00|0x1.000p+00",
        ),
        (r#""%#g|%#.0f|%#.4g|%#.0e", 1.0, 1.0, 0.012, 123.0"#, "1.00000|1.|0.01200|1.e+02"),
        (
            r#""%v|%v|%5.1f|%+f|%05f", 1.0/0, -1.0/0, 0.0/0, 0.0/0, 1.0/0"#,
            "+Inf|-Inf|  NaN|+NaN| +Inf",
        ),
        (r#""%06v|%06v", 10.0, -10.0"#, "000010|-00010"),
    ]);
}

/// Strings: precision counts characters, `%x` shows bytes, `%q` quotes
/// as Go does.
#[test]
fn format_strings() {
    formats(&[
        (r#""%.2s|%6.2v|%06s|%-06s|", "hello", "hello", "ab", "ab""#, "he|    he|0000ab|ab    |"),
        (r#""%.2s|%5s|", "日本語", "é""#, "日本|    é|"),
        (
            r#""%x|% x|%#X|%.1x|%# x", "hi", "hi", "hi", "hi", "hi""#,
            "6869|68 69|0X6869|68|0x68 0x69",
        ),
        (r#""%q|%#q|%+q|%#q", "a\"b", "ab", "é", "a`b""#, "\"a\\\"b\"|`ab`|\"\\u00e9\"|\"a`b\""),
        (r#""%q|%q", "\u00ad", "é\t\u0007""#, "\"\\u00ad\"|\"é\\t\\a\""),
        (r#""%t|%v|%6t|", true, false, true"#, "true|false|  true|"),
    ]);
}

/// Lists and objects: the verb applies to each element (and key), nil
/// elements print `<nil>`, keys print sorted.
#[test]
fn format_lists_and_objects() {
    formats(&[
        (r#""%d|%q|%s", [1, 2], ["a", "b"], [1, "a"]"#, "[1 2]|[\"a\" \"b\"]|[%!s(int=1) a]"),
        (r#""%v", [1, "a", null, 2.5, true, [3]]"#, "[1 a <nil> 2.5 true [3]]"),
        (r#""%d|%5v|%x", [null], [1, 22], ["hi", 255]"#, "[<nil>]|[    1    22]|[6869 ff]"),
        (r#""%+v|%+d", [1, -2], [1, -2]"#, "[1 -2]|[+1 -2]"),
        (
            r#""%v|%d|%v|%v", {b = 2, a = 1}, {a = 1}, [], {}"#,
            "map[a:1 b:2]|map[%!d(string=a):1]|[]|map[]",
        ),
        (r#""%#v", [1, "a", null]"#, "[]interface {}{1, \"a\", interface {}(nil)}"),
        (
            r#""%#v|%#v", {b = "x", a = 1}, []"#,
            "map[string]interface {}{\"a\":1, \"b\":\"x\"}|[]interface {}{}",
        ),
        (r#""%03.6v", [1, 2.0, "x"]"#, "[000001 002 00x]"),
        (r#""%03.0v", [0, 2.0, "x"]"#, "[    002 000]"),
    ]);
}
