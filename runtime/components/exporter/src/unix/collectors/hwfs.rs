//! Reading sysfs and procfs the way prometheus/procfs (which node_exporter
//! 1.5 uses) reads them, shared by the storage and hardware collectors:
//! attribute files read once and trimmed, integers in Go's notations, the
//! errors that mean "the kernel does not offer this attribute".

use std::fs::FileType;
use std::io::{self, Read};
use std::path::Path;

use regex::Regex;
use river_runtime::args::Args;
use river_runtime::error::Error;

use crate::unix::collector::CollectError;

/// One sysfs attribute, trimmed. A single bounded read, as procfs does:
/// some drivers answer EAGAIN forever, and a sysfs attribute is never
/// larger than a page.
pub fn read_attr(path: &Path) -> io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 4096];
    let n = file.read(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf[..n]).trim().to_owned())
}

/// A whole file (procfs tables), as text.
pub fn read_text(path: &Path) -> io::Result<String> {
    std::fs::read_to_string(path)
}

/// An attribute holding an unsigned decimal integer.
pub fn read_u64(path: &Path) -> Result<u64, CollectError> {
    let text = read_attr(path)?;
    text.parse::<u64>().map_err(|_| bad(path, &text))
}

/// An attribute holding a signed decimal integer.
pub fn read_i64(path: &Path) -> Result<i64, CollectError> {
    let text = read_attr(path)?;
    text.parse::<i64>().map_err(|_| bad(path, &text))
}

/// The error for a value that does not parse, naming the file.
pub fn bad(path: &Path, text: &str) -> CollectError {
    CollectError::Failed(format!("{}: cannot parse {text:?}", path.display()))
}

/// Whether reading an attribute failed only because the kernel does not
/// offer it here (absent, not readable, or refused by the driver: sysfs
/// answers EINVAL or EOPNOTSUPP for `speed` of a link that is down).
pub fn is_absent(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied)
        || matches!(error.raw_os_error(), Some(22) | Some(95))
}

/// The regular files of a sysfs directory, trimmed, by name; a file
/// whose read fails with an error `skip` accepts is left out (drivers
/// refuse some attributes), any other error fails the collector.
pub fn attributes(
    dir: &Path,
    skip: impl Fn(&io::Error) -> bool,
) -> Result<std::collections::BTreeMap<String, String>, CollectError> {
    let mut out = std::collections::BTreeMap::new();
    for (name, kind) in list_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        if !kind.is_file() {
            continue;
        }
        let path = dir.join(&name);
        match read_attr(&path) {
            Ok(value) => {
                out.insert(name, value);
            }
            Err(e) if skip(&e) => {}
            Err(e) => return Err(format!("failed to read file {}: {e}", path.display()).into()),
        }
    }
    Ok(out)
}

/// Where node_exporter returns ErrNoData for a missing directory or file:
/// `Unsupported`; any other error is a failure.
pub fn absent_as_unsupported(error: io::Error, path: &Path) -> CollectError {
    let message = format!("{}: {error}", path.display());
    match error.kind() {
        io::ErrorKind::NotFound => CollectError::Unsupported(message),
        _ => CollectError::Failed(message),
    }
}

/// The entries of a directory, sorted by name (as Go's `os.ReadDir`).
pub fn list_dir(path: &Path) -> io::Result<Vec<(String, FileType)>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        entries.push((name, entry.file_type()?));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// The names in a directory, sorted.
pub fn names(path: &Path) -> io::Result<Vec<String>> {
    Ok(list_dir(path)?.into_iter().map(|(name, _)| name).collect())
}

