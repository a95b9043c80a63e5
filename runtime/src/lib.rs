//! The runtime behind `flow run`: the component controller, the components
//! this build runs, and the HTTP server.
//!
//! Invariants: a config runs only after the analyzer has found no error in
//! it (the same rules as `flowlint`), and every component's first
//! arguments evaluated and decoded; otherwise nothing starts. Components
//! decode their arguments with the defaults of their reference pages, and
//! the receivers they export stay the same while they run. A failing or
//! panicking component is marked unhealthy; the process goes on. Samples
//! given to `prometheus.remote_write` are in its write-ahead log before
//! anything is sent. This crate logs through `tracing` and never prints.

pub mod args;
pub mod component;
pub mod controller;
pub mod globals;
pub mod http_client;
pub mod http_server;
pub mod labels;
pub mod metrics;
pub mod native_histogram;
pub mod relabel;
pub mod run;
pub mod series;
pub mod server;
pub mod targets;

pub use args::Args;
