//! The `remote.*` components: values fetched from elsewhere.

pub mod http;
