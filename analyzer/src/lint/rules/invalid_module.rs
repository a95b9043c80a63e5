//! `invalid-module`: a module that `import.file` or `import.string` brings in has errors.

use river_syntax::ast::AstNode;
use river_syntax::{ColumnUnit, LineIndex, Severity, TextRange};

use crate::lint::context::ItemCx;
use crate::lint::finding::Finding;
use crate::lint::module::{module_errors, module_sources, ModuleSource};
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "invalid-module",
    severity: Severity::Error,
    summary: "A module that `import.file` or `import.string` brings in has errors.",
    explanation: "The agent reads an imported module when it loads the config, and refuses the config when the module does not parse or a `declare` body in it has a mistake (an undefined reference, an unknown argument, a wrong type). The import is reported once: the message counts the module's errors and shows the first, and each is a related place in the module file. Fix them in the module; `flowlint` on the module file shows them all. Modules that `import.git` and `import.http` fetch are not read before they run.",
    invalid: r#"import.string "math" {
	content = "declare \"add\" {\n\targument \"a\" { }\n\n\texport \"sum\" {\n\t\tvalue = argument.b.value\n\t}\n}\n"
}
"#,
    valid: r#"import.string "math" {
	content = "declare \"add\" {\n\targument \"a\" { }\n\n\texport \"sum\" {\n\t\tvalue = argument.a.value\n\t}\n}\n"
}
"#,
    fix: FixKind::None,
    check: Check::Item(check),
};

/// The errors of every source of the module an import reads, as one
/// finding at the import. Only the config's own imports are read
/// (`cx.dir`): those of a module being checked are its own linting's
/// business, and following them could go in a circle.
fn check(cx: &ItemCx, report: &mut Report) {
    let Some(dir) = cx.dir else { return };
    let Some(sources) = module_sources(&cx.name, cx.block, Some(dir)) else { return };
    let errors: Vec<(&ModuleSource, Finding)> =
        sources.iter().flat_map(|s| module_errors(s).into_iter().map(move |f| (s, f))).collect();
    let Some((source, first)) = errors.first() else { return };
    let count = errors.len();
    let s = if count == 1 { "" } else { "s" };
    let end = cx.block.label().map_or(cx.name_range, |l| l.syntax().text_range());
    let range = TextRange::new(cx.name_range.start(), end.end());
    let message =
        format!("the imported module has {count} error{s}: {}", place(dir, source, first));
    let mut finding = report.at(range, message);
    for (source, error) in &errors {
        match &source.path {
            Some(path) => {
                let message = format!("{} ({})", error.message, error.rule);
                finding.related(&path.display().to_string(), error.range, message);
            }
            // A place inside a string cannot be shown in the file.
            None if error != first => {
                finding.help(place(dir, source, error));
            }
            None => {}
        }
    }
}

/// An error as `lib.river:3:5: message` (`content:3:5: ...` in an
/// `import.string`), with the path from the importing file's directory.
fn place(dir: &std::path::Path, source: &ModuleSource, error: &Finding) -> String {
    let lc = LineIndex::new(&source.text).line_col_in(error.range.start(), ColumnUnit::Char);
    let name = match &source.path {
        Some(path) => path.strip_prefix(dir).unwrap_or(path).display().to_string(),
        None => "content".to_owned(),
    };
    format!("{name}:{}:{}: {}", lc.line + 1, lc.col + 1, error.message)
}
