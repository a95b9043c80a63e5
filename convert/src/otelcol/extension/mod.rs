//! Extensions: converted first, so components can refer to them.

pub(crate) mod jaeger_remote_sampling;
