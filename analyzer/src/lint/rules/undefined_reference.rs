//! `undefined-reference`: an expression refers to a component or name that does not exist.

use river_syntax::{Severity, TextRange};

use crate::lint::context::ItemCx;
use crate::lint::finding::Edit;
use crate::lint::refs::{PathRef, Resolved};
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "undefined-reference",
    severity: Severity::Error,
    summary: "An expression refers to a component or name that does not exist.",
    explanation: "A reference such as `discovery.kubernetes.pods.targets` must name a component of the config (here `discovery.kubernetes \"pods\"`) or a standard-library name. The agent refuses a config with a reference to nothing. The fix renames it to the closest component.",
    invalid: r#"discovery.kubernetes "pods" {
	role = "pod"
}

prometheus.scrape "default" {
	targets    = discovery.kubernetes.pod.targets
	forward_to = []
}
"#,
    valid: r#"discovery.kubernetes "pods" {
	role = "pod"
}

prometheus.scrape "default" {
	targets    = discovery.kubernetes.pods.targets
	forward_to = []
}
"#,
    fix: FixKind::Unsafe,
    check: Check::Item(check),
};

/// Every reference that resolves to nothing; a lone called name is a
/// function, for `unknown-function`, and exports are `unknown-export`'s.
fn check(cx: &ItemCx, report: &mut Report) {
    for (path, resolved) in &cx.references {
        if matches!(resolved, Resolved::Undefined) && !(path.called && path.segments.len() == 1) {
            undefined(cx, path, report);
        }
    }
}

fn undefined(cx: &ItemCx, path: &PathRef, report: &mut Report) {
    let written = path.segments.join(".");
    let mut finding = report.at(path.range, format!("`{written}` does not exist"));
    // The closest component key among the same number of leading segments.
    let keys = cx.scope.keys.keys().map(String::as_str);
    let best = (2..=path.segments.len()).rev().find_map(|len| {
        crate::schema::closest(&path.segments[..len].join("."), keys.clone()).map(|k| (len, k))
    });
    if let Some((len, key)) = best {
        let range = TextRange::new(path.ranges[0].start(), path.ranges[len - 1].end());
        finding.help(format!("did you mean `{key}`?")).fix(
            format!("refer to `{key}`"),
            vec![Edit { range, text: key.to_owned() }],
            false,
        );
    } else if let Some((name, label)) = component_named(cx, path) {
        finding.help(format!("there is no `{name}` labelled {label:?} in this config"));
    } else if path.segments.len() > 1 {
        finding.help("a reference names a component as `name.label.export`");
    }
}

/// The component name and label a path spells, when its leading segments
/// name a known component.
fn component_named(cx: &ItemCx, path: &PathRef) -> Option<(String, String)> {
    (2..path.segments.len()).rev().find_map(|len| {
        let name = path.segments[..len].join(".");
        cx.registry.get(&name).map(|_| (name, path.segments[len].clone()))
    })
}
