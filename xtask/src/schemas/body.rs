//! The bodies of a page: arguments tables, block hierarchy tables (the
//! Blocks chapter's, and those inside a block's own section, as
//! `stage.metrics` has), and rows whose type links to a block section.
//! Prose facts are read in a last pass, once every body has its members.

use river_analyzer::schema::{Argument, Block, Body, SchemaType};

use super::markdown::{plain, slug, Page, Section, Table};
use super::prose;

pub struct Builder<'a> {
    pub page: &'a Page,
    /// What a bare `receiver` type means on this page.
    pub receiver: &'static str,
    pub problems: Vec<String>,
    /// How many blocks deep the builder is, against a page whose links loop.
    pub depth: usize,
}

/// Where a block's facts come from: a section of the page, or, when the
/// page forgot the section, the shared snippet of that name.
enum Source<'p> {
    Section(&'p Section),
    Snippet(Page),
}

impl<'a> Builder<'a> {
    /// Adds the tables of `section` to `body`.
    pub fn fill(&mut self, page: &Page, section: &Section, body: &mut Body) {
        let (arguments, linked) = self.arguments(section);
        body.arguments.extend(arguments);
        for (name, link) in linked {
            let block = self.block(page, &name, &link, false);
            body.blocks.push(block);
        }
        self.hierarchy(page, section, body);
        self.block_lists(page, section, body);
    }

    /// Tables with a block column but no hierarchy (`Block | Description |
    /// Required`): each row is a child block, linked to its section.
    fn block_lists(&mut self, page: &Page, section: &Section, body: &mut Body) {
        for table in section.tables() {
            let (Some(column), None) = (table.column("block"), table.column("hierarchy")) else {
                continue;
            };
            for row in &table.rows {
                let cell =
                    |i: Option<usize>| i.and_then(|i| row.get(i)).map(String::as_str).unwrap_or("");
                let link = cell(Some(column));
                let Some(name) = link_text(link).and_then(item_name) else { continue };
                let block = self.block(page, &name, link, is_yes(cell(table.column("required"))));
                body.blocks.push(block);
            }
        }
    }

    /// Adds the blocks of every hierarchy table in `section` to `body`.
    pub fn hierarchy(&mut self, page: &Page, section: &Section, body: &mut Body) {
        let any_number = section.text().contains("any number of these");
        for table in section.tables() {
            if table.column("hierarchy").is_none() {
                continue;
            }
            for row in &table.rows {
                let path: Vec<String> =
                    plain(&row[0]).split('>').map(|p| p.trim().to_owned()).collect();
                let cell = |i: usize| row.get(i).map(String::as_str).unwrap_or("");
                let Some((leaf, parents)) = path.split_last() else { continue };
                let Some(parent) = descend(body, parents) else {
                    self.problems
                        .push(format!("block `{}` comes before its parent", path.join(" > ")));
                    continue;
                };
                let mut block = self.block(page, leaf, cell(1), is_yes(cell(3)));
                block.repeatable |= any_number && parents.is_empty();
                parent.blocks.push(block);
            }
        }
    }

    fn block(&mut self, page: &Page, name: &str, link: &str, required: bool) -> Block {
        let anchor = anchor(page, link, name);
        if self.depth > 8 {
            self.problems.push(format!("blocks nest too deep at `{name}` ({anchor})"));
            return Block {
                name: name.to_owned(),
                required,
                repeatable: false,
                anchor,
                shared: None,
                description: String::new(),
                body: Body::default(),
            };
        }
        self.depth += 1;
        let mut block = Block {
            name: name.to_owned(),
            required,
            repeatable: false,
            anchor: anchor.clone(),
            shared: None,
            description: String::new(),
            body: Body::default(),
        };
        match source(page, &anchor, name) {
            Some(Source::Section(section)) => self.fill_block(page, section, &mut block),
            Some(Source::Snippet(snippet)) => {
                self.fill_block(&snippet, &snippet.sections[0], &mut block)
            }
            None => self.problems.push(format!("no section for block `{name}` ({anchor})")),
        }
        self.depth -= 1;
        block
    }

    fn fill_block(&mut self, page: &Page, section: &Section, block: &mut Block) {
        self.fill(page, section, &mut block.body);
        // The snippet that defines the block, not one that only explains it.
        let defining = |s: &&String| !s.ends_with("-description") && !s.ends_with("-text");
        block.shared =
            section.snippets.iter().find(defining).map(|s| s.trim_end_matches("-block").to_owned());
        block.repeatable |= prose::repeatable(page, section, &block.name);
    }

