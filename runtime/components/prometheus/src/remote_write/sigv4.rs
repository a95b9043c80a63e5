//! The endpoint's `sigv4` block: requests signed with AWS Signature
//! Version 4 for the `aps` service (Amazon Managed Service for
//! Prometheus), with keys found as `river_runtime::aws::credentials` says
//! and the region from the block, else `AWS_REGION`.

use river_analyzer::value::Secret;

use river_runtime::args::Args;
use river_runtime::aws::credentials::Credentials;
use river_runtime::aws::sign::Keys;
use river_runtime::aws::Signer;
use river_runtime::error::Error;

pub struct SigV4(Signer);

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
        // EC2 instance roles are not looked at here (docs/run.md).
        let source = Credentials::find(keys, block.opt("profile")?, block.opt("role_arn")?, false)
            .map_err(|message| block.invalid("profile", format!("sigv4: {message}")))?;
        Ok(SigV4(Signer::new(source, region, "aps")))
    }

    /// The headers that sign a request (see `river_runtime::aws::sign`).
    pub async fn headers(
        &self,
        method: &str,
        url: &reqwest::Url,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Vec<(String, String)>, Error> {
        self.0.headers(method, url, headers, body).await
    }
}
