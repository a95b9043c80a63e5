//! Why one scrape of a target failed: what the target's `up` series, its
//! last error in the API, and the scrape's report series say, in the words
//! Prometheus uses.

/// One failed scrape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScrapeError {
    /// The request failed: a connection, a timeout, an HTTP status.
    #[error("{0}")]
    Fetch(String),
    /// The body is over `body_size_limit`.
    #[error("body_size_limit exceeded: the response has {len} bytes, the limit is {limit}")]
    BodyTooLarge { len: usize, limit: usize },
    /// A line of a text exposition could not be read.
    #[error("line {line}: {message}: {text:?}")]
    Line { line: usize, message: String, text: String },
    /// The body is not an exposition at all (not UTF-8, not protobuf).
    #[error("{0}")]
    Body(String),
    /// A limit of the component's was exceeded (`sample_limit`,
    /// `label_limit`, ..., `target_limit` for every target).
    #[error("{0}")]
    Limit(String),
}
