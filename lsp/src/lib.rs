//! The River language server.
//!
//! Not built yet: this crate is planned by issue 7 and holds no code so
//! far. Nothing here claims to work; see `docs/dev/architecture.md`.
