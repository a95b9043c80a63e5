//! The `matcher` blocks: which processes form a group and the group's
//! name. A block's rules (`comm`, `exe`, `cmdline`; those written) must
//! all match; the first block that matches names the process with its
//! `name` template, Go's `text/template` (through gotmpl, as
//! `loki.process` runs it) over `.Comm`, `.ExeBase`, `.ExeFull`,
//! `.Username`, `.PID`, `.StartTime`, `.Cgroups` and `.Matches`, the
//! `cmdline` regexps' captures.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use gotmpl::{MissingKey, TemplateError, Value};
use regex::Regex;
use river_runtime::args::{ArgError, Args};

/// What a process is, as the rules and the template see it.
#[derive(Debug, Clone, Default)]
pub struct Attributes {
    pub comm: String,
    pub cmdline: Vec<String>,
    pub cgroups: Vec<String>,
    pub username: String,
    pub pid: i32,
    /// Nanoseconds since the epoch.
    pub start_ns: i64,
}

/// One `matcher` block.
pub struct Matcher {
    comm: Option<HashSet<String>>,
    /// Base name to the full path wanted, or `None` when any path will do.
    exe: Option<HashMap<String, Option<String>>>,
    cmdline: Option<Vec<Regex>>,
    template: gotmpl::Template,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cmdline: Option<Vec<&str>> =
            self.cmdline.as_ref().map(|r| r.iter().map(Regex::as_str).collect());
        let (comm, exe) = (&self.comm, &self.exe);
        f.debug_struct("Matcher")
            .field("comm", comm)
            .field("exe", exe)
            .field("cmdline", &cmdline)
            .finish()
    }
}

/// The matchers in order: the first that matches names the process.
#[derive(Default)]
pub struct Namer(pub Vec<Matcher>);

impl Namer {
    /// The group of a process, or `None` when no matcher takes it.
    pub fn name(&self, attrs: &Attributes) -> Option<String> {
        self.0.iter().find_map(|m| m.name(attrs))
    }
}

/// The template fields, for errors.
const FIELDS: &str = "Comm, ExeBase, ExeFull, Username, PID, StartTime, Cgroups and Matches";

impl Matcher {
    /// The block `args`, refused when it has no rule, a regexp or the
    /// template does not compile, or the template names a field (or a
    /// capture) that a process never has.
    pub fn from_args(args: &Args) -> Result<Matcher, ArgError> {
        let comm: Option<Vec<String>> = args.opt("comm")?;
        let exe: Option<Vec<String>> = args.opt("exe")?;
        let cmdline: Option<Vec<String>> = args.opt("cmdline")?;
        let mut text: String = args.get("name")?;
        if comm.is_none() && exe.is_none() && cmdline.is_none() {
            let why = "a matcher needs at least one of comm, exe or cmdline";
            return Err(args.invalid("comm", why));
        }
        if text.is_empty() {
            // An empty name is the default name, as in process-exporter.
            text = "{{.ExeBase}}".to_owned();
        }
        let cmdline = cmdline.map(|rules| compile(args, &rules)).transpose()?;
        let template = gotmpl::Template::new("cmdname")
            .parse(&text)
            .map_err(|e| args.invalid("name", format!("invalid template: {e}")))?;
        let exe = exe.map(|rules| exe_rules(&rules));
        let comm = comm.map(|rules| rules.into_iter().collect());
        let matcher = Matcher { comm, exe, cmdline, template };
        matcher.check_fields(&text).map_err(|why| args.invalid("name", why))?;
        Ok(matcher)
    }

    /// Renders the template once over a made-up process whose captures are
    /// this matcher's, with missing keys as errors: a field that is not
    /// one of `FIELDS`, or a capture no regexp has, is refused here rather
    /// than naming every group `<no value>`.
    fn check_fields(&self, text: &str) -> Result<(), String> {
        let names: Vec<String> = self.capture_names().map(str::to_owned).collect();
        let matches = names.into_iter().map(|n| (n, String::new())).collect();
        let data = params(&Attributes::default(), matches);
        let mut out = String::new();
        let strict = gotmpl::Template::new("cmdname").missing_key(MissingKey::Error).parse(text);
        match strict.map_err(|e| e.to_string())?.execute_fmt(&mut out, &data) {
            Err(TemplateError::MissingKey { key }) => Err(format!(
                "the template names {key:?}, which is neither a field ({FIELDS}) nor a capture of \
                 this matcher's cmdline regexps"
            )),
            Err(TemplateError::Exec(why)) if why.contains("can't evaluate field") => {
                Err(format!("invalid template: {why}"))
            }
            Err(e @ TemplateError::UndefinedFunction(_)) => Err(format!("invalid template: {e}")),
            // Anything else depends on the process (an index past the end).
            _ => Ok(()),
        }
    }

    fn capture_names(&self) -> impl Iterator<Item = &str> {
        let regexes = self.cmdline.iter().flatten();
        regexes.flat_map(|r| r.capture_names().map(|n| n.unwrap_or("")))
    }

