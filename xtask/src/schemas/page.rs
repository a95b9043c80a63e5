//! One reference page to one schema: its label, stability, body (see
//! `body.rs`) and exported fields.

use river_analyzer::schema::{Body, Component, Field, Kind, Label, Stability};

use super::body::{item_name, Builder};
use super::markdown::{Page, Section};
use super::prose;

/// Builds the schema of `name` from its page; problems are collected, not
/// fatal, so that one run reports every page that needs attention.
pub fn component(page: &Page, name: &str, kind: Kind, problems: &mut Vec<String>) -> Component {
    // Built, not read: some pages have no canonical address, one a broken one.
    let folder = if kind == Kind::Component { "components" } else { "config-blocks" };
    let doc = format!("https://grafana.com/docs/agent/latest/flow/reference/{folder}/{name}/");
    let receiver = if name.starts_with("pyroscope.") { "ProfilesReceiver" } else { "LogsReceiver" };
    let mut builder = Builder { page, receiver, problems: Vec::new(), depth: 0 };
    // Block sections inside the Arguments chapter (pages without a Blocks
    // chapter) belong to their blocks, not to the component.
    let arguments_chapter: Vec<&Section> =
        page.chapter("Arguments").into_iter().filter(|s| !s.title.contains("block")).collect();
    let mut body = Body { open: name == "declare", ..Body::default() };
    for section in &arguments_chapter {
        builder.fill(page, section, &mut body);
    }
    if let Some(section) = page.chapter("Blocks").first() {
        builder.hierarchy(page, section, &mut body);
    }
    // Rules between a component's own members are stated in the
    // introduction, the Arguments chapter or the opening of Blocks.
    let mut prose_sections: Vec<&Section> = arguments_chapter.clone();
    prose_sections.extend(page.sections.iter().filter(|s| s.level == 1));
    prose_sections.extend(page.chapter("Blocks").first());
    prose::read(&prose_sections, &mut body);
    builder.prose(page, &mut body);
    let exports = exports(&mut builder);
    problems.extend(builder.problems.into_iter().map(|p| format!("{name}: {p}")));
    Component {
        name: name.to_owned(),
        kind,
        label: label(page, name),
        stability: stability(page),
        deprecated: prose::deprecated_page(page, name),
        doc,
        description: String::new(),
        exports,
        body,
    }
}

/// A component takes a label when its usage example gives it one (quoted,
/// or as a placeholder word: `prometheus.exporter.azure LABEL {`).
fn label(page: &Page, name: &str) -> Label {
    let first_use = page.sections.iter().flat_map(|s| &s.code).flatten().find_map(|line| {
        let rest = line.trim_start().strip_prefix(name)?;
        rest.starts_with([' ', '{']).then(|| rest.trim_start())
    });
    match first_use {
        Some(rest) if !rest.starts_with('{') => Label::Required,
        _ => Label::Forbidden,
    }
}

fn stability(page: &Page) -> Stability {
    if page.stability.iter().any(|s| s == "experimental") {
        Stability::Experimental
    } else if page.stability.iter().any(|s| s == "beta") {
        Stability::Beta
    } else {
        Stability::Stable
    }
}

/// The rows of the Exported fields tables (a name and a type; some pages
/// copied an arguments table's header, required column and all).
fn exports(builder: &mut Builder) -> Vec<Field> {
    let mut out = Vec::new();
    for section in builder.page.chapter("Exported fields") {
        for table in section.tables() {
            let (Some(name), Some(ty)) = (table.column("name"), table.column("type")) else {
                continue;
            };
            for row in &table.rows {
                let Some(field) = row.get(name).and_then(|c| item_name(c)) else { continue };
                match builder.parse_type(row.get(ty).map(String::as_str).unwrap_or("")) {
                    Ok(ty) => out.push(Field { name: field, ty, description: String::new() }),
                    Err(e) => builder.problems.push(format!("export `{field}`: {e}")),
                }
            }
        }
    }
    out
}
