//! What the components that talk to AWS share (`prometheus.remote_write`'s
//! `sigv4` block, `discovery.ec2`): requests signed with Signature
//! Version 4 (`sign`), the keys they are signed with, found as the AWS
//! SDKs find them (`credentials`), and the instance metadata service that
//! gives an EC2 instance its region and its role's keys (`imds`). One copy,
//! so that every component looks for keys the same way.

pub mod credentials;
pub mod imds;
pub mod sign;

use std::path::PathBuf;
use std::time::SystemTime;

use crate::error::Error;
use credentials::{Credentials, Source};
use sign::Scope;

/// Signs the requests of one service in one region, with keys from a
/// source (fetched and kept as `credentials` says).
pub struct Signer {
    region: String,
    service: &'static str,
    credentials: Credentials,
}

impl Signer {
    pub fn new(source: Source, region: String, service: &'static str) -> Signer {
        Signer { credentials: Credentials::new(source, region.clone()), region, service }
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// The headers that sign a request (see `sign::sign`).
    pub async fn headers(
        &self,
        method: &str,
        url: &reqwest::Url,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Vec<(String, String)>, Error> {
        let keys = self.credentials.keys().await?;
        let scope = Scope { region: &self.region, service: self.service };
        Ok(sign::sign(&keys, &scope, (method, url), headers, body, SystemTime::now()))
    }
}

/// An environment variable, unless it is unset or empty.
pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The region as the SDKs find it without being told: `AWS_REGION`, else
/// `AWS_DEFAULT_REGION`, else the `region` of the profile (`profile`,
/// else `AWS_PROFILE`, else `default`) in the shared config file
/// (`AWS_CONFIG_FILE` or `~/.aws/config`).
pub fn region_from_environment(profile: Option<&str>) -> Option<String> {
    if let Some(region) = env("AWS_REGION").or_else(|| env("AWS_DEFAULT_REGION")) {
        return Some(region);
    }
    let file = env("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".aws/config")))?;
    let text = std::fs::read_to_string(file).ok()?;
    let name = profile.map(str::to_owned).or_else(|| env("AWS_PROFILE"));
    // The config file names its sections `[default]` and `[profile NAME]`.
    let section = match name.as_deref() {
        None | Some("default") => "default".to_owned(),
        Some(name) => format!("profile {name}"),
    };
    credentials::ini_value(&text, &section, "region")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_files_sections_are_found_by_profile() {
        let text = "[default]\nregion = eu-west-1\n\n[profile ci]\nregion=us-east-2\n";
        assert_eq!(credentials::ini_value(text, "default", "region").as_deref(), Some("eu-west-1"));
        assert_eq!(
            credentials::ini_value(text, "profile ci", "region").as_deref(),
            Some("us-east-2")
        );
        assert_eq!(credentials::ini_value(text, "profile other", "region"), None);
    }
}
