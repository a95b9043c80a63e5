//! `loki.source.file`'s arguments: its targets as keys and entry labels,
//! the receivers, the encoding, decompression and polling; what cannot be
//! honoured is refused at its setting.

use std::time::Duration;

use encoding_rs::Encoding;

use river_runtime::args::Args;
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::logs::LogsReceiver;
use river_runtime::targets;

use super::tailer::Compression;
use crate::positions::Key;

pub(super) struct Settings {
    /// Each target's key and the labels of its entries.
    pub targets: Vec<(Key, Labels)>,
    pub forward_to: Vec<LogsReceiver>,
    /// The files' encoding when it is not UTF-8.
    pub encoding: Option<&'static Encoding>,
    pub tail_from_end: bool,
    /// Compressed files: read once, whole, after the delay.
    pub decompression: Option<(Compression, Duration)>,
    pub min_poll: Duration,
    pub max_poll: Duration,
}

pub(super) fn settings(args: &Args) -> Result<Settings, Error> {
    let targets = args.decode_with("targets", targets::from_value)?;
    let mut keyed: Vec<(Key, Labels)> = Vec::new();
    for target in &targets {
        let Some(path) = target.get("__path__").filter(|p| !p.is_empty()) else {
            tracing::warn!(target = %target, "target without __path__ skipped");
            continue;
        };
        let public = Labels::from_pairs(target.iter().filter(|(n, _)| !n.starts_with("__")));
        let key = Key { path: path.to_owned(), labels: public.to_string() };
        // Targets with the same path and public labels are one reader.
        if keyed.iter().any(|(k, _)| *k == key) {
            continue;
        }
        let labels = Labels::from_pairs(public.iter().chain([("filename", path)]));
        keyed.push((key, labels));
    }
    let encoding = encoding(args)?;
    let mut decompression = None;
    if let Some(block) = args.block("decompression") {
        let enabled: bool = block.get("enabled")?;
        let format: String = block.get("format")?;
        let delay: Duration = block.get("initial_delay")?;
        if enabled {
            let format = match format.as_str() {
                "gz" => Compression::Gzip,
                "z" => Compression::Zlib,
                "bz2" => Compression::Bzip2,
                other => {
                    return Err(block
                        .invalid("format", format!("must be one of gz, z, bz2, not {other:?}"))
                        .into())
                }
            };
            decompression = Some((format, delay));
        }
    }
    let watch = args.block_or_empty("file_watch");
    let min_poll: Duration = watch.get("min_poll_frequency")?;
    let max_poll: Duration = watch.get("max_poll_frequency")?;
    if min_poll.is_zero() {
        return Err(watch.invalid("min_poll_frequency", "must be greater than 0").into());
    }
    if max_poll < min_poll {
        return Err(watch
            .invalid("max_poll_frequency", "must not be less than min_poll_frequency")
            .into());
    }
    Ok(Settings {
        targets: keyed,
        forward_to: crate::forward_to(args)?,
        encoding,
        tail_from_end: args.get("tail_from_end")?,
        decompression,
        min_poll,
        max_poll,
    })
}

/// The `encoding`, by its WHATWG label (which covers the IANA names of
/// the usual encodings): `None` for UTF-8. Encodings in which a line
/// does not end with the byte `\n` (UTF-16, ISO-2022-JP) are refused.
fn encoding(args: &Args) -> Result<Option<&'static Encoding>, Error> {
    let name: String = args.get("encoding")?;
    if name.is_empty() {
        return Ok(None);
    }
    let Some(encoding) = Encoding::for_label(name.trim().as_bytes()) else {
        return Err(args
            .invalid("encoding", format!("{name:?} is not an encoding this build knows"))
            .into());
    };
    if encoding == encoding_rs::UTF_8 {
        return Ok(None);
    }
    if !encoding.is_ascii_compatible() || encoding == encoding_rs::REPLACEMENT {
        return Err(args
            .invalid(
                "encoding",
                format!(
                    "{name:?} ({}) is not supported yet: lines are split at the byte \\n, \
                     which this encoding does not use",
                    encoding.name()
                ),
            )
            .into());
    }
    Ok(Some(encoding))
}
