//! One remote write endpoint's settings, from its `endpoint` block: where
//! and how to send, the queue, retries, signing, and metadata.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::azuread::AzureAd;
use super::sigv4::SigV4;
use super::wal::Wal;
use river_runtime::args::{ArgError, Args};
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;
use river_runtime::relabel::{self, Rule};

#[derive(Clone)]
pub struct Endpoint {
    /// Its name in metrics and in its position file.
    pub name: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub client: HttpClient,
    pub sample_age_limit: Duration,
    pub max_samples_per_send: usize,
    pub min_shards: usize,
    pub max_shards: usize,
    pub batch_send_deadline: Duration,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    pub retry_on_429: bool,
    pub write_relabel: Vec<Rule>,
    pub sigv4: Option<Arc<SigV4>>,
    pub azuread: Option<Arc<AzureAd>>,
    /// Native histogram samples are sent only with this on (the reference's
    /// default is off: not every endpoint takes them).
    pub send_native_histograms: bool,
    /// Exemplars go with their samples unless this is off.
    pub send_exemplars: bool,
    /// `metadata_config`, when metadata is sent.
    pub metadata: Option<MetadataSettings>,
}

impl Endpoint {
    pub fn from_args(args: &Args) -> Result<Endpoint, Error> {
        let url: String = args.require("url")?;
        let name = match args.opt::<String>("name")? {
            Some(name) => name,
            None => format!("{:x}", md5::compute(url.as_bytes()))[..6].to_owned(),
        };
        let queue = args.block_or_empty("queue_config");
        let headers: indexmap::IndexMap<String, String> = args.get("headers")?;
        let timeout = args.get("remote_timeout")?;
        Ok(Endpoint {
            name,
            url,
            headers: headers.into_iter().collect(),
            client: HttpClient::from_args(args, timeout)?,
            sample_age_limit: queue.get("sample_age_limit")?,
            max_samples_per_send: queue.get::<u64>("max_samples_per_send")?.max(1) as usize,
            min_shards: queue.get::<u64>("min_shards")?.max(1) as usize,
            max_shards: queue.get::<u64>("max_shards")?.max(1) as usize,
            batch_send_deadline: queue.get("batch_send_deadline")?,
            min_backoff: queue.get("min_backoff")?,
            max_backoff: queue.get("max_backoff")?,
            retry_on_429: queue.get("retry_on_http_429")?,
            write_relabel: relabel::rules_from(
                &args.blocks("write_relabel_config").cloned().collect::<Vec<_>>(),
            )?,
            sigv4: args.block("sigv4").map(SigV4::from_args).transpose()?.map(Arc::new),
            azuread: args.block("azuread").map(AzureAd::from_args).transpose()?.map(Arc::new),
            send_native_histograms: args.get("send_native_histograms")?,
            send_exemplars: args.get("send_exemplars")?,
            metadata: MetadataSettings::from_endpoint(args)?,
        })
    }

    pub fn position_file(&self, wal: &Wal) -> PathBuf {
        wal.dir().join(format!("position-{}", sanitize(&self.name)))
    }
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect()
}

/// An endpoint's `metadata_config`, when `send` is on.
#[derive(Debug, Clone)]
pub struct MetadataSettings {
    pub send_interval: Duration,
    pub max_per_send: usize,
}

impl MetadataSettings {
    /// The settings from an `endpoint` block; `None` when sending is off.
    pub fn from_endpoint(args: &Args) -> Result<Option<MetadataSettings>, ArgError> {
        let config = args.block_or_empty("metadata_config");
        if !config.get("send")? {
            return Ok(None);
        }
        Ok(Some(MetadataSettings {
            send_interval: config.get("send_interval")?,
            max_per_send: config.get::<u64>("max_samples_per_send")?.max(1) as usize,
        }))
    }
}
