//! The `local.*` components: values and files from the machine `flow run`
//! runs on.

pub mod file;
pub mod file_match;
