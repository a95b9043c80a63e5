//! The River formatter (flowfmt): canonical style, byte for byte.
//!
//! Not built yet: this crate is planned by issue 3 and holds no code so
//! far. Nothing here claims to work; see `docs/dev/architecture.md`.
