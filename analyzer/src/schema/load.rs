//! Reading the checked-in schema files and attaching descriptions.

use std::collections::HashMap;
use std::fmt;

use super::model::{Body, Component};

pub(super) const GENERATED: &str = include_str!("../../schema/generated.json");
pub(super) const OVERLAY: &str = include_str!("../../schema/overlay.toml");
pub(super) const DESCRIPTIONS: &[(&str, &str)] = &[
    ("components.toml", include_str!("../../schema/descriptions/components.toml")),
    ("shared.toml", include_str!("../../schema/descriptions/shared.toml")),
    ("prometheus.toml", include_str!("../../schema/descriptions/prometheus.toml")),
    ("discovery.toml", include_str!("../../schema/descriptions/discovery.toml")),
    ("loki.toml", include_str!("../../schema/descriptions/loki.toml")),
    ("other.toml", include_str!("../../schema/descriptions/other.toml")),
];

/// Why the schema files do not fit together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    pub(super) fn new(file: &str, message: impl Into<String>) -> LoadError {
        LoadError { file: file.to_owned(), message: message.into() }
    }
}

pub(super) fn generated(text: &str) -> Result<Vec<Component>, LoadError> {
    serde_json::from_str(text).map_err(|e| LoadError::new("generated.json", e.to_string()))
}

/// Attaches every description to its item. A description whose path names
/// nothing is an error, so that none is left behind by a rename.
pub(super) fn describe(
    components: &mut [Component],
    files: &[(&str, &str)],
) -> Result<(), LoadError> {
    let mut table: HashMap<String, (String, &str, bool)> = HashMap::new();
    for (file, text) in files {
        let parsed: HashMap<String, String> =
            toml::from_str(text).map_err(|e| LoadError::new(file, e.to_string()))?;
        for (path, line) in parsed {
            if let Some((_, other, _)) = table.insert(path.clone(), (line, file, false)) {
                return Err(LoadError::new(file, format!("`{path}` is also described in {other}")));
            }
        }
    }
    // The first of the candidate paths that has a description.
    let mut lookup = |candidates: &[&str]| -> String {
        let key = candidates.iter().find(|key| table.contains_key(**key));
        match key.and_then(|key| table.get_mut(*key)) {
            Some((line, _, used)) => {
                *used = true;
                line.clone()
            }
            None => String::new(),
        }
    };
    for component in components.iter_mut() {
        component.description = lookup(&[&component.name]);
        for field in &mut component.exports {
            field.description = lookup(&[&format!("{}#{}", component.name, field.name)]);
        }
        describe_body(&mut component.body, &component.name, None, &mut lookup);
    }
    match table.iter().find(|(_, (_, _, used))| !used) {
        Some((path, (_, file, _))) => Err(LoadError::new(
            file,
            format!("`{path}` names no component, block, argument or export"),
        )),
        None => Ok(()),
    }
}

/// Looks each item up by its own path, then, inside a shared block, by the
/// shared path (`@tls-config:ca_file`, one description for every copy),
/// and for arguments last by `*:name`: the common arguments that mean the
/// same wherever they appear (`*:proxy_url`).
fn describe_body(
    body: &mut Body,
    path: &str,
    shared: Option<&str>,
    lookup: &mut impl FnMut(&[&str]) -> String,
) {
    for argument in &mut body.arguments {
        let own = format!("{path}:{}", argument.name);
        let alias = shared.map(|s| format!("{s}:{}", argument.name)).unwrap_or_default();
        argument.description = lookup(&[&own, &alias, &format!("*:{}", argument.name)]);
    }
    for block in &mut body.blocks {
        let own = format!("{path}/{}", block.name);
        let alias = match (&block.shared, shared) {
            (Some(name), _) => Some(format!("@{name}")),
            (None, Some(s)) => Some(format!("{s}/{}", block.name)),
            (None, None) => None,
        };
        block.description = lookup(&[&own, alias.as_deref().unwrap_or_default()]);
        describe_body(&mut block.body, &own, alias.as_deref(), lookup);
    }
}
