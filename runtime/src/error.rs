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
    /// A module's text was refused: its findings, placed in its files.
    #[error("{}", summary(.0))]
    Module(Vec<river_analyzer::lint::Finding>),
}

/// A module's findings on one line each, `file: message`.
fn summary(findings: &[river_analyzer::lint::Finding]) -> String {
    let lines: Vec<String> =
        findings.iter().map(|f| format!("{}: {}", f.file, f.message)).collect();
    lines.join("; ")
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

    /// The remote end at `url` failed. A password in the URL is hidden
    /// (`xxxxx`, as Go's `URL.Redacted`), in the message too: HTTP
    /// clients quote the URL in their errors, and these messages reach the
    /// log, the health and the API.
    pub fn remote(url: impl std::fmt::Display, message: impl std::fmt::Display) -> Error {
        let (url, message) = (url.to_string(), message.to_string());
        match url_password(&url) {
            Some(password) => {
                let hide = |text: &str| text.replace(&format!(":{password}@"), ":xxxxx@");
                Error::Remote { url: hide(&url), message: hide(&message) }
            }
            None => Error::Remote { url, message },
        }
    }

    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }
}

/// `url` with its password hidden (`xxxxx`, as Go's `URL.Redacted`).
pub fn redacted_url(url: &str) -> String {
    match url_password(url) {
        Some(password) => url.replace(&format!(":{password}@"), ":xxxxx@"),
        None => url.to_owned(),
    }
}

fn url_password(url: &str) -> Option<String> {
    reqwest::Url::parse(url).ok().and_then(|u| u.password().map(str::to_owned))
}

/// `error` followed by each of its causes, `: `-joined: an HTTP client's
/// own message names only the URL ("error sending request for url"),
/// the causes say why ("tcp connect error: Connection refused").
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        let said = next.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = next.source();
    }
    text
}

/// A component's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_follow_the_message() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let outer = std::io::Error::other(io);
        assert_eq!(with_causes(&outer), "Connection refused");
        #[derive(Debug)]
        struct Send(std::io::Error);
        impl std::fmt::Display for Send {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("error sending request")
            }
        }
        impl std::error::Error for Send {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(with_causes(&Send(refused)), "error sending request: refused");
    }

    #[test]
    fn passwords_in_urls_are_hidden() {
        let url = "http://user:s3cr%40t@127.0.0.1:9/push";
        let message = format!("error sending request for url ({url})");
        let shown = Error::remote(url, message).to_string();
        assert!(!shown.contains("s3cr"), "{shown}");
        assert!(shown.contains("http://user:xxxxx@127.0.0.1:9/push"), "{shown}");
        let plain = Error::remote("http://127.0.0.1:9/push", "refused").to_string();
        assert_eq!(plain, "http://127.0.0.1:9/push: refused");
    }
}
