//! `flowlint.toml`: severities per rule, read by `flowlint` and the
//! language server alike.
//!
//! ```toml
//! [rules]
//! unused-component = "off"      # off, info, warning or error
//! deprecated = "error"
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::finding::Finding;
use super::rule::Check;
use super::rules::{rule, RULES};
use river_syntax::Severity;

/// The severity of each rule the settings change; `None` turns it off.
#[derive(Debug, Default)]
pub struct Settings {
    rules: HashMap<String, Option<Severity>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: HashMap<String, String>,
}

/// The settings from `path`, or from the nearest `flowlint.toml` above the
/// current directory, or none.
pub fn load(path: Option<&Path>) -> Result<Settings, String> {
    load_from(path, &std::env::current_dir().unwrap_or_default())
}

/// As `load`, searching upwards from `dir` for `flowlint.toml`.
pub fn load_from(path: Option<&Path>, dir: &Path) -> Result<Settings, String> {
    let path = match path {
        Some(path) => Some(path.to_path_buf()),
        None => nearest(dir),
    };
    let Some(path) = path else { return Ok(Settings::default()) };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn nearest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join("flowlint.toml")).find(|p| p.is_file())
}

pub fn parse(text: &str) -> Result<Settings, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut settings = Settings::default();
    for (id, level) in file.rules {
        match rule(&id) {
            None => {
                let hint = crate::schema::closest(&id, RULES.iter().map(|r| r.id))
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                return Err(format!("unknown rule `{id}`{hint}"));
            }
            // `flow run` reports it and reads no settings: a level would
            // change nothing.
            Some(r) if matches!(r.check, Check::Runtime) => {
                return Err(format!("`{id}` is reported by `flow run`, not by the linter"));
            }
            Some(_) => {}
        }
        let severity = match level.as_str() {
            "off" => None,
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            other => {
                return Err(format!(
                    "`{id}`: unknown level `{other}` (off, info, warning or error)"
                ))
            }
        };
        settings.rules.insert(id, severity);
    }
    Ok(settings)
}

impl Settings {
    /// The findings with their configured severities; rules turned off drop out.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| match self.rules.get(f.rule) {
                Some(None) => None,
                Some(Some(severity)) => {
                    f.severity = *severity;
                    Some(f)
                }
                None => Some(f),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn levels_are_read_and_unknown_or_runtime_rules_refused() {
        let settings = parse("[rules]\nunused-component = \"off\"\n").unwrap();
        assert_eq!(settings.rules.get("unused-component"), Some(&None));
        let unknown = parse("[rules]\nunused-componnt = \"off\"\n").unwrap_err();
        assert!(unknown.contains("did you mean `unused-component`?"), "{unknown}");
        let runtime = parse("[rules]\nnot-runnable = \"off\"\n").unwrap_err();
        assert!(runtime.contains("reported by `flow run`"), "{runtime}");
    }
}
