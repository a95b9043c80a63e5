//! The core of `flow run`: the component controller and modules (custom
//! components, imports and `module.*` as nested controllers), the component API
//! (`component`, `args`), the HTTP server, and what components share (the
//! HTTP client with TLS and auth, AWS request signing, the `http` block's listener and the server's own TLS (`http_tls`),
//! relabelling, labels, series, log entries and metrics), and `flow
//! test`'s runner (`testing`). The components themselves are
//! in the family crates under `components/`; the controller gets the table
//! of them from its caller, so this crate depends on none.
//!
//! Invariants: a config runs only after the analyzer has found no error in
//! it (the same rules as `flowlint`), and every component's first
//! arguments evaluated and decoded; otherwise nothing starts. Components
//! decode their arguments through the schema registry (its defaults, its
//! listed values, its names), and the receivers they export stay the same
//! while they run. A failing or panicking component (in its builder, its
//! update or its tasks) is marked unhealthy; the process goes on. Locks do
//! not poison. This crate logs through `tracing` and never prints.

pub mod args;
pub mod aws;
pub mod cluster;
pub mod component;
pub mod controller;
pub mod error;
pub mod globals;
pub mod http_client;
pub mod http_server;
pub mod http_tls;
pub mod labels;
pub mod live;
pub mod logging;
pub mod logs;
pub mod metrics;
pub mod module;
pub mod native_histogram;
pub mod relabel;
pub mod remotecfg;
pub mod run;
pub mod series;
pub mod server;
pub mod targets;
pub mod testing;
pub mod timestamp;
pub mod tls_server;
pub mod traces;
pub mod ui;

pub use args::Args;
