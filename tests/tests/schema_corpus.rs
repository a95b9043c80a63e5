//! The registry knows everything real configs use: every converter golden
//! and every docs example the reference formatter accepted uses only
//! components, arguments and blocks of the registry, with labels where
//! they belong and repeated blocks only where they may repeat. Fragments
//! (a `rule` or `stage.*` block shown alone) are checked as part of the
//! bodies that hold such a block. The converter's goldens are complete
//! configs, so they must also set every required member and keep the rules
//! between members. What the docs (or the reference converter) get wrong
//! is listed, with the reason, in `data/schema-corpus-exceptions.txt`.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use river_analyzer::schema::{registry, Body, ConstraintKind, Label, Registry};
use river_syntax::ast::{self, AstNode};
use river_syntax::{parse, LineIndex};

#[test]
fn the_corpus_uses_only_what_the_registry_knows() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut files = river_tests::files_with_extension(&data.join("convert"), "river");
    files.extend(
        river_tests::files_with_extension(&data.join("docs-examples"), "river")
            .into_iter()
            .filter(|p| p.with_extension("expect").exists()),
    );
    assert!(files.len() > 500, "expected the whole corpus, found {}", files.len());
    let mut misses = BTreeSet::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(&data).unwrap().display().to_string();
        // The converter's output is complete configs; docs examples often
        // leave required parts out on purpose.
        let complete = name.starts_with("convert");
        for miss in check_file(registry(), &text, complete) {
            misses.insert(format!("{name}: {miss}"));
        }
    }
    let listed = river_tests::reviewed_list(&data.join("schema-corpus-exceptions.txt"));
    let unexpected: Vec<_> = misses.iter().filter(|m| !listed.contains_key(*m)).collect();
    let stale: Vec<_> = listed.keys().filter(|m| !misses.contains(*m)).collect();
    assert!(unexpected.is_empty(), "{} misses:\n{}", unexpected.len(), join(&unexpected));
    assert!(stale.is_empty(), "listed but no longer missing:\n{}", join(&stale));
}

fn join(items: &[&String]) -> String {
    items.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
}

fn check_file(registry: &Registry, text: &str, complete: bool) -> Vec<String> {
    let parse = parse(text);
    let index = LineIndex::new(text);
    let file = parse.tree();
    let Some(body) = file.body() else { return Vec::new() };
    let mut checker =
        Checker { registry, index: &index, misses: Vec::new(), custom: BTreeSet::new(), complete };
    checker.collect_custom(&body);
    checker.config(&body);
    checker.misses
}

struct Checker<'a> {
    registry: &'a Registry,
    index: &'a LineIndex,
    misses: Vec<String>,
    /// Names of `declare`d components and `import` namespaces.
    custom: BTreeSet<String>,
    /// Also check required members and the rules between members.
    complete: bool,
}

