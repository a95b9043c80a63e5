//! Custom components that use themselves, directly or through others, are
//! refused at load with the path of the cycle, placed on the instance
//! that closes it. (Across imports, the nesting of running modules finds
//! them: see `instance.rs`.)

use std::collections::HashMap;

use river_analyzer::lint::Finding;
use river_analyzer::load::Source;
use river_syntax::ast::{self, AstNode};
use river_syntax::TextRange;

use super::Library;

/// One use of a custom component inside another's body.
struct Use {
    name: String,
    file: String,
    range: TextRange,
}

/// The cycles among the custom components of `library`.
pub(crate) fn cycles(library: &Library, sources: &[Source]) -> Vec<Finding> {
    let uses = uses(library, sources);
    let mut findings = Vec::new();
    let mut names: Vec<&String> = uses.keys().collect();
    names.sort();
    for start in names {
        if let Some((path, closing)) = cycle_from(start, &uses) {
            // Each cycle once: from the name that sorts first in it.
            if path.iter().all(|n| n.as_str() >= start.as_str()) {
                let message =
                    format!("custom component `{start}` uses itself: {}", path.join(" → "));
                let rule = &river_analyzer::lint::rules::not_runnable::RULE;
                findings.push(rule.finding(&closing.file, closing.range, message));
            }
        }
    }
    findings
}

/// For each custom component, the custom components its body uses.
fn uses(library: &Library, sources: &[Source]) -> HashMap<String, Vec<Use>> {
    let mut out: HashMap<String, Vec<Use>> = HashMap::new();
    for source in sources {
        let parse = river_syntax::parse(&source.text);
        let Some(body) = ast::SourceFile::cast(parse.syntax()).and_then(|f| f.body()) else {
            continue;
        };
        for declare in body.blocks().filter(|b| b.name().is_some_and(|n| n.text() == "declare")) {
            let Some(label) = declare.label().and_then(|l| l.value()) else { continue };
            let Some(inner) = declare.body() else { continue };
            let used = inner.blocks().filter_map(|b| {
                let name = b.name()?.text();
                library.contains_key(&name).then(|| Use {
                    name,
                    file: source.path.clone(),
                    range: b.syntax().text_range(),
                })
            });
            out.entry(label).or_default().extend(used);
        }
    }
    out
}

/// A path from `start` back to itself (`a → b → a`) and the use that
/// closes it, depth first.
fn cycle_from<'a>(
    start: &'a String,
    uses: &'a HashMap<String, Vec<Use>>,
) -> Option<(Vec<String>, &'a Use)> {
    let mut stack: Vec<(&String, usize)> = vec![(start, 0)];
    let mut on_path: Vec<&String> = vec![start];
    while let Some((name, next)) = stack.pop() {
        let list = uses.get(name).map(Vec::as_slice).unwrap_or_default();
        let Some(used) = list.get(next) else {
            on_path.pop();
            continue;
        };
        stack.push((name, next + 1));
        if used.name == *start {
            let mut path: Vec<String> = on_path.iter().map(|n| (*n).clone()).collect();
            path.push(start.clone());
            return Some((path, used));
        }
        if !on_path.contains(&&used.name) {
            on_path.push(&used.name);
            stack.push((&used.name, 0));
        }
    }
    None
}
