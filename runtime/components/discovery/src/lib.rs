//! The `discovery.*` components: targets from files, and relabelling of
//! targets. Each component is one module with its `Registration`.

pub mod file;
pub mod relabel;
