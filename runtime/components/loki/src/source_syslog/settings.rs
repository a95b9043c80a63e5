//! A `listener` block, read: what the listener binds, and what it makes
//! of each message (read again from the next message on, after an
//! update).

use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::tls_server::{self, TlsAcceptor};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
}

/// A listener block, read.
pub struct Settings {
    pub address: String,
    pub protocol: Protocol,
    pub idle_timeout: Duration,
    pub label_structured_data: bool,
    pub labels: Labels,
    pub use_incoming_timestamp: bool,
    pub use_rfc5424_message: bool,
    pub max_message_length: usize,
    pub tls: Option<TlsAcceptor>,
}

impl Settings {
    pub fn from_args(block: &Args) -> Result<Settings, Error> {
        let protocol = match block.get::<String>("protocol")?.as_str() {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            other => {
                let why = format!("must be \"tcp\" or \"udp\", not {other:?}");
                return Err(block.invalid("protocol", why).into());
            }
        };
        let tls = tls_server::acceptor(&block.block_or_empty("tls_config"))?;
        if tls.is_some() && protocol == Protocol::Udp {
            let why = "TLS needs a TCP listener: this one is UDP";
            return Err(block.invalid("tls_config", why).into());
        }
        let max: i64 = block.get("max_message_length")?;
        if max <= 0 {
            return Err(block.invalid("max_message_length", "must be at least 1").into());
        }
        let labels: indexmap::IndexMap<String, String> = block.get("labels")?;
        Ok(Settings {
            address: block.require("address")?,
            protocol,
            idle_timeout: block.get("idle_timeout")?,
            label_structured_data: block.get("label_structured_data")?,
            labels: Labels::from_pairs(labels.iter().map(|(n, v)| (n.as_str(), v.as_str()))),
            use_incoming_timestamp: block.get("use_incoming_timestamp")?,
            use_rfc5424_message: block.get("use_rfc5424_message")?,
            max_message_length: max as usize,
            tls,
        })
    }

    /// What makes two blocks the same listener.
    pub fn key(&self) -> (String, Protocol) {
        (self.address.clone(), self.protocol)
    }
}
