//! From source files to a plan: the config's components in an order where
//! each comes after the components it refers to, or the findings that make
//! `flow run` refuse it. The analyzer decides what is wrong (the same
//! rules as `flowlint`, error level only); this module adds what only the
//! runtime knows: which components this build can run.

use std::collections::HashMap;
use std::sync::Arc;

use river_analyzer::db::{item_key, Database};
use river_analyzer::lint::{config_all_findings, config_graph, ConfigGraph, Finding};
pub use river_analyzer::load::Source;
use river_syntax::ast::AstNode;
use river_syntax::{GreenNode, Severity, TextRange};

use crate::component::{self, Builder, Table};
use crate::module::source::SourceKind;
use crate::module::Declared;

/// One component of a plan.
#[derive(Debug, Clone)]
pub struct PlannedNode {
    /// `prometheus.scrape.default` (inside a module, its id there).
    pub id: String,
    pub name: String,
    pub file: String,
    pub range: TextRange,
    /// The line the block starts on, from 1 (for the UI).
    pub line: u32,
    /// The block, for evaluation.
    pub green: GreenNode,
    /// The block's text: an unchanged block keeps its component on reload.
    pub text: String,
    /// Ids of the components it refers to.
    pub deps: Vec<String>,
    /// How it is built; `None` for a config block.
    pub build: Option<Build>,
}

/// How the controller builds a planned node.
#[derive(Debug, Clone)]
pub enum Build {
    /// A built-in component, by its registration's builder.
    Component(Builder),
    /// An instance of a custom component.
    Custom(Custom),
    /// A module's `argument` block.
    Argument,
    /// A module's `export` block.
    Export,
    /// `import.file`, `import.string`, `import.http` or `import.git`.
    Import(SourceKind),
    /// `module.file`, `module.string`, `module.http` or `module.git`.
    Module(SourceKind),
}

/// Where a custom component is defined.
#[derive(Debug, Clone)]
pub enum Custom {
    /// By a `declare` in the scope of its instance.
    Local(Arc<Declared>),
    /// By the module that the import with id `import` brings in.
    Imported { import: String, name: String },
}

impl PlannedNode {
    /// The builder of a built-in component, if it is one.
    pub fn builder(&self) -> Option<Builder> {
        match self.build {
            Some(Build::Component(builder)) => Some(builder),
            _ => None,
        }
    }

