//! The `discovery.*` components: targets from files, HTTP endpoints, DNS,
//! Consul and this host's processes,
//! and relabelling of targets. Each component is one module with its `Registration`.

pub mod consul;
pub mod dns;
pub mod file;
mod groups;
pub mod http;
pub mod process;
pub mod relabel;
