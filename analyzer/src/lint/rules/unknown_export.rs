//! `unknown-export`: a reference names an export its component does not have.

use river_syntax::Severity;

use crate::lint::context::ItemCx;
use crate::lint::finding::Written;
use crate::lint::refs::{PathRef, Resolved, Target};
use crate::lint::rule::{Check, FixKind, Report, Rule};

pub static RULE: Rule = Rule {
    id: "unknown-export",
    severity: Severity::Error,
    summary: "A reference names an export its component does not have.",
    explanation: "After the component, a reference names one of its exports, such as `targets` of a discovery component or `receiver` of `prometheus.remote_write`. `flow schema COMPONENT` lists them. The fix renames it to the closest export.",
    invalid: r#"prometheus.remote_write "default" {
	endpoint {
		url = "http://localhost:9009/api/v1/push"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.reciever]
}
"#,
    valid: r#"prometheus.remote_write "default" {
	endpoint {
		url = "http://localhost:9009/api/v1/push"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.receiver]
}
"#,
    fix: FixKind::Unsafe,
    check: Check::Item(check),
};

/// Every reference to a component that goes on to name an export.
fn check(cx: &ItemCx, report: &mut Report) {
    for (path, resolved) in &cx.references {
        if let Resolved::Component { target, export: Some(at), .. } = resolved {
            export(target, path, *at, report);
        }
    }
}

fn export(target: &Target, path: &PathRef, at: usize, report: &mut Report) {
    let export = &path.segments[at];
    let (owner, names): (String, Vec<&str>) = match target {
        Target::Builtin(component) => {
            (component.name.clone(), component.exports.iter().map(|f| f.name.as_str()).collect())
        }
        Target::Custom(custom) => {
            (path.segments[..at - 1].join("."), custom.exports.iter().map(String::as_str).collect())
        }
        Target::Opaque => return,
    };
    if names.contains(&export.as_str()) {
        return;
    }
    let range = path.ranges[at];
    let message = if names.is_empty() {
        format!("`{owner}` exports nothing, so `{export}` does not exist")
    } else {
        format!("`{owner}` has no export `{export}`")
    };
    let mut finding = report.at(range, message);
    let suggested = finding.suggest(range, export, names.iter().copied(), Written::Name);
    if !suggested && !names.is_empty() {
        finding.help(format!("its exports: {}", names.join(", ")));
    }
}
