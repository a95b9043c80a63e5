//! The report formats: human (ariadne), JSON, SARIF 2.1.0, GitHub
//! workflow commands. Lines and columns are 1-based; columns count
//! characters.

use std::collections::HashMap;
use std::io::Write;

use river_analyzer::lint::{Finding, RULES};
use river_syntax::{ColumnUnit, LineIndex, Severity, TextRange};
use serde_json::{json, Value};

use super::LintConfig;
use crate::render;

type Found = (usize, Finding);

/// 1-based line and character column of both ends of a range.
struct Place {
    start: (u32, u32),
    end: (u32, u32),
}

/// Line indexes, built once per file.
struct Places<'a> {
    configs: &'a [LintConfig],
    indexes: HashMap<(usize, String), LineIndex>,
}

impl<'a> Places<'a> {
    fn new(configs: &'a [LintConfig]) -> Places<'a> {
        Places { configs, indexes: HashMap::new() }
    }

    fn of(&mut self, config: usize, file: &str, range: TextRange) -> Place {
        let configs = self.configs;
        let index = self.indexes.entry((config, file.to_owned())).or_insert_with(|| {
            LineIndex::new(configs[config].source(file).map_or("", |s| s.text.as_str()))
        });
        let at = |offset| {
            let lc = index.line_col_in(offset, ColumnUnit::Char);
            (lc.line + 1, lc.col + 1)
        };
        Place { start: at(range.start()), end: at(range.end()) }
    }
}

pub fn human(
    out: &mut impl Write,
    configs: &[LintConfig],
    found: &[Found],
    style: render::Style,
) -> std::io::Result<()> {
    // Findings come config by config; each run of one config is rendered
    // together, so its files' bounds count all their findings.
    for run in found.chunk_by(|a, b| a.0 == b.0) {
        let findings: Vec<Finding> = run.iter().map(|(_, f)| f.clone()).collect();
        render::write_findings(out, &configs[run[0].0].sources, &findings, style)?;
    }
    let errors = found.iter().filter(|(_, f)| f.severity == Severity::Error).count();
    let warnings = found.iter().filter(|(_, f)| f.severity == Severity::Warning).count();
    let files: usize = configs.iter().map(|c| c.sources.len()).sum();
    if found.is_empty() {
        writeln!(out, "checked {files} file{}: no problems found", plural(files))?;
    } else {
        writeln!(out, "{errors} error{}, {warnings} warning{}", plural(errors), plural(warnings))?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn json(out: &mut impl Write, configs: &[LintConfig], found: &[Found]) -> std::io::Result<()> {
    let mut places = Places::new(configs);
    let items: Vec<Value> = found
        .iter()
        .map(|(config, f)| {
            let place = places.of(*config, &f.file, f.range);
            let related: Vec<Value> = f
                .related
                .iter()
                .map(|r| {
                    let p = places.of(*config, &r.file, r.range);
                    json!({"file": r.file, "message": r.message, "line": p.start.0, "column": p.start.1})
                })
                .collect();
            json!({
                "file": f.file,
                "rule": f.rule,
                "severity": f.severity.as_str(),
                "message": f.message,
                "line": place.start.0,
                "column": place.start.1,
                "end_line": place.end.0,
                "end_column": place.end.1,
                "help": f.help,
                "related": related,
                "fix": f.fix.as_ref().map(|x| json!({"title": x.title, "safe": x.safe})),
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

pub fn github(
    out: &mut impl Write,
    configs: &[LintConfig],
    found: &[Found],
) -> std::io::Result<()> {
    let mut places = Places::new(configs);
    for (config, f) in found {
        let p = places.of(*config, &f.file, f.range);
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&f.file),
            p.start.0,
            p.start.1,
            p.end.0,
            p.end.1,
            f.rule,
            escape_data(&f.message)
        )?;
    }
    Ok(())
}

/// GitHub's escaping for a command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// GitHub's escaping for a command's property values.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn sarif(out: &mut impl Write, configs: &[LintConfig], found: &[Found]) -> std::io::Result<()> {
    let mut places = Places::new(configs);
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.explanation},
                "defaultConfiguration": {"level": level(r.severity)},
                // The docs have no public address: the help is the text itself.
                "help": {"text": r.explanation},
            })
        })
        .collect();
    let location = |places: &mut Places,
                    config: usize,
                    file: &str,
                    range: TextRange,
                    message: Option<&str>| {
        let p = places.of(config, file, range);
        let mut loc = json!({"physicalLocation": {
            "artifactLocation": {"uri": file},
            "region": {"startLine": p.start.0, "startColumn": p.start.1, "endLine": p.end.0, "endColumn": p.end.1},
        }});
        if let Some(text) = message {
            loc["message"] = json!({"text": text});
        }
        loc
    };
    let results: Vec<Value> = found
        .iter()
        .map(|(config, f)| {
            let index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let related: Vec<Value> = f
                .related
                .iter()
                .map(|r| location(&mut places, *config, &r.file, r.range, Some(&r.message)))
                .collect();
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [location(&mut places, *config, &f.file, f.range, None)],
            });
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "flowlint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
