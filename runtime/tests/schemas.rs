//! Each component this build runs against its schema in the registry: the
//! component exists there, and every setting it declares as not honoured
//! yet is a real setting of that schema (so that the refusal list stays
//! exact as schemas change). Settings outside the list are decoded by the
//! component; settings outside the schema never reach it (the analyzer
//! refuses them first).

use river_analyzer::schema::{registry, Body};
use river_runtime::components::{builder, not_yet, RUNNABLE};

fn paths(body: &Body, prefix: &str, out: &mut Vec<String>) {
    for argument in &body.arguments {
        out.push(format!("{prefix}{}", argument.name));
    }
    for block in &body.blocks {
        out.push(format!("{prefix}{}", block.name));
        paths(&block.body, &format!("{prefix}{}/", block.name), out);
    }
}

#[test]
fn every_runnable_component_matches_its_schema() {
    for name in RUNNABLE {
        assert!(builder(name).is_some(), "{name} has no builder");
        let component =
            registry().get(name).unwrap_or_else(|| panic!("{name} is not in the registry"));
        let mut known = Vec::new();
        paths(&component.body, "", &mut known);
        for path in not_yet(name) {
            assert!(
                known.iter().any(|k| k == path),
                "{name}: `{path}` is not in its schema: {known:?}"
            );
        }
    }
}