    /// What the node runs beyond its block: a local custom component's
    /// definition; a change in it builds the instance again.
    pub(crate) fn definition(&self) -> Option<&str> {
        match &self.build {
            Some(Build::Custom(Custom::Local(declared))) => Some(&declared.text),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// In dependency order.
    pub nodes: Vec<PlannedNode>,
    /// Config blocks (`logging`), by name.
    pub config_blocks: Vec<PlannedNode>,
    /// The components nested modules may run.
    pub table: Table,
}

/// The plan of `sources` for the components of `table`, or every
/// error-level finding.
pub fn plan(sources: &[Source], table: Table) -> Result<Plan, Vec<Finding>> {
    plan_in(sources, table, true)
}

/// The plan of a config (`root`) or of a module's text.
pub(crate) fn plan_in(sources: &[Source], table: Table, root: bool) -> Result<Plan, Vec<Finding>> {
    let db = Database::default();
    let config = river_analyzer::load::to_config(&db, sources);
    let mut errors: Vec<Finding> = config_all_findings(&db, config)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let graph = config_graph(&db, config);
    let declares = crate::module::library(sources);
    errors.extend(crate::module::cycles(&declares, sources));
    let imports = import_labels(&db, graph);
    let mut nodes = Vec::new();
    let mut config_blocks = Vec::new();
    for (item, targets) in &graph.edges {
        let name = item.name(&db).clone();
        let range = item.range(&db);
        let file = item.file(&db).path(&db).clone();
        let syntax = item.syntax(&db);
        let text = item.file(&db).text(&db);
        let line = text[..usize::from(range.start()).min(text.len())].matches('\n').count() + 1;
        let mut node = PlannedNode {
            id: item_key(&db, *item),
            name: name.clone(),
            file: file.clone(),
            range,
            line: line as u32,
            green: syntax.green.clone(),
            text: syntax.block().syntax().text().to_string(),
            deps: targets.iter().map(|t| item_key(&db, *t)).collect(),
            build: None,
        };
        if item.label(&db).is_none() {
            if !CONFIG_BLOCKS.contains(&name.as_str()) {
                errors.push(refusal(
                    &file,
                    range,
                    format!("the `{name}` block is not supported by `flow run` yet"),
                ));
            } else if !root {
                errors.push(refusal(&file, range, format!("{name} not allowed in module")));
            }
            config_blocks.push(node);
            continue;
        }
        match how_to_build(&name, table, &declares, &imports, root) {
            Ok(Some((build, dep))) => {
                node.deps.extend(dep);
                node.build = Some(build);
                nodes.push(node);
            }
            Ok(None) => {}
            Err(message) => errors.push(refusal(&file, range, message)),
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.range.start()).cmp(&(&b.file, b.range.start())));
        errors.dedup();
        return Err(errors);
    }
    Ok(Plan { nodes: dependency_order(nodes), config_blocks, table })
}

/// The labels of the config's `import.*` blocks, with the id of each.
fn import_labels(db: &Database, graph: &ConfigGraph) -> HashMap<String, String> {
    graph
        .edges
        .iter()
        .filter(|(item, _)| item.name(db).starts_with("import."))
        .filter_map(|(item, _)| Some((item.label(db).clone()?, item_key(db, *item))))
        .collect()
}

/// How block `name` is built (with the id of an import it needs), `None`
/// for what runs nothing (`declare`, or an unknown name the analyzer has
/// reported), or why `flow run` refuses it.
fn how_to_build(
    name: &str,
    table: Table,
    declares: &crate::module::Library,
    imports: &HashMap<String, String>,
    root: bool,
) -> Result<Option<(Build, Option<String>)>, String> {
    let build = match name {
        "declare" => return Ok(None),
        "argument" | "export" if root => {
            return Err(format!("{name} blocks only allowed inside a module"))
        }
        "argument" => Build::Argument,
        "export" => Build::Export,
        "import.file" => Build::Import(SourceKind::File),
        "import.string" => Build::Import(SourceKind::String),
        "module.file" => Build::Module(SourceKind::File),
        "module.string" => Build::Module(SourceKind::String),
        "import.http" => Build::Import(SourceKind::Http),
        "module.http" => Build::Module(SourceKind::Http),
        "import.git" => Build::Import(SourceKind::Git),
        "module.git" => Build::Module(SourceKind::Git),
        _ => {
            if let Some(declared) = declares.get(name) {
                Build::Custom(Custom::Local(declared.clone()))
            } else if let Some((import, id)) =
                name.split_once('.').and_then(|(ns, rest)| Some((imports.get(ns)?, rest)))
            {
                let custom = Custom::Imported { import: import.clone(), name: id.to_owned() };
                return Ok(Some((Build::Custom(custom), Some(import.clone()))));
            } else if let Some(registration) = component::find(table, name) {
                Build::Component(registration.build)
            } else if river_analyzer::schema::registry().get(name).is_some() {
                return Err(format!(
                    "component `{name}` is not implemented by this build of `flow run` yet"
                ));
            } else {
                return Ok(None);
            }
        }
    };
    Ok(Some((build, None)))
}

/// The config blocks `flow run` reads.
const CONFIG_BLOCKS: [&str; 5] = ["logging", "http", "remotecfg", "livedebugging", "tracing"];

/// A finding of the analyzer's `not-runnable` rule, which only `flow run`
/// reports.
fn refusal(file: &str, range: TextRange, message: String) -> Finding {
    river_analyzer::lint::rules::not_runnable::RULE.finding(file, range, message)
}

/// Orders nodes so that each follows its dependencies (the analyzer has
/// refused cycles already); otherwise the source order is kept. Iterative,
/// so a long chain of components cannot exhaust the stack.
fn dependency_order(nodes: Vec<PlannedNode>) -> Vec<PlannedNode> {
    let index: HashMap<&str, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let mut placed = vec![false; nodes.len()];
    let mut order = Vec::with_capacity(nodes.len());
    for root in 0..nodes.len() {
        let mut stack = vec![(root, 0usize)];
        while let Some((node, next_dep)) = stack.pop() {
            if next_dep == 0 {
                if placed[node] {
                    continue;
                }
                placed[node] = true;
            }
            let deps = &nodes[node].deps;
            let pending = deps[next_dep.min(deps.len())..]
                .iter()
                .position(|d| index.get(d.as_str()).is_some_and(|&i| !placed[i]));
            match pending {
                Some(offset) => {
                    let at = next_dep + offset;
                    stack.push((node, at + 1));
                    stack.push((index[deps[at].as_str()], 0));
                }
                None => order.push(node),
            }
        }
    }
    let mut slots: Vec<Option<PlannedNode>> = nodes.into_iter().map(Some).collect();
    order.into_iter().map(|i| slots[i].take().expect("each node placed once")).collect()
}
