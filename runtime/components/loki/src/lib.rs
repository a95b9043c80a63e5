//! The `loki.*` components of `flow run`: `loki.write` (pushes to Loki),
//! `loki.source.api` (Loki's push API as a server), `loki.source.file`
//! (tails files, with a positions file in the reference's format),
//! `loki.source.journal` (the systemd journal, through journalctl),
//! `loki.source.syslog` (RFC 5424 over TCP, TLS or UDP),
//! `loki.relabel`, `loki.process` (pipelines of stages) and `loki.echo`. Entries move between them as `river_runtime::logs`
//! entries through `LogsReceiver` capsules; the wire formats (protobuf
//! with snappy, JSON) are here.

pub mod echo;
pub mod json;
pub mod labels_text;
pub mod positions;
pub mod process;
pub mod proto;
pub mod push_error;
pub mod relabel;
pub mod source_api;
pub mod source_file;
pub mod source_journal;
pub mod source_syslog;
pub mod write;

use river_runtime::args::{ArgError, Args};
use river_runtime::logs::LogsReceiver;

/// The `forward_to` list of a component's arguments.
pub(crate) fn forward_to(args: &Args) -> Result<Vec<LogsReceiver>, ArgError> {
    args.get("forward_to")
}
