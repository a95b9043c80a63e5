//! Just enough Markdown for the reference pages: front matter, the Hugo
//! `docs/shared` shortcodes (expanded in place), headings, pipe tables and
//! reference-style link definitions. Code fences are skipped everywhere.

use std::collections::HashMap;
use std::path::Path;

/// A page with its shared snippets expanded, cut into sections.
pub struct Page {
    pub title: String,
    pub sections: Vec<Section>,
    /// `[name]: #anchor` definitions.
    pub links: HashMap<String, String>,
    /// Stems of the stability snippets the page includes (`beta`).
    pub stability: Vec<String>,
    /// The docs tree the page belongs to.
    pub docs: std::path::PathBuf,
}

/// The lines under one heading, up to the next heading of any level.
pub struct Section {
    pub level: usize,
    pub title: String,
    pub slug: String,
    /// Prose and table lines, code fences removed.
    pub lines: Vec<String>,
    /// Code fences of the section, each as its lines.
    pub code: Vec<Vec<String>>,
    /// Stems of the `*-block.md` snippets included in this section.
    pub snippets: Vec<String>,
}

/// One pipe table: lower-cased header cells and the body rows.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Page {
    pub fn read(path: &Path, docs: &Path) -> Result<Page, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (_, body) = split_front_matter(&text);
        let mut stability = Vec::new();
        let lines = expand(body, docs, &mut stability, 0)?;
        let mut page = Page {
            title: String::new(),
            sections: Vec::new(),
            links: HashMap::new(),
            stability,
            docs: docs.to_owned(),
        };
        page.cut(lines);
        page.title = page
            .sections
            .iter()
            .find(|s| s.level == 1)
            .map(|s| s.title.clone())
            .unwrap_or_default();
        Ok(page)
    }

    fn cut(&mut self, lines: Vec<String>) {
        let mut current = Section::new(0, "");
        let mut fence: Option<Vec<String>> = None;
        for line in lines {
            if line.trim_start().starts_with("```") {
                match fence.take() {
                    Some(code) => current.code.push(code),
                    None => fence = Some(Vec::new()),
                }
                continue;
            }
            if let Some(code) = &mut fence {
                code.push(line);
                continue;
            }
            if let Some(stem) = line.strip_prefix(SNIPPET_MARK) {
                current.snippets.push(stem.to_owned());
            } else if let Some((level, title)) = heading(&line) {
                self.sections.push(std::mem::replace(&mut current, Section::new(level, title)));
            } else if let Some((name, anchor)) = link_definition(&line) {
                self.links.insert(name, anchor);
            } else {
                current.lines.push(line);
            }
        }
        self.sections.push(current);
    }

    /// The level-2 section titled `title`, with its subsections.
    pub fn chapter(&self, title: &str) -> Vec<&Section> {
        let Some(start) = self.sections.iter().position(|s| s.level == 2 && s.title == title)
        else {
            return Vec::new();
        };
        let rest = &self.sections[start + 1..];
        let end = rest.iter().position(|s| s.level <= 2).unwrap_or(rest.len());
        std::iter::once(&self.sections[start]).chain(&rest[..end]).collect()
    }

    /// A shared snippet read on its own (`basic-auth-block`), for a block
    /// whose page forgot its section.
    pub fn snippet(&self, stem: &str) -> Option<Page> {
        let path = self.docs.join("shared/reference/components").join(format!("{stem}.md"));
        let mut page = Page::read(&path, &self.docs).ok()?;
        page.sections[0].snippets.push(stem.to_owned());
        Some(page)
    }

    pub fn section_by_slug(&self, slug: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.slug == slug)
    }
}

impl Section {
    /// A title may end in an explicit anchor: `### label block {#filter-label-block}`.
    fn new(level: usize, title: &str) -> Section {
        let (title, slug) = match title.rsplit_once("{#") {
            Some((text, id)) => (text.trim(), id.trim_end_matches('}').to_owned()),
            None => (title, slug(title)),
        };
        Section {
            level,
            title: title.to_owned(),
            slug,
            lines: Vec::new(),
            code: Vec::new(),
            snippets: Vec::new(),
        }
    }

