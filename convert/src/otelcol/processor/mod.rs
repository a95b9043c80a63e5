//! Processors: each reads its settings and passes on what follows it.

pub(crate) mod attributes;
pub(crate) mod batch;
pub(crate) mod k8sattributes;
pub(crate) mod matching;
pub(crate) mod memory_limiter;
pub(crate) mod probabilistic;
pub(crate) mod span;
pub(crate) mod tail_sampling;
