//! The `discovery.*` components: targets from files, HTTP endpoints, DNS,
//! Consul, EC2, Eureka, Kuma, Marathon, Nomad, PuppetDB and this host's
//! processes, and relabelling of targets. Each component is one module with its `Registration`.

mod api;
pub mod consul;
pub mod dns;
pub mod docker;
pub mod dockerswarm;
pub mod ec2;
mod engine;
pub mod eureka;
pub mod file;
mod groups;
pub mod http;
pub mod kubernetes;
pub mod kuma;
pub mod marathon;
pub mod nomad;
pub mod process;
pub mod puppetdb;
mod refresh;
pub mod relabel;
pub mod serverset;
mod xml;