impl Checker<'_> {
    fn line(&self, node: &river_syntax::SyntaxNode) -> u32 {
        self.index.line_col(node.text_range().start()).line + 1
    }

    fn collect_custom(&mut self, body: &ast::Body) {
        for block in body.blocks() {
            let name = block_name(&block);
            let label = block.label().and_then(|l| l.value());
            if name == "declare" || name.starts_with("import.") {
                self.custom.extend(label);
                if let Some(inner) = block.body() {
                    self.collect_custom(&inner);
                }
            }
        }
    }

    /// A config body: components, config blocks, or a fragment.
    fn config(&mut self, body: &ast::Body) {
        for block in body.blocks() {
            let name = block_name(&block);
            let line = self.line(block.syntax());
            if self.custom.iter().any(|c| name == *c || name.starts_with(&format!("{c}."))) {
                continue;
            }
            if let Some(component) = self.registry.get(&name) {
                match (component.label, block.label().is_some()) {
                    (Label::Required, false) => {
                        self.misses.push(format!("line {line}: `{name}` needs a label"))
                    }
                    (Label::Forbidden, true) => {
                        self.misses.push(format!("line {line}: `{name}` takes no label"))
                    }
                    _ => {}
                }
                match block.body() {
                    Some(inner) if component.body.open => self.config(&inner),
                    Some(inner) => self.body(&component.body, &inner, &name),
                    None => {}
                }
            } else {
                self.fragment(&block, &name, line);
            }
        }
        for attribute in body.attributes() {
            let name = attribute.name().map(|t| t.text().to_owned()).unwrap_or_default();
            let line = self.line(attribute.syntax());
            self.misses.push(format!("line {line}: attribute `{name}` outside any block"));
        }
    }

    /// A block shown alone is fine if some body of the registry accepts it.
    fn fragment(&mut self, block: &ast::Block, name: &str, line: u32) {
        let mut homes = Vec::new();
        for component in self.registry.iter() {
            find_homes(self.registry, &component.body, name, &mut homes);
        }
        if homes.is_empty() {
            self.misses.push(format!("line {line}: unknown component `{name}`"));
            return;
        }
        let inner = block.body();
        let fits = homes.iter().any(|home| {
            let mut trial = Checker {
                registry: self.registry,
                index: self.index,
                misses: Vec::new(),
                custom: self.custom.clone(),
                complete: false,
            };
            if let Some(inner) = &inner {
                trial.body(home, inner, name);
            }
            trial.misses.is_empty()
        });
        if !fits {
            self.misses.push(format!("line {line}: fragment `{name}` fits no block of that name"));
        }
    }

    fn body(&mut self, schema: &Body, body: &ast::Body, path: &str) {
        for attribute in body.attributes() {
            let name = attribute.name().map(|t| t.text().to_owned()).unwrap_or_default();
            if schema.argument(&name).is_none() && !schema.free_arguments {
                let line = self.line(attribute.syntax());
                self.misses.push(format!("line {line}: unknown argument `{name}` in `{path}`"));
            }
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for block in body.blocks() {
            let name = block_name(&block);
            let line = self.line(block.syntax());
            let Some(inner_schema) = self.registry.block_in(schema, &name) else {
                self.misses.push(format!("line {line}: unknown block `{name}` in `{path}`"));
                continue;
            };
            let count = seen.entry(name.clone()).or_default();
            *count += 1;
            if *count == 2 && !inner_schema.repeatable {
                self.misses.push(format!("line {line}: block `{name}` repeated in `{path}`"));
            }
            if let Some(inner) = block.body() {
                self.body(&inner_schema.body, &inner, &format!("{path}/{name}"));
            }
        }
        if self.complete {
            self.completeness(schema, body, path);
        }
    }

    /// Required members are present, and no rule between members is broken.
    fn completeness(&mut self, schema: &Body, body: &ast::Body, path: &str) {
        let mut present: BTreeSet<String> =
            body.attributes().filter_map(|a| a.name()).map(|t| t.text().to_owned()).collect();
        present.extend(body.blocks().map(|b| block_name(&b)));
        let line = self.line(body.syntax());
        for argument in schema.arguments.iter().filter(|a| a.required && !present.contains(&a.name))
        {
            self.misses
                .push(format!("line {line}: `{path}` lacks required argument `{}`", argument.name));
        }
        for block in schema.blocks.iter().filter(|b| b.required && !present.contains(&b.name)) {
            self.misses
                .push(format!("line {line}: `{path}` lacks required block `{}`", block.name));
        }
        for constraint in &schema.constraints {
            let set = constraint.members.iter().filter(|m| present.contains(*m)).count();
            let broken = match constraint.kind {
                ConstraintKind::AtMostOne => set > 1,
                ConstraintKind::ExactlyOne => set != 1,
            };
            if broken {
                self.misses.push(format!(
                    "line {line}: `{path}` breaks {:?} {:?}",
                    constraint.kind, constraint.members
                ));
            }
        }
    }
}

fn block_name(block: &ast::Block) -> String {
    block.name().map(|n| n.text()).unwrap_or_default()
}

/// Every body in `body`'s subtree that has a block called `name`.
fn find_homes<'a>(registry: &'a Registry, body: &'a Body, name: &str, out: &mut Vec<&'a Body>) {
    for block in registry.blocks_of(body) {
        if block.name == name {
            out.push(&block.body);
        }
        if body.blocks_from.is_none() || body.blocks.iter().any(|b| std::ptr::eq(b, block)) {
            find_homes(registry, &block.body, name, out);
        }
    }
}