    /// The name of the process when every rule matches it.
    pub fn name(&self, attrs: &Attributes) -> Option<String> {
        if let Some(comms) = &self.comm {
            comms.contains(&attrs.comm).then_some(())?;
        }
        if let Some(exes) = &self.exe {
            let argv0 = attrs.cmdline.first()?;
            match exes.get(go_base(argv0))? {
                Some(full) if full != argv0 => return None,
                _ => {}
            }
        }
        let mut matches = BTreeMap::new();
        if let Some(regexes) = &self.cmdline {
            // Each regexp is matched against the arguments joined by spaces.
            let joined = attrs.cmdline.join(" ");
            for regex in regexes {
                let caps = regex.captures(&joined)?;
                for (i, name) in regex.capture_names().enumerate() {
                    let value = caps.get(i).map_or("", |m| m.as_str());
                    matches.insert(name.unwrap_or("").to_owned(), value.to_owned());
                }
            }
        }
        let mut out = String::new();
        // As process-exporter, a template that fails while running names
        // the group with what it wrote before failing.
        let _ = self.template.execute_fmt(&mut out, &params(attrs, matches));
        Some(out)
    }
}

fn compile(args: &Args, rules: &[String]) -> Result<Vec<Regex>, ArgError> {
    rules
        .iter()
        .map(|rule| {
            river_analyzer::go::regex::compile(rule).map_err(|e| {
                let why =
                    river_analyzer::go::regex::syntax_error(rule).unwrap_or_else(|| e.to_string());
                args.invalid("cmdline", format!("bad cmdline regex {rule:?}: {why}"))
            })
        })
        .collect()
}

/// `exe` rules by base name: a rule with a slash wants that exact path,
/// one without takes any path ending in that name. A later rule with the
/// same base name replaces an earlier one, as in process-exporter.
fn exe_rules(rules: &[String]) -> HashMap<String, Option<String>> {
    let mut exes = HashMap::new();
    for rule in rules {
        if rule.contains('/') {
            exes.insert(go_base(rule).to_owned(), Some(rule.clone()));
        } else {
            exes.insert(rule.clone(), None);
        }
    }
    exes
}

