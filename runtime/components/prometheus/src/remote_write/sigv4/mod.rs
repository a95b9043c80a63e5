//! The endpoint's `sigv4` block: requests signed with AWS Signature
//! Version 4 for the `aps` service (Amazon Managed Service for
//! Prometheus), with keys found as `credentials.rs` says and the region
//! from the block, else `AWS_REGION`.

mod credentials;
mod sign;

use std::time::SystemTime;

use river_analyzer::value::Secret;

use credentials::Credentials;
use river_runtime::args::Args;
use river_runtime::error::Error;
use sign::{Keys, Scope};

pub struct SigV4 {
    region: String,
    credentials: Credentials,
}

impl SigV4 {
    pub fn from_args(block: &Args) -> Result<SigV4, Error> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let region = block
            .opt::<String>("region")?
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .ok_or_else(|| block.invalid("region", "no region: set it or AWS_REGION"))?;
        let access_key = block.opt::<String>("access_key")?;
        let secret_key = block.opt::<Secret>("secret_key")?.map(|s| s.0.to_string());
        let keys = match (access_key, secret_key) {
            (Some(access_key), Some(secret_key)) => {
                Some(Keys { access_key, secret_key, session_token: None })
            }
            (None, None) => None,
            (Some(_), None) => {
                return Err(block.invalid("secret_key", "access_key needs it").into())
            }
            (None, Some(_)) => {
                return Err(block.invalid("access_key", "secret_key needs it").into())
            }
        };
        let source = Credentials::find(keys, block.opt("profile")?, block.opt("role_arn")?)
            .map_err(|message| block.invalid("profile", message))?;
        Ok(SigV4 { credentials: Credentials::new(source, region.clone()), region })
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
        let scope = Scope { region: &self.region, service: "aps" };
        Ok(sign::sign(&keys, &scope, (method, url), headers, body, SystemTime::now()))
    }
}
