//! `discovery.ec2`'s arguments: the region (as the AWS SDK finds it when
//! the block gives none), the API's address, the filters, and the keys
//! that sign each request.

use std::time::Duration;

use river_analyzer::value::Secret;

use river_runtime::args::Args;
use river_runtime::aws::credentials::Credentials;
use river_runtime::aws::sign::Keys;
use river_runtime::aws::{self, Signer};
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;

pub(crate) struct Settings {
    pub url: reqwest::Url,
    pub port: i64,
    /// Each filter's name and values.
    pub filters: Vec<(String, Vec<String>)>,
    pub signer: Signer,
    pub http: reqwest::Client,
}

impl Settings {
    pub fn region(&self) -> &str {
        self.signer.region()
    }
}

pub(crate) fn settings(args: &Args) -> Result<Settings, Error> {
    let refresh: Duration = args.get("refresh_interval")?;
    let profile = Some(args.get::<String>("profile")?).filter(|p| !p.is_empty());
    let region = region(args, profile.as_deref())?;
    let url = endpoint(args, &region)?;
    let filters = filters(args)?;
    let source = credentials(args, profile)?;
    // The shared block's proxy, TLS, redirects and HTTP/2 apply; its
    // credentials are read but never sent: each request carries its
    // signature in `Authorization`, which the reference's client leaves
    // in place too.
    let client = HttpClient::from_args(args, refresh.max(Duration::from_secs(10)))?;
    Ok(Settings {
        url,
        port: args.get("port")?,
        filters,
        signer: Signer::new(source, region, "ec2"),
        http: client.http,
    })
}

/// The block's region, else the environment's or the shared config
/// file's, else the instance's own (its metadata service), as
/// Prometheus looks for it at load.
fn region(args: &Args, profile: Option<&str>) -> Result<String, Error> {
    let region: String = args.get("region")?;
    if !region.is_empty() {
        return Ok(region);
    }
    if let Some(region) = aws::region_from_environment(profile) {
        return Ok(region);
    }
    aws::imds::region().map_err(|why| {
        let why = format!(
            "EC2 SD configuration requires a region: set it, AWS_REGION, or a region in \
             the shared config file, or run on EC2 ({why})"
        );
        args.invalid("region", why).into()
    })
}

/// `endpoint`, else the SDK's variables for it, else the region's own.
fn endpoint(args: &Args, region: &str) -> Result<reqwest::Url, Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let given: String = args.get("endpoint")?;
    let (text, setting) = match Some(given).filter(|e| !e.is_empty()) {
        Some(endpoint) => (endpoint, "endpoint"),
        None => match env("AWS_ENDPOINT_URL_EC2").or_else(|| env("AWS_ENDPOINT_URL")) {
            Some(endpoint) => (endpoint, "endpoint"),
            // China's regions have a domain of their own.
            None if region.starts_with("cn-") => {
                (format!("https://ec2.{region}.amazonaws.com.cn/"), "region")
            }
            None => (format!("https://ec2.{region}.amazonaws.com/"), "region"),
        },
    };
    match reqwest::Url::parse(&text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
        _ => Err(args.invalid(setting, format!("{text:?} is not an http(s) URL")).into()),
    }
}

fn filters(args: &Args) -> Result<Vec<(String, Vec<String>)>, Error> {
    let mut filters = Vec::new();
    for filter in args.blocks("filter") {
        let name: String = filter.require("name")?;
        let values: Vec<String> = filter.require("values")?;
        if values.is_empty() {
            let why = "EC2 SD configuration filter values cannot be empty";
            return Err(filter.invalid("values", why).into());
        }
        filters.push((name, values));
    }
    Ok(filters)
}

/// The block's keys, else the SDK's chain (ending with the instance's
/// role); with `role_arn`, those keys assume the role.
fn credentials(args: &Args, profile: Option<String>) -> Result<aws::credentials::Source, Error> {
    let access_key: String = args.get("access_key")?;
    let secret_key = args.opt::<Secret>("secret_key")?.map(|s| s.0.to_string()).unwrap_or_default();
    let keys = match (access_key.is_empty(), secret_key.is_empty()) {
        (false, false) => Some(Keys { access_key, secret_key, session_token: None }),
        (true, true) => None,
        (false, true) => return Err(args.invalid("secret_key", "access_key needs it").into()),
        (true, false) => return Err(args.invalid("access_key", "secret_key needs it").into()),
    };
    let role_arn = Some(args.get::<String>("role_arn")?).filter(|r| !r.is_empty());
    Credentials::find(keys, profile, role_arn, true)
        .map_err(|why| args.invalid("profile", why).into())
}
