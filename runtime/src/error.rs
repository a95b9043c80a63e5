//! Why a component could not start, could not take new arguments, or why
//! one of its attempts failed: typed, with the place it is about (the
//! setting, the file, the remote address). Rendering stays at the edges:
//! the controller places a build error on its block, health shows the
//! message, the command line prints.

use crate::args::ArgError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A setting is wrong: its path inside the component and why.
    #[error(transparent)]
    Setting(#[from] ArgError),
    /// A file the component reads could not be read.
    #[error("cannot read {path}: {message}")]
    File { path: String, message: String },
    /// A remote end failed or refused: its address and what happened.
    #[error("{url}: {message}")]
    Remote { url: String, message: String },
    /// What the component received is not what it can use (a malformed
    /// exposition, an unknown target scheme, ...).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// A setting at `path` (`tls_config/ca_pem`) is wrong.
    pub fn setting(path: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Setting(ArgError { path: path.into(), message: message.into() })
    }

    /// `path` could not be read.
    pub fn file(path: impl std::fmt::Display, error: impl std::fmt::Display) -> Error {
        Error::File { path: path.to_string(), message: error.to_string() }
    }

    /// The remote end at `url` failed.
    pub fn remote(url: impl std::fmt::Display, message: impl std::fmt::Display) -> Error {
        Error::Remote { url: url.to_string(), message: message.to_string() }
    }

    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }
}

/// A component's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
