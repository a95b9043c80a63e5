//! The meaning of River: values, the evaluator and standard library, the component schema registry, and the salsa-based analysis behind flowlint.
//!
//! Not built yet: this crate is planned by issue 4-6 and holds no code so
//! far. Nothing here claims to work; see `docs/dev/architecture.md`.
