//! The `prometheus.exporter.*` components: each gathers metrics in
//! process and serves them for its own scrape targets at
//! `/api/v0/component/{id}/metrics` on the in-memory address, as the
//! reference's embedded exporters do. A component exports `targets` built
//! by `target.rs` and answers `Component::scrape` with an `Exposition`
//! rendered per scrape; nothing here listens on a socket of its own.

pub mod blackbox;
pub mod exposition;
pub mod process;
pub mod self_metrics;
pub mod target;
pub mod unix;
