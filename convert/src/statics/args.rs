//! Static mode's command-line flags (`--extra-args`): those that change
//! how the file is read are honoured; the others have no place in a Flow
//! file and are named in a finding.

use crate::finding::{Finding, Severity};

pub(crate) struct Flags {
    /// `-config.expand-env`: `${VAR}` and `${VAR:-default}` in the file are
    /// replaced from the environment before it is read.
    pub expand_env: bool,
    pub findings: Vec<Finding>,
}

impl Flags {
    /// The flags, or a Critical finding for text that is not a flag.
    pub fn parse(args: &[String]) -> Result<Flags, Finding> {
        let mut flags = Flags { expand_env: false, findings: Vec::new() };
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
                return Err(Finding::new(
                    Severity::Critical,
                    format!("failed to parse flags: {arg:?} is not a flag"),
                ));
            };
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (flag, None),
            };
            match name {
                "config.expand-env" => {
                    flags.expand_env = match value.as_deref() {
                        None | Some("true") | Some("1") => true,
                        Some("false") | Some("0") => false,
                        Some(other) => return Err(Finding::new(Severity::Critical, format!("failed to parse flags: invalid boolean value {other:?} for -config.expand-env"))),
                    };
                }
                // The file is the converter's input, whatever this says.
                "config.file" => {
                    if value.is_none() {
                        rest.next();
                    }
                }
                _ => {
                    if value.is_none()
                        && rest.as_slice().first().is_some_and(|n| !n.starts_with('-'))
                    {
                        rest.next();
                    }
                    let message = format!("the command-line flag `-{name}` is not converted: set its equivalent in the Flow command line or file by hand");
                    flags.findings.push(Finding::new(Severity::Error, message));
                }
            }
        }
        Ok(flags)
    }
}

/// `${VAR}`, `$VAR`, `${VAR:-default}` and `${VAR:=default}` replaced as the agent's
/// expansion does (a missing variable is empty; `$$` is a `$`).
pub(crate) fn expand_env(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(inner) = rest.strip_prefix('{') {
            let Some(end) = inner.find('}') else {
                out.push('$');
                continue;
            };
            let body = &inner[..end];
            // `${VAR:-default}` and `${VAR:=default}`: the default when
            // the variable is unset or empty.
            let split = body.find(":-").or_else(|| body.find(":="));
            let (name, default) = split.map_or((body, ""), |at| (&body[..at], &body[at + 2..]));
            let value = std::env::var(name).ok().filter(|v| !v.is_empty());
            out.push_str(&value.unwrap_or_else(|| default.to_owned()));
            rest = &inner[end + 1..];
        } else {
            let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
            out.push_str(&std::env::var(&rest[..len]).unwrap_or_default());
            rest = &rest[len..];
        }
    }
    out.push_str(rest);
    out
}
