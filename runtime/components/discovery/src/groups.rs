//! Target groups as Prometheus's file and HTTP discoveries read them:
//! `[{"targets": ["host:port", ...], "labels": {"name": "value"}}]`, each
//! target becoming a label set with `__address__`, the group's labels and
//! the discovery's own `__meta_*` labels.

use river_runtime::labels::Labels;

/// A target group: its addresses and the labels they share.
pub(crate) type Group = (Vec<String>, Vec<(String, String)>);

/// Why a document is not a list of target groups, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum GroupError {
    #[error("expected a list of target groups")]
    NotAList,
    /// The group at this index (from 0) is wrong.
    #[error("target group {0}: {1}")]
    Group(usize, &'static str),
}

/// The groups of a JSON document; anything but a list of objects is an
/// error, as in Prometheus.
pub(crate) fn from_json(value: &serde_json::Value) -> Result<Vec<Group>, GroupError> {
    let items = value.as_array().ok_or(GroupError::NotAList)?;
    items
        .iter()
        .enumerate()
        .map(|(i, group)| one(group).map_err(|why| GroupError::Group(i, why)))
        .collect()
}

fn one(group: &serde_json::Value) -> Result<Group, &'static str> {
    use serde_json::Value;
    let group = group.as_object().ok_or("must be an object")?;
    let targets = match group.get("targets") {
        Some(Value::Array(t)) => t
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or("a target must be a string"))
            .collect::<Result<_, _>>()?,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err("`targets` must be a list of strings"),
    };
    let labels = match group.get("labels") {
        Some(Value::Object(l)) => l
            .iter()
            .map(|(k, v)| {
                Ok((k.clone(), v.as_str().ok_or("a label value must be a string")?.to_owned()))
            })
            .collect::<Result<_, &'static str>>()?,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err("`labels` must be an object of strings"),
    };
    Ok((targets, labels))
}

/// One label set per target, with `meta` added to each.
pub(crate) fn expand(groups: Vec<Group>, meta: &[(&str, &str)]) -> Vec<Labels> {
    groups
        .into_iter()
        .flat_map(|(targets, labels)| {
            targets.into_iter().map(move |address| {
                let mut target = Labels::from_pairs(labels.clone());
                target.set("__address__", &address);
                for (name, value) in meta {
                    target.set(name, value);
                }
                target
            })
        })
        .collect()
}
