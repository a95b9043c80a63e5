//! `flow test`: a config's components tested offline with their real
//! code. A test file (`*.test.river`) holds `test` blocks; each names one
//! component of the config, gives it input and says what it must put
//! out:
//!
//! ```river
//! test "team_label_added" {
//!   component = "prometheus.relabel.tag"
//!   input  { samples = [{labels = {"__name__" = "up"}, value = 1}] }
//!   expect { samples = [{labels = {"__name__" = "up", "team" = "sre"}, value = 1}] }
//! }
//! ```
//!
//! The component is built alone from its block, the other components of
//! the config standing in for themselves ([`stand_in`]): their receivers
//! catch what it sends, their other exports are empty values. Which
//! signal a test speaks (samples, log entries, targets) follows from the
//! component's schema ([`signal`]).

mod load;
mod run;
mod signal;
mod stand_in;
mod trace;

use river_syntax::TextRange;

use crate::args::Args;

pub use load::load;
pub use run::run;
pub use trace::{trace, Step, Trace};

/// One `test` block.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// The block's label.
    pub name: String,
    pub file: String,
    /// The whole block.
    pub range: TextRange,
    pub component: String,
    /// The `input` block; `None` for a discovery evaluated from its
    /// arguments.
    pub input: Option<Args>,
    pub expect: Args,
}

/// How a test ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Passed,
    /// The component's output differs from the expected one.
    Failed(Difference),
    /// The test could not run: why.
    Error(String),
}

/// What the expected output has that the actual one lacks, and the
/// reverse, each item as one line (order does not count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// `samples`, `logs` or `targets`.
    pub signal: &'static str,
    pub missing: Vec<String>,
    pub unexpected: Vec<String>,
}
