//! What the API shows of the running components: each with its health,
//! arguments, exports, debug info and references, and the components of
//! modules under their nested ids (`add.x/local.file.f`). A module's
//! health is rolled up: a healthy module with an unhealthy component
//! inside shows unhealthy, naming it.

use river_analyzer::Value;

use super::{Controller, Node};
use crate::component::{Health, HealthKind, Scrape};

/// What the API shows of a component.
#[derive(Debug, Clone)]
pub struct ComponentInfo {
    /// Its id, nested ids included (`add.x/local.file.f`).
    pub id: String,
    pub name: String,
    pub health: Health,
    pub arguments: Value,
    pub exports: Value,
    pub debug_info: Option<serde_json::Value>,
    pub references: Vec<String>,
    pub referenced_by: Vec<String>,
    /// For a module (a custom component's instance, a `module.*`): the id
    /// its components are listed under.
    pub module: Option<String>,
    /// Where its block is: file and line, and the block as written
    /// (secret literals hidden).
    pub file: String,
    pub line: u32,
    pub block: String,
    /// The last changes of its health, oldest first.
    pub health_history: Vec<Health>,
}

impl Controller {
    /// Every component, in dependency order.
    pub fn components(&self) -> Vec<ComponentInfo> {
        let nodes = self.inner.nodes.lock();
        nodes.iter().map(|node| self.info(node, &nodes)).collect()
    }

    /// The component with id `id`, nested or not.
    pub fn component(&self, id: &str) -> Option<ComponentInfo> {
        match self.module_of(id) {
            Some(module) => module.components().into_iter().find(|c| c.id == id),
            None => self.components().into_iter().find(|c| c.id == id),
        }
    }

    /// One scrape of the exporter with id `id`, nested or not; `None`
    /// when there is no such component or it is not an exporter.
    pub fn scrape(&self, id: &str, query: &[(String, String)]) -> Option<Scrape> {
        let owner = self.module_of(id).unwrap_or_else(|| self.clone());
        let nodes = owner.inner.nodes.lock();
        let local = id.strip_prefix(owner.inner.prefix.as_str())?;
        let node = nodes.iter().find(|n| n.planned.id == local)?;
        let component = node.component.as_ref()?;
        node.state.guard(|| component.scrape(query)).ok().flatten()
    }

    /// The components of the module with id `id` (`add.x`, `a.x/b.y`).
    pub fn module(&self, id: &str) -> Option<Controller> {
        let (first, rest) = match id.split_once('/') {
            Some((first, rest)) => (first, Some(rest)),
            None => (id, None),
        };
        let module = {
            let nodes = self.inner.nodes.lock();
            nodes.iter().find(|n| n.planned.id == first).and_then(|n| n.module.clone())
        };
        let module = module.or_else(|| self.service(first))?;
        match rest {
            None => Some(module),
            Some(rest) => module.module(rest),
        }
    }

    /// The module holding the component `id`, when it is nested.
    fn module_of(&self, id: &str) -> Option<Controller> {
        let (module, _) = id.rsplit_once('/')?;
        self.module(module)
    }

    fn info(&self, node: &Node, nodes: &[Node]) -> ComponentInfo {
        let prefix = &self.inner.prefix;
        let id = format!("{prefix}{}", node.planned.id);
        let full = |local: &String| format!("{prefix}{local}");
        ComponentInfo {
            health: rolled_up(node),
            name: node.planned.name.clone(),
            arguments: node.args.to_value(),
            exports: node.state.exports.lock().clone(),
            debug_info: node.component.as_ref().and_then(|c| {
                node.state.guard(|| c.debug_info()).unwrap_or_else(|p| Some(p.to_string().into()))
            }),
            references: node.planned.deps.iter().map(full).collect(),
            referenced_by: nodes
                .iter()
                .filter(|n| n.planned.deps.contains(&node.planned.id))
                .map(|n| full(&n.planned.id))
                .collect(),
            module: node.module.as_ref().map(|_| id.clone()),
            file: node.planned.file.clone(),
            line: node.planned.line,
            block: super::redact::shown_block(&node.planned),
            health_history: node.state.history.lock().iter().cloned().collect(),
            id,
        }
    }
}

/// A node's health, or a module's worst inside when it is itself healthy.
fn rolled_up(node: &Node) -> Health {
    let own = node.state.health.lock().clone();
    let Some(module) = &node.module else { return own };
    if own.kind != HealthKind::Healthy {
        return own;
    }
    let inner = module.components();
    match inner.iter().find(|c| c.health.kind == HealthKind::Unhealthy) {
        Some(bad) => Health {
            kind: HealthKind::Unhealthy,
            message: format!("{} is unhealthy: {}", bad.id, bad.health.message),
            updated: bad.health.updated,
        },
        None => own,
    }
}
