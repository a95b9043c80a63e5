//! The component controller and components behind flow run.
//!
//! Not built yet: this crate is planned by issue 9 and holds no code so
//! far. Nothing here claims to work; see `docs/dev/architecture.md`.
