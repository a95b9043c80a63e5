//! `--fix` and `--diff`: apply the findings' fixes, then lint again, until
//! nothing more can be fixed (at most a few rounds).

use std::io::Write;

use river_analyzer::db::File;
use river_analyzer::lint::{Edit, Finding};
use salsa::Setter;

use super::{LintArgs, LintConfig};
use river_analyzer::lint::settings::Settings;

const ROUNDS: usize = 8;

pub fn apply(
    configs: &mut [LintConfig],
    args: &LintArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> Result<(), String> {
    for config in configs.iter_mut() {
        let original: Vec<String> = config.sources.iter().map(|s| s.text.clone()).collect();
        for _ in 0..ROUNDS {
            if !round(config, args, settings) {
                break;
            }
        }
        for (i, source) in config.sources.iter().enumerate() {
            if source.text == original[i] {
                continue;
            }
            if args.diff {
                let diff = crate::rewrite::unified_diff(&source.path, &original[i], &source.text);
                out.write_all(diff.as_bytes()).map_err(|e| e.to_string())?;
            } else if let Some(path) = &source.file {
                crate::rewrite::write_atomically(path, &source.text)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            } else {
                out.write_all(source.text.as_bytes()).map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

/// Applies one round of fixes; `true` if anything changed.
fn round(config: &mut LintConfig, args: &LintArgs, settings: &Settings) -> bool {
    let findings = settings.apply(config.findings());
    let files: Vec<File> = config.config.files(&config.db).clone();
    let mut changed = false;
    for (i, file) in files.iter().enumerate() {
        let name = config.sources[i].path.clone();
        let edits = chosen_edits(&findings, &name, args.unsafe_fixes);
        if edits.is_empty() {
            continue;
        }
        let text = apply_edits(&config.sources[i].text, &edits);
        if text != config.sources[i].text {
            config.sources[i].text = text.clone();
            file.set_text(&mut config.db).to(text);
            changed = true;
        }
    }
    changed
}

/// The edits of the chosen fixes for one file, in order, none overlapping
/// another (a later overlapping fix waits for the next round).
fn chosen_edits(findings: &[Finding], file: &str, unsafe_fixes: bool) -> Vec<Edit> {
    let mut edits: Vec<Edit> = Vec::new();
    let fixes = findings
        .iter()
        .filter(|f| f.file == file)
        .filter_map(|f| f.fix.as_ref())
        .filter(|fix| fix.safe || unsafe_fixes);
    for fix in fixes {
        let clashes = fix.edits.iter().any(|e| edits.iter().any(|o| overlaps(e, o)));
        if !clashes {
            edits.extend(fix.edits.iter().cloned());
        }
    }
    edits.sort_by_key(|e| (e.range.start(), e.range.end()));
    edits
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    a.range.start() < b.range.end() && b.range.start() < a.range.end()
        || a.range.start() == b.range.start()
}

fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        let (start, end) = (usize::from(edit.range.start()), usize::from(edit.range.end()));
        out.push_str(&text[at..start]);
        out.push_str(&edit.text);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}
