//! Data-driven lint tests: every `.river` file under `test_data/lint/RULE/`
//! is one test, with its findings in a snapshot beside it. A case must
//! report its folder's rule, unless its name starts with `ok_`, where it
//! must not. Every finding names a rule the linter runs. (`suppression/`
//! holds cases of ignore comments.)

use datatest_stable::Utf8Path;
use river_analyzer::lint::{lint_sources, rule, Check};
use river_syntax::LineIndex;

fn lint_case(path: &Utf8Path, text: String) -> datatest_stable::Result<()> {
    let findings = lint_sources(&[(path.file_name().unwrap(), &text)]);
    for f in &findings {
        let by_linter = rule(f.rule).is_some_and(|r| !matches!(r.check, Check::Runtime));
        assert!(by_linter, "{path}: `{}` is no rule the linter runs", f.rule);
    }
    let index = LineIndex::new(&text);
    let mut snapshot = String::new();
    for f in &findings {
        let lc = index.line_col(f.range.start());
        snapshot.push_str(&format!(
            "{}:{}: [{}] {}: {}\n",
            lc.line + 1,
            lc.col + 1,
            f.rule,
            f.severity.as_str(),
            f.message
        ));
        for help in &f.help {
            snapshot.push_str(&format!("    help: {help}\n"));
        }
        for related in &f.related {
            let lc = index.line_col(related.range.start());
            snapshot.push_str(&format!(
                "    {}:{}: {}\n",
                lc.line + 1,
                lc.col + 1,
                related.message
            ));
        }
        if let Some(fix) = &f.fix {
            snapshot.push_str(&format!(
                "    fix ({}): {}\n",
                if fix.safe { "safe" } else { "unsafe" },
                fix.title
            ));
        }
    }
    let dir = path.parent().expect("cases live in a rule's folder");
    let folder = dir.file_name().unwrap();
    if let Some(rule) = rule(folder) {
        let reported = findings.iter().any(|f| f.rule == rule.id);
        let ok = path.file_name().unwrap().starts_with("ok_");
        assert!(
            reported != ok,
            "{path}: `{folder}` {} expected:\n{snapshot}",
            if ok { "not" } else { "" }
        );
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(path);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(path.file_stem().unwrap(), snapshot));
    Ok(())
}

datatest_stable::harness! {
    { test = lint_case, root = "test_data/lint", pattern = r".*\.river$" },
}
