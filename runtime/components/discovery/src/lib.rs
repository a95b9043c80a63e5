//! The `discovery.*` components: targets from files and HTTP endpoints,
//! and relabelling of targets. Each component is one module with its `Registration`.

pub mod file;
mod groups;
pub mod http;
pub mod relabel;
