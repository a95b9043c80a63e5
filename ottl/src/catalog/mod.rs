//! What OTTL knows of telemetry: the contexts, the paths and enum symbols
//! each has, and the functions of the processors that run statements.
//! Tables, not code, as far as they go: the collector's contexts
//! (`pkg/ottl/contexts/ottl*`), its functions (`pkg/ottl/ottlfuncs`) and
//! the transform and filter processors' own, at the version the agent
//! wraps (v0.87).

pub mod enums;
mod functions;
mod paths;

pub use functions::{Function, Functions, Param, ParamKind};
pub use paths::{enum_symbols, has_path, path_names};

/// Which telemetry a statement or condition runs on, and so which paths
/// and enums it can name. A context reaches the ones above it (a span's
/// resource and instrumentation scope), never the ones below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Resource,
    Scope,
    Span,
    SpanEvent,
    Metric,
    DataPoint,
    Log,
}

impl Context {
    pub const ALL: [Context; 7] = [
        Context::Resource,
        Context::Scope,
        Context::Span,
        Context::SpanEvent,
        Context::Metric,
        Context::DataPoint,
        Context::Log,
    ];

    /// The name a config gives the context (`context = "spanevent"`).
    pub fn name(self) -> &'static str {
        match self {
            Context::Resource => "resource",
            Context::Scope => "scope",
            Context::Span => "span",
            Context::SpanEvent => "spanevent",
            Context::Metric => "metric",
            Context::DataPoint => "datapoint",
            Context::Log => "log",
        }
    }

    /// The context a config names; `None` for any other name.
    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl std::fmt::Display for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
