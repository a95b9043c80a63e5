//! Findings of a conversion: what could not be carried over, or needs a
//! look, with the reference's four severities.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
    /// The input could not be read at all.
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "Info",
            Severity::Warning => "Warning",
            Severity::Error => "Error",
            Severity::Critical => "Critical",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// What happened, naming the source item it is about.
    pub message: String,
}

impl Finding {
    pub fn new(severity: Severity, message: impl Into<String>) -> Finding {
        Finding { severity, message: message.into() }
    }

    /// A source setting this converter does not handle yet (the reference
    /// does): the output would be incomplete without it.
    pub fn not_yet(path: &str) -> Finding {
        Finding::new(
            Severity::Error,
            format!("`{path}` is not converted yet; add its equivalent by hand"),
        )
    }

    /// A source setting that has no equivalent, named by its YAML path.
    pub fn unsupported(path: &str) -> Finding {
        Finding::new(Severity::Error, format!("`{path}` has no equivalent in Flow and is left out"))
    }
}

/// `(Error) message`, the form of the reference's `.diags` files.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}) {}", self.severity.as_str(), self.message)
    }
}
