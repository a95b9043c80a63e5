//! Exit codes shared by every binary.

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// The job is done and nothing is wrong.
    Success = 0,
    /// The job is done and found problems (lint errors, `--check`
    /// differences, evaluation errors).
    Findings = 1,
    /// The job could not be done: usage, I/O, or input that must parse.
    Failure = 2,
}

impl ExitStatus {
    /// The worse of two statuses.
    pub fn max(self, other: ExitStatus) -> ExitStatus {
        std::cmp::max(self, other)
    }
}

/// Prints a command-line parsing error (or help, or the version) and gives
/// its status: help and version succeed, anything else is a usage error.
pub fn clap_error(e: clap::Error) -> ExitStatus {
    let _ = e.print();
    match e.use_stderr() {
        true => ExitStatus::Failure,
        false => ExitStatus::Success,
    }
}
