//! Converts Prometheus and Promtail YAML into River.
//!
//! Not built yet: this crate is planned by issue 8 and holds no code so
//! far. Nothing here claims to work; see `docs/dev/architecture.md`.
