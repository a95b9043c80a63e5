//! Why a push body is refused (the 400 answer of `loki.source.api`), and
//! where in it: the stream and entry at fault, or the byte of a stream's
//! label text.

use crate::labels_text::LabelsError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    #[error("unsupported content encoding {0:?}")]
    Encoding(String),
    /// `how` names the compression when it is the protocol's (snappy).
    #[error("cannot decompress the request{how}: {why}")]
    Decompress { how: &'static str, why: String },
    #[error("cannot decode the push request (protobuf): {0}")]
    Protobuf(String),
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("the body has no \"streams\" list")]
    NoStreams,
    #[error(transparent)]
    Labels(#[from] LabelsError),
    /// A JSON stream (by index), or one of its entries, is not as Loki
    /// writes it.
    #[error("streams[{stream}]: {}{why}", entry.map(|e| format!("values[{e}]: ")).unwrap_or_default())]
    Stream { stream: usize, entry: Option<usize>, why: String },
}
