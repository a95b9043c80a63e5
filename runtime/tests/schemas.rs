//! Each component this build runs against its schema in the registry: the
//! component exists there and has a builder. Settings outside the schema
//! never reach a component (the analyzer refuses them first).

use river_analyzer::schema::registry;
use river_runtime::components::{builder, RUNNABLE};

#[test]
fn every_runnable_component_matches_its_schema() {
    for name in RUNNABLE {
        assert!(builder(name).is_some(), "{name} has no builder");
        assert!(registry().get(name).is_some(), "{name} is not in the registry");
    }
}