    pub fn tables(&self) -> Vec<Table> {
        let mut tables = Vec::new();
        let mut i = 0;
        while i + 1 < self.lines.len() {
            if is_row(&self.lines[i]) && is_separator(&self.lines[i + 1]) {
                let header = cells(&self.lines[i]).iter().map(|c| c.to_lowercase()).collect();
                let mut rows = Vec::new();
                i += 2;
                while i < self.lines.len() && is_row(&self.lines[i]) {
                    rows.push(cells(&self.lines[i]));
                    i += 1;
                }
                tables.push(Table { header, rows });
            } else {
                i += 1;
            }
        }
        tables
    }

    /// The prose, joined into paragraphs and list items.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

const SNIPPET_MARK: &str = "\u{0}snippet:";

fn split_front_matter(text: &str) -> (&str, &str) {
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            return (&rest[..end], &rest[end + 5..]);
        }
    }
    ("", text)
}

/// Replaces each `{{< docs/shared lookup="..." >}}` with the snippet's body.
fn expand(
    text: &str,
    docs: &Path,
    stability: &mut Vec<String>,
    depth: usize,
) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(lookup) = shortcode_lookup(line) else {
            out.push(line.to_owned());
            continue;
        };
        // Lookups outside `flow/` point into the general agent docs, which
        // hold prose only (no schema facts): they are left out.
        let Some(relative) = lookup.strip_prefix("flow/") else { continue };
        let path = docs.join("shared").join(relative);
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        if relative.starts_with("stability/") {
            stability.push(stem);
            continue;
        }
        if depth > 4 {
            return Err(format!("snippets nest too deep at {lookup}"));
        }
        let snippet =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        out.push(format!("{SNIPPET_MARK}{stem}"));
        out.extend(expand(split_front_matter(&snippet).1, docs, stability, depth + 1)?);
    }
    Ok(out)
}

fn shortcode_lookup(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("{{<")?.trim_start().strip_prefix("docs/shared")?;
    let start = rest.find("lookup=\"")? + "lookup=\"".len();
    let len = rest[start..].find('"')?;
    Some(&rest[start..start + len])
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    let title = line[level..].strip_prefix(' ')?;
    (1..=6).contains(&level).then_some((level, title.trim()))
}

fn link_definition(line: &str) -> Option<(String, String)> {
    let rest = line.trim().strip_prefix('[')?;
    let (name, target) = rest.split_once("]:")?;
    Some((name.to_owned(), target.trim().to_owned()))
}

/// Hugo's heading anchor: lower case, punctuation other than `-` and `_`
/// dropped, spaces as dashes.
pub fn slug(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn is_row(line: &str) -> bool {
    line.contains('|')
}

fn is_separator(line: &str) -> bool {
    let line = line.trim();
    line.contains('-') && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// A row's cells, split at pipes outside code spans, trimmed.
pub fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line.strip_suffix('|').unwrap_or(line);
    let mut cells = vec![String::new()];
    let mut in_code = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cells.last_mut().unwrap().push(chars.next().unwrap())
            }
            '`' => {
                in_code = !in_code;
                cells.last_mut().unwrap().push(c);
            }
            '|' if !in_code => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// A cell without its code-span backticks and emphasis. Text inside code
/// spans is kept as it is (`(.*)` keeps its star).
pub fn plain(cell: &str) -> String {
    cell.split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { part.to_owned() } else { part.replace('*', "") })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
impl Section {
    /// A section of these lines, for tests.
    pub fn of(lines: &str) -> Section {
        let mut section = Section::new(3, "demo block");
        section.lines = lines.lines().map(str::to_owned).collect();
        section
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_explicit_anchors() {
        assert_eq!(slug("stage.json block"), "stagejson-block");
        assert_eq!(slug("`tls` block"), "tls-block");
        assert_eq!(Section::new(3, "label block {#filter-label-block}").slug, "filter-label-block");
    }

    #[test]
    fn cells_keep_pipes_and_stars_inside_code() {
        assert_eq!(cells("| `a|b` | `string` |"), vec!["`a|b`", "`string`"]);
        assert_eq!(plain("`(.*)`"), "(.*)");
        assert_eq!(plain("**yes**"), "yes");
    }

    #[test]
    fn tables_with_and_without_outer_pipes() {
        let section = Section::of("Name | Type\n---- | ----\n`a` | `string`\n\n| Name | Type |\n|---|---|\n| `b` | `bool` |");
        let tables = section.tables();
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[1].rows[0], vec!["`b`", "`bool`"]);
    }
}