/// An integer as Go's `strconv.ParseInt(s, 0, 64)` reads it: a sign, then
/// `0x`, `0o`, `0b` or a leading `0` (octal) for the base, `_` between
/// digits allowed.
pub fn parse_go_int(text: &str) -> Option<i64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let lower = rest.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    let digits = digits.replace('_', "");
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = i128::from_str_radix(&digits, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// An unsigned integer as Go's `strconv.ParseUint(s, 0, 64)` reads it.
pub fn parse_go_uint(text: &str) -> Option<u64> {
    if text.starts_with(['-', '+']) {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        let hex = hex.replace('_', "");
        return (!hex.is_empty() && !hex.starts_with('+'))
            .then(|| u64::from_str_radix(&hex, 16).ok())
            .flatten();
    }
    // Plain decimal goes up to u64::MAX (a signed parse stops at i64's);
    // a leading zero means octal, as for Go's base 0.
    let decimal = text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0');
    if decimal {
        return text.parse().ok();
    }
    parse_go_int(text).and_then(|v| u64::try_from(v).ok())
}

/// As node_exporter's metric name sanitising: each run of characters
/// outside `[0-9A-Za-z_]`, with the underscores around it, becomes `_`.
pub fn sanitize(name: &str) -> String {
    static INVALID: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let invalid = INVALID.get_or_init(|| Regex::new("_*[^0-9A-Za-z_]+_*").expect("a valid regexp"));
    invalid.replace_all(name, "_").into_owned()
}

/// A regular expression setting of `block`, refused with its place when
/// it does not compile.
pub fn regex_setting(block: &Args, name: &str) -> Result<Regex, Error> {
    let text: String = block.get(name)?;
    compile(block, name, &text)
}

/// An optional regular expression setting: `None` when left out or empty.
pub fn optional_regex(block: &Args, name: &str) -> Result<Option<Regex>, Error> {
    match block.opt::<String>(name)? {
        Some(text) if !text.is_empty() => Ok(Some(compile(block, name, &text)?)),
        _ => Ok(None),
    }
}

fn compile(block: &Args, name: &str, text: &str) -> Result<Regex, Error> {
    Regex::new(text).map_err(|e| block.invalid(name, format!("not a valid regexp: {e}")).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_integers() {
        assert_eq!(parse_go_int("0x1003"), Some(0x1003));
        assert_eq!(parse_go_int("-1"), Some(-1));
        assert_eq!(parse_go_int("010"), Some(8));
        assert_eq!(parse_go_int("0"), Some(0));
        assert_eq!(parse_go_int("1_000"), Some(1000));
        assert_eq!(parse_go_int("abc"), None);
        assert_eq!(parse_go_int(""), None);
        assert_eq!(parse_go_int("0x"), None);
        assert_eq!(parse_go_int("99999999999999999999"), None);
        assert_eq!(parse_go_uint("0xffffffffffffffff"), Some(u64::MAX));
        assert_eq!(parse_go_uint("12"), Some(12));
        assert_eq!(parse_go_uint("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_go_uint("010"), Some(8));
        assert_eq!(parse_go_uint("-1"), None);
    }
}

/// Test support: a `Host` whose proc, sys and root file systems are the
/// fixture tree `tests/data/unix/<name>/`, and a collector's rendered output.
#[cfg(test)]
pub mod testing {
    use std::path::PathBuf;

    use crate::exposition::Exposition;
    use crate::unix::collector::{CollectError, Collector, Entry, Host};
    use river_runtime::args::Args;
    use river_runtime::error::Error;

    pub fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/unix").join(name)
    }

    pub fn host(name: &str) -> Host {
        let root = fixture(name);
        Host {
            procfs: root.join("proc"),
            sysfs: root.join("sys"),
            rootfs: root.join("root"),
            udev_data: root.join("udev"),
        }
    }

    /// The component's arguments with nothing set, tied to its schema.
    pub fn no_args() -> Args {
        args("")
    }

    /// The component's arguments from River text (its block's body), as
    /// the controller evaluates them.
    pub fn args(body: &str) -> Args {
        use river_runtime::component::{Component, Ctx, Registration};
        use river_runtime::controller::{evaluate_alone, plan, Source};
        fn never(_: Ctx, _: &Args) -> Result<std::sync::Arc<dyn Component>, Error> {
            Err(Error::Setting(river_runtime::args::ArgError {
                path: String::new(),
                message: "not built here".into(),
            }))
        }
        static UNIX: [Registration; 1] =
            [Registration { name: "prometheus.exporter.unix", build: never, without_effect: &[] }];
        let config = format!("prometheus.exporter.unix \"test\" {{\n{body}\n}}\n");
        let plan = plan(&[Source::text("test.river", config)], &UNIX).expect("plans");
        evaluate_alone(&plan.nodes[0]).expect("evaluates")
    }

    pub fn build(entry: &Entry, args: &Args) -> Box<dyn Collector> {
        match (entry.build)(args) {
            Ok(collector) => collector,
            Err(error) => panic!("{} does not build: {error}", entry.name),
        }
    }

    /// What `entry`, built with `args`, collects from the fixture `name`.
    pub fn collect(entry: &Entry, args: &Args, name: &str) -> Result<String, CollectError> {
        let mut out = Exposition::new();
        build(entry, args).collect(&host(name), &mut out)?;
        Ok(out.render())
    }

    /// The rendered samples only (no HELP/TYPE lines).
    pub fn samples(text: &str) -> Vec<&str> {
        text.lines().filter(|l| !l.starts_with('#')).collect()
    }
}
