//! `discovery.relabel`: rewrites, keeps or drops targets with relabel
//! rules, and exports the result and the rules themselves (which log
//! sources take as `relabel_rules`).

use std::sync::Arc;

use parking_lot::Mutex;
use river_analyzer::{Object, Value};

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;
use river_runtime::relabel::{self, RelabelRules};
use river_runtime::targets;

struct DiscoveryRelabel {
    ctx: Ctx,
    /// The rules' arguments and the capsule exported for them: kept while
    /// the rules stay the same, so that their users are not updated.
    rules: Mutex<Option<(Value, Value)>>,
}

/// `discovery.relabel`.
pub const DISCOVERY_RELABEL: Registration =
    Registration { name: "discovery.relabel", build, without_effect: &[] };

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let component = DiscoveryRelabel { ctx, rules: Mutex::new(None) };
    component.update(args)?;
    Ok(Arc::new(component))
}

impl Component for DiscoveryRelabel {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let input = args.decode_with("targets", targets::from_value)?;
        let rules = relabel::rules_from(&args.blocks("rule").cloned().collect::<Vec<_>>())?;
        let output: Vec<_> = input.iter().filter_map(|t| relabel::process(t, &rules)).collect();
        let mut exports = Object::new();
        exports.insert("output".into(), targets::to_value(&output));
        exports.insert("rules".into(), self.rules_capsule(args, rules));
        self.ctx.export(exports);
        Ok(())
    }
}

impl DiscoveryRelabel {
    fn rules_capsule(&self, args: &Args, rules: Vec<relabel::Rule>) -> Value {
        let source = Value::Array(args.blocks("rule").map(Args::to_value).collect());
        let mut cached = self.rules.lock();
        if let Some((previous, capsule)) = cached.as_ref() {
            if *previous == source {
                return capsule.clone();
            }
        }
        let capsule = Value::Capsule("RelabelRules", Arc::new(RelabelRules(Arc::new(rules))));
        *cached = Some((source, capsule.clone()));
        capsule
    }
}
