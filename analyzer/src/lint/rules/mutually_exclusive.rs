//! `mutually-exclusive`: arguments or blocks that exclude each other are set together, or none of a required choice is.

use river_syntax::{Severity, TextRange};

use crate::lint::context::{BlockCx, Shape};
use crate::lint::read::{block_name, members};
use crate::lint::rule::{Check, FixKind, Report, Rule};
use crate::schema::ConstraintKind;

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
    check: Check::Block(check),
};

fn check(cx: &BlockCx, report: &mut Report) {
    let Shape::Schema(schema) = cx.shape else { return };
    let present = members(cx.body);
    for constraint in &schema.constraints {
        let set: Vec<&(String, TextRange)> =
            present.iter().filter(|(n, _)| constraint.members.contains(n)).collect();
        let members =
            constraint.members.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
        match (constraint.kind, set.as_slice()) {
            (_, [first, second, ..]) => {
                let message =
                    format!("`{}` and `{}` cannot both be set in `{}`", first.0, second.0, cx.path);
                report
                    .at(second.1, message)
                    .related("", first.1, "the other one")
                    .help(format!("set at most one of {members}"));
            }
            (ConstraintKind::ExactlyOne, []) => {
                let message = format!("`{}` needs one of {members}", cx.path);
                report.at(block_name(cx.owner).1, message);
            }
            _ => {}
        }
    }
}
