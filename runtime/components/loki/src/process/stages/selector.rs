//! LogQL log selectors for `stage.match`: the parser is the analyzer's
//! (`river_analyzer::logql`), which the linter's `invalid-selector`
//! shares, so that a selector the editor accepts is one the stage runs.

pub use river_analyzer::logql::{parse, LineFilter, Matcher, Selector};
