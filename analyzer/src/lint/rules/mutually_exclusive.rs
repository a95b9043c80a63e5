//! `mutually-exclusive`: arguments or blocks that exclude each other are set together, or none of a required choice is.

use river_syntax::ast::{self, AstNode};
use river_syntax::{Severity, TextRange};

use crate::lint::context::Cx;
use crate::lint::finding::Finding;
use crate::lint::read::{block_name, members};
use crate::lint::rule::{FixKind, Rule};
use crate::schema::{Body, ConstraintKind};

pub static RULE: Rule = Rule {
    id: "mutually-exclusive",
    severity: Severity::Error,
    summary: "Arguments or blocks that exclude each other are set together, or none of a required choice is.",
    explanation: "Some settings are alternatives: a token or a token file, `basic_auth` or `oauth2`. Setting two of them is refused; where one of them is required, setting none is too. Keep the one you mean.",
    invalid: r#"prometheus.remote_write "default" {
	endpoint {
		url               = "http://localhost:9009/api/v1/push"
		bearer_token      = "secret"
		bearer_token_file = "/var/run/token"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.receiver]
}
"#,
    valid: r#"prometheus.remote_write "default" {
	endpoint {
		url               = "http://localhost:9009/api/v1/push"
		bearer_token_file = "/var/run/token"
	}
}

prometheus.scrape "default" {
	targets    = []
	forward_to = [prometheus.remote_write.default.receiver]
}
"#,
    fix: FixKind::None,
};

pub(crate) fn check(cx: &mut Cx, schema: &Body, body: &ast::Body, owner: &ast::Block, path: &str) {
    let present = members(body);
    for constraint in &schema.constraints {
        let set: Vec<&(String, TextRange)> =
            present.iter().filter(|(n, _)| constraint.members.contains(n)).collect();
        let members =
            constraint.members.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
        match (constraint.kind, set.as_slice()) {
            (_, [first, second, ..]) => {
                let message =
                    format!("`{}` and `{}` cannot both be set in `{path}`", first.0, second.0);
                let finding = Finding::new(&RULE, second.1, message)
                    .related("", first.1, "the other one")
                    .help(format!("set at most one of {members}"));
                cx.push(finding);
            }
            (ConstraintKind::ExactlyOne, []) => {
                let message = format!("`{path}` needs one of {members}");
                cx.push(Finding::new(&RULE, block_name(owner).1, message));
            }
            _ => {}
        }
    }
    let _ = owner.syntax();
}