/// Go's `filepath.Base`: the last element, trailing slashes dropped; `.`
/// for an empty path and `/` for slashes only.
pub fn go_base(path: &str) -> &str {
    if path.is_empty() {
        return ".";
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// The template's data: the process's fields, as process-exporter passes
/// them (the command's base and full path fall back to `comm` for a
/// process without arguments, such as a kernel thread).
fn params(attrs: &Attributes, matches: BTreeMap<String, String>) -> Value {
    let (base, full) = match attrs.cmdline.first() {
        Some(argv0) => (go_base(argv0).to_owned(), argv0.clone()),
        None => (attrs.comm.clone(), attrs.comm.clone()),
    };
    let text = |s: &str| Value::String(Arc::from(s));
    let cgroups: Vec<Value> = attrs.cgroups.iter().map(|c| text(c)).collect();
    let matches: BTreeMap<String, Value> =
        matches.into_iter().map(|(k, v)| (k, Value::String(Arc::from(v)))).collect();
    let fields = BTreeMap::from([
        ("Cgroups".to_owned(), Value::from(cgroups)),
        ("Comm".to_owned(), text(&attrs.comm)),
        ("ExeBase".to_owned(), text(&base)),
        ("ExeFull".to_owned(), text(&full)),
        ("Username".to_owned(), text(&attrs.username)),
        ("PID".to_owned(), Value::Int(attrs.pid.into())),
        ("StartTime".to_owned(), text(&go_time(attrs.start_ns))),
        ("Matches".to_owned(), Value::from(matches)),
    ]);
    Value::from(fields)
}

/// A UTC instant as Go prints a `time.Time`:
/// `2024-05-01 10:00:00.12 +0000 UTC` (fraction without trailing zeros).
pub fn go_time(ns: i64) -> String {
    let Ok(ts) = jiff::Timestamp::from_nanosecond(ns.into()) else { return String::new() };
    let mut out = ts.strftime("%Y-%m-%d %H:%M:%S").to_string();
    let fraction = ns.rem_euclid(1_000_000_000);
    if fraction != 0 {
        let digits = format!(".{fraction:09}");
        out.push_str(digits.trim_end_matches('0'));
    }
    out.push_str(" +0000 UTC");
    out
}

#[cfg(test)]
mod tests {
    use river_analyzer::{Object, Value as River};

    use super::*;

    fn matcher(pairs: &[(&str, River)]) -> Result<Matcher, ArgError> {
        let attrs: Object = pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        let args = Args::new(attrs, vec![]).for_schema("prometheus.exporter.process/matcher");
        Matcher::from_args(&args)
    }

    fn list(items: &[&str]) -> River {
        River::Array(items.iter().map(|s| River::String((*s).into())).collect())
    }

    fn text(s: &str) -> River {
        River::String(s.into())
    }

    fn process(comm: &str, argv: &[&str]) -> Attributes {
        Attributes {
            comm: comm.into(),
            cmdline: argv.iter().map(|s| (*s).to_owned()).collect(),
            cgroups: vec!["/user.slice".into(), "/".into()],
            username: "alice".into(),
            pid: 42,
            start_ns: 1_700_000_000_120_000_000,
        }
    }

    #[test]
    fn the_default_name_is_the_base_of_argv0_and_comm_without_arguments() {
        let m = matcher(&[("comm", list(&["sleep", "kworker/0:1"]))]).unwrap();
        assert_eq!(m.name(&process("sleep", &["/usr/bin/sleep", "60"])).unwrap(), "sleep");
        assert_eq!(m.name(&process("kworker/0:1", &[])).unwrap(), "kworker/0:1");
        assert!(m.name(&process("sleeper", &["sleep"])).is_none());
        let empty = matcher(&[("comm", list(&["sleep"])), ("name", text(""))]).unwrap();
        assert_eq!(empty.name(&process("sleep", &["./sleep"])).unwrap(), "sleep");
    }

    #[test]
    fn exe_rules_with_a_slash_want_that_path() {
        let m = matcher(&[("exe", list(&["bash", "/usr/bin/python3"]))]).unwrap();
        assert!(m.name(&process("x", &["/bin/bash", "-c"])).is_some());
        assert!(m.name(&process("x", &["/usr/bin/python3"])).is_some());
        assert!(m.name(&process("x", &["/opt/python3"])).is_none());
        assert!(m.name(&process("x", &[])).is_none());
    }

    #[test]
    fn cmdline_captures_name_the_group_and_all_rules_must_match() {
        let m = matcher(&[
            ("name", text("{{.Matches.job}}:{{.Comm}}:{{.ExeFull}}:{{.Username}}:{{.PID}}")),
            ("comm", list(&["bash"])),
            ("cmdline", list(&[r"runner\.sh --job (?P<job>\w+)", "--fast"])),
        ])
        .unwrap();
        let argv = ["/bin/bash", "/opt/runner.sh", "--job", "alpha", "--fast"];
        assert_eq!(m.name(&process("bash", &argv)).unwrap(), "alpha:bash:/bin/bash:alice:42");
        assert!(m.name(&process("bash", &argv[..4])).is_none());
        assert!(m.name(&process("sh", &argv)).is_none());
    }

    #[test]
    fn start_time_and_cgroups_print_as_go_prints_them() {
        let m = matcher(&[("comm", list(&["x"])), ("name", text("{{.StartTime}}|{{.Cgroups}}"))]);
        let name = m.unwrap().name(&process("x", &[])).unwrap();
        assert_eq!(name, "2023-11-14 22:13:20.12 +0000 UTC|[/user.slice /]");
        assert_eq!(go_time(1_700_000_000_000_000_000), "2023-11-14 22:13:20 +0000 UTC");
        assert_eq!((go_base("/a/b/"), go_base(""), go_base("//")), ("b", ".", "/"));
    }

    #[test]
    fn the_first_matcher_that_matches_names_the_process() {
        let first = matcher(&[("comm", list(&["sleep"])), ("name", text("first"))]).unwrap();
        let second = matcher(&[("exe", list(&["sleep"])), ("name", text("second"))]).unwrap();
        let namer = Namer(vec![first, second]);
        assert_eq!(namer.name(&process("sleep", &["sleep"])).unwrap(), "first");
        assert_eq!(namer.name(&process("other", &["sleep"])).unwrap(), "second");
        assert!(namer.name(&process("other", &["other"])).is_none());
    }

    #[test]
    fn bad_matchers_are_refused_at_their_setting() {
        let none = matcher(&[("name", text("x"))]).unwrap_err();
        assert_eq!(none.path, "comm");
        assert!(none.message.contains("at least one of comm, exe or cmdline"));
        let regex = matcher(&[("cmdline", list(&["(unclosed"]))]).unwrap_err();
        assert_eq!(regex.path, "cmdline");
        assert!(regex.message.contains("bad cmdline regex"), "{regex}");
        let syntax = matcher(&[("comm", list(&["x"])), ("name", text("{{.Comm"))]).unwrap_err();
        assert_eq!(syntax.path, "name");
        let field = matcher(&[("comm", list(&["x"])), ("name", text("{{.Exe}}"))]).unwrap_err();
        assert!(field.message.contains("\"Exe\", which is neither a field"), "{field}");
        let capture =
            matcher(&[("cmdline", list(&["(?P<job>a)"])), ("name", text("{{.Matches.jbo}}"))])
                .unwrap_err();
        assert!(capture.message.contains("\"jbo\""), "{capture}");
        let method = matcher(&[("comm", list(&["x"])), ("name", text("{{.StartTime.Unix}}"))]);
        assert_eq!(method.unwrap_err().path, "name");
    }
}
