//! The reference formatter's own cases: each `NAME.in` formats to
//! `NAME.expect` byte for byte (trailing blank lines aside, as the reference
//! compares them), formatting the result again changes nothing, and each
//! `NAME.error` input is refused with a syntax error.

use datatest_stable::Utf8Path;

fn printer_case(path: &Utf8Path, input: String) -> datatest_stable::Result<()> {
    let error_file = path.with_extension("error");
    if error_file.exists() {
        return match river_fmt::format(&input) {
            Err(errors) if !errors.is_empty() => Ok(()),
            other => Err(format!("{path} should be refused, got {other:?}").into()),
        };
    }
    let expect = std::fs::read_to_string(path.with_extension("expect"))?;
    let got = river_fmt::format(&input).map_err(|e| format!("{path}: {e:?}"))?;
    if got.trim_end_matches('\n') != expect.trim_end_matches('\n') {
        return Err(format!("{path}: differs\n--- want\n{expect}\n--- got\n{got}").into());
    }
    let again =
        river_fmt::format(&got).map_err(|e| format!("{path}: output does not parse: {e:?}"))?;
    if again != got {
        return Err(format!("{path}: formatting twice changes it\n{again}").into());
    }
    Ok(())
}

datatest_stable::harness! {
    { test = printer_case, root = "test_data/printer", pattern = r"\.in$" },
}
