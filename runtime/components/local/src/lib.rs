//! The `local.*` components: values from the machine `flow run` runs on.

pub mod file;