    /// The rows of every arguments table in `section` (a name, a type, and
    /// a default or required column), and the rows whose type is a link to
    /// a block section (`[metric][]`) instead.
    fn arguments(&mut self, section: &Section) -> (Vec<Argument>, Vec<(String, String)>) {
        let mut out = Vec::new();
        let mut linked = Vec::new();
        for table in section.tables().iter().filter(|t| t.is_arguments()) {
            let column = |name: &str| {
                table
                    .column(name)
                    .or_else(|| (name == "name").then(|| table.column("attribute")).flatten())
            };
            for row in &table.rows {
                let cell =
                    |c: Option<usize>| c.and_then(|i| row.get(i)).map(String::as_str).unwrap_or("");
                let Some(name) = item_name(cell(column("name"))) else { continue };
                let ty = cell(column("type"));
                if ty.starts_with('[') {
                    linked.push((name, ty.to_owned()));
                    continue;
                }
                let ty = self.parse_type(ty).unwrap_or_else(|e| {
                    self.problems.push(format!("argument `{name}` in {:?}: {e}", section.title));
                    SchemaType::Any
                });
                let description = cell(column("description"));
                out.push(Argument {
                    default: default_text(&plain(cell(column("default"))), &ty),
                    name,
                    ty,
                    required: is_yes(cell(column("required"))),
                    enum_values: prose::enum_in_description(description),
                    deprecated: description.to_lowercase().contains("deprecated"),
                    description: String::new(),
                });
            }
        }
        (out, linked)
    }

    pub fn parse_type(&self, text: &str) -> Result<SchemaType, String> {
        let text = plain(text);
        let text = match text.as_str() {
            "receiver" => self.receiver.to_owned(),
            "list(receiver)" => format!("list({})", self.receiver),
            _ => text,
        };
        SchemaType::parse(&text)
    }

    /// Reads the prose of every block's section into `body`, now that all
    /// the members a constraint may name are in place.
    pub fn prose(&self, page: &Page, body: &mut Body) {
        for block in &mut body.blocks {
            match source(page, &block.anchor, &block.name) {
                Some(Source::Section(section)) => prose::read(&[section], &mut block.body),
                Some(Source::Snippet(snippet)) => {
                    prose::read(&[&snippet.sections[0]], &mut block.body)
                }
                None => {}
            }
            self.prose(page, &mut block.body);
        }
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn is_arguments(&self) -> bool {
        let name = self.column("name").or(self.column("attribute"));
        let named = name.is_some() && self.column("type").is_some();
        named && (self.column("default").is_some() || self.column("required").is_some())
    }
}

fn source<'p>(page: &'p Page, anchor: &str, name: &str) -> Option<Source<'p>> {
    if let Some(section) = block_section(page, anchor, name) {
        return Some(Source::Section(section));
    }
    page.snippet(&format!("{}-block", name.replace('_', "-"))).map(Source::Snippet)
}

/// The section an anchor points to; failing that, the one whose slug or
/// title matches up to dashes and underscores (`#to-attributes-block` for
/// `### to_attributes block`, `### wal block (experimental)`).
fn block_section<'p>(page: &'p Page, anchor: &str, name: &str) -> Option<&'p Section> {
    let squash = |s: &str| s.replace(['-', '_'], "");
    let wanted = anchor.trim_start_matches('#');
    page.section_by_slug(wanted)
        .or_else(|| page.sections.iter().find(|s| squash(&s.slug) == squash(wanted)))
        .or_else(|| {
            let title = format!("{name} block");
            page.sections.iter().find(|s| plain(&s.title).starts_with(&title))
        })
}

fn descend<'b>(mut body: &'b mut Body, names: &[String]) -> Option<&'b mut Body> {
    for name in names {
        body = &mut body.blocks.iter_mut().rev().find(|b| &b.name == name)?.body;
    }
    Some(body)
}

/// The text of a link cell: `[text][]`, `[text][name]` or `[text](#anchor)`.
fn link_text(cell: &str) -> Option<&str> {
    cell.strip_prefix('[')?.split_once(']').map(|(text, _)| text)
}

/// The anchor a row links to: `[text](#anchor)`, or `[name][]` or
/// `[text][name]` looked up in the page's link definitions, else the
/// heading `name block`.
fn anchor(page: &Page, link: &str, name: &str) -> String {
    let after = link.strip_prefix('[').and_then(|rest| rest.split_once(']')).map(|(_, r)| r);
    if let Some(target) = after.and_then(|r| r.strip_prefix('(')).and_then(|r| r.split_once(')')) {
        return target.0.to_owned();
    }
    let key = link.strip_prefix('[').and_then(|rest| rest.split_once(']')).map(|(text, rest)| {
        let named = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')).unwrap_or("");
        if named.is_empty() { text } else { named }.to_owned()
    });
    key.and_then(|k| page.links.get(&k).cloned())
        .filter(|target| target.starts_with('#'))
        .unwrap_or_else(|| format!("#{}", slug(&format!("{name} block"))))
}

/// `` `name` `` from a name cell; rows that name no argument give `None`.
pub fn item_name(cell: &str) -> Option<String> {
    let name = plain(cell);
    let ok =
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    ok.then_some(name)
}

fn is_yes(cell: &str) -> bool {
    plain(cell).eq_ignore_ascii_case("yes")
}

/// A default as River text. The tables write string defaults with and
/// without quotes (`"30s"`, `30s`): a bare word of a string-like type is
/// quoted. Prose in the default column (`_See below_`, "the hostname")
/// is no value and is left out.
fn default_text(text: &str, ty: &SchemaType) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let stringy = matches!(ty, SchemaType::String | SchemaType::Duration | SchemaType::Secret);
    let text = if stringy && !text.starts_with('"') && !text.contains(' ') && text != "null" {
        format!("{text:?}")
    } else {
        text.to_owned()
    };
    river_syntax::parse_expression(&text).ok().then_some(text)
}
