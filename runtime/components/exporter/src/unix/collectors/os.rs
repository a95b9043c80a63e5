//! `os`: `/etc/os-release` (else `/usr/lib/os-release`) under
//! `rootfs_path`, as `node_os_info` labels and the major.minor version as
//! `node_os_version`.

use std::collections::HashMap;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "os", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Os))
}

struct Os;

/// node_os_info's labels and the os-release keys they come from.
const LABELS: [(&str, &str); 12] = [
    ("build_id", "BUILD_ID"),
    ("id", "ID"),
    ("id_like", "ID_LIKE"),
    ("image_id", "IMAGE_ID"),
    ("image_version", "IMAGE_VERSION"),
    ("name", "NAME"),
    ("pretty_name", "PRETTY_NAME"),
    ("variant", "VARIANT"),
    ("variant_id", "VARIANT_ID"),
    ("version", "VERSION"),
    ("version_codename", "VERSION_CODENAME"),
    ("version_id", "VERSION_ID"),
];

impl Collector for Os {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let mut text = None;
        for file in ["/etc/os-release", "/usr/lib/os-release"] {
            if let Some(found) = procfs::read_if_present(&host.root(std::path::Path::new(file)))? {
                text = Some(found);
                break;
            }
        }
        let Some(text) = text else {
            return Err(CollectError::Unsupported("no os-release file found".into()));
        };
        let env = parse(&text);
        let get = |key: &str| env.get(key).map_or("", String::as_str);
        let labels: Vec<(&str, &str)> =
            LABELS.iter().map(|(label, key)| (*label, get(key))).collect();
        out.gauge(
            "node_os_info",
            "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.",
        )
        .sample(&labels, 1.0);
        let version = major_minor(get("VERSION_ID"));
        if version > 0.0 {
            out.gauge(
                "node_os_version",
                "Metric containing the major.minor part of the OS version.",
            )
            .sample(
                &[("id", get("ID")), ("id_like", get("ID_LIKE")), ("name", get("NAME"))],
                version,
            );
        }
        Ok(())
    }
}

/// `KEY=value` lines; values may be quoted ("" with backslash escapes,
/// '' literal); comments and blank lines are skipped.
fn parse(text: &str) -> HashMap<String, String> {
    let mut env = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else { continue };
        env.insert(key.trim().to_owned(), value_of(value.trim()));
    }
    env
}

fn value_of(raw: &str) -> String {
    if let Some(inner) = raw.strip_prefix('\'') {
        return inner.split('\'').next().unwrap_or("").to_owned();
    }
    let Some(inner) = raw.strip_prefix('"') else {
        // Unquoted: up to a comment.
        return raw.split(" #").next().unwrap_or("").trim().to_owned();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => break,
            },
            _ => out.push(c),
        }
    }
    out
}

/// The leading `major[.minor]` of a version as a number (0 without one).
fn major_minor(version: &str) -> f64 {
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let major = digits(version);
    if major == 0 {
        return 0.0;
    }
    let mut end = major;
    if version[major..].starts_with('.') {
        end = major + 1 + digits(&version[major + 1..]);
    }
    version[..end].trim_end_matches('.').parse().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn os_release_under_the_root() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            [
                // Empty labels are left out, as Prometheus reads them.
                "node_os_info{id=\"testos\",id_like=\"debian\",name=\"Test OS\",pretty_name=\"Test OS 12.3 \\\"Quoted\\\"\",version=\"12.3 (x)\",version_codename=\"bookworm\",version_id=\"12.3.1\"} 1",
                "node_os_version{id=\"testos\",id_like=\"debian\",name=\"Test OS\"} 12.3",
            ]
        );
        assert!(matches!(collect(&ENTRY, &no_args(), "empty"), Err(CollectError::Unsupported(_))));
    }

    #[test]
    fn versions() {
        assert_eq!(major_minor("22.04"), 22.04);
        assert_eq!(major_minor("12"), 12.0);
        assert_eq!(major_minor("rolling"), 0.0);
        assert_eq!(major_minor("7.9.2009"), 7.9);
    }
}
