//! Developer tasks, run as `cargo xtask TASK`. The library part lets the
//! test suite run the schema generator on the docs copy in `tests/data`.

pub mod schemas;
