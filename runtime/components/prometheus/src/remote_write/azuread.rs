//! The endpoint's `azuread` block: requests carry a bearer token for
//! Azure Monitor, issued to the VM's (or node's) managed identity
//! `client_id` by the instance metadata service, as Azure's SDK asks it.
//! `AZURE_POD_IDENTITY_AUTHORITY_HOST` replaces the service's address, as
//! it does for the SDK. Tokens are kept until five minutes before expiry.

use std::time::{Duration, SystemTime};

use river_runtime::args::Args;
use river_runtime::error::Error;
use river_runtime::http_client::expiring::Expiring;

const IMDS: &str = "http://169.254.169.254";
const EARLY: Duration = Duration::from_secs(300);

pub struct AzureAd {
    client_id: String,
    /// The Azure Monitor resource of the block's `cloud`.
    resource: &'static str,
    http: reqwest::Client,
    token: Expiring<String>,
}

impl AzureAd {
    pub fn from_args(block: &Args) -> Result<AzureAd, Error> {
        let cloud: String = block.get("cloud")?;
        let resource = match cloud.as_str() {
            "AzurePublic" => "https://monitor.azure.com",
            "AzureChina" => "https://monitor.azure.cn",
            "AzureGovernment" => "https://monitor.azure.us",
            other => return Err(block.invalid("cloud", format!("unknown cloud {other:?}")).into()),
        };
        let identity = block
            .block("managed_identity")
            .ok_or_else(|| block.invalid("managed_identity", "is required"))?;
        let client_id: String = identity.require("client_id")?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .no_proxy()
            .build()
            .map_err(|e| {
            Error::invalid(format!("azuread: cannot build the HTTP client: {e}"))
        })?;
        Ok(AzureAd { client_id, resource, http, token: Expiring::new(EARLY) })
    }

    /// The `Authorization` header's value now.
    pub async fn authorization(&self) -> Result<String, Error> {
        let token = self.token.get(|| self.fetch()).await?;
        Ok(format!("Bearer {token}"))
    }

    async fn fetch(&self) -> Result<(String, Duration), Error> {
        let host = std::env::var("AZURE_POD_IDENTITY_AUTHORITY_HOST")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| IMDS.to_owned());
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("api-version", "2018-02-01"),
                ("resource", self.resource),
                ("client_id", self.client_id.as_str()),
            ])
            .finish();
        let url = format!("{}/metadata/identity/oauth2/token?{query}", host.trim_end_matches('/'));
        let response =
            self.http.get(&url).header("Metadata", "true").send().await.map_err(|e| {
                Error::remote(&host, format!("cannot reach the instance metadata service: {e}"))
            })?;
        let status = response.status();
        let body = response.text().await.map_err(|e| Error::remote(&host, e))?;
        if !status.is_success() {
            let message =
                format!("the instance metadata service answered {status}: {}", body.trim());
            return Err(Error::remote(&host, message));
        }
        parse_token(&body).map_err(|message| Error::remote(&host, message))
    }
}

/// `access_token` and how long it lasts, from the service's answer
/// (`expires_on` is in seconds since the epoch, as a string or number).
fn parse_token(body: &str) -> Result<(String, Duration), String> {
    let json: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("the token answer: {e}"))?;
    let token = json["access_token"].as_str().ok_or("the answer has no access_token")?;
    let expires_on = match &json["expires_on"] {
        serde_json::Value::String(s) => s.parse::<u64>().ok(),
        other => other.as_u64(),
    };
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let lifetime = expires_on
        .map_or(Duration::from_secs(3600), |at| Duration::from_secs(at.saturating_sub(now)));
    Ok((token.to_owned(), lifetime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_answers_are_read_with_their_expiry() {
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        let body = format!(
            r#"{{"access_token":"eyJ","expires_on":"{}","token_type":"Bearer"}}"#,
            now + 600
        );
        let (token, lifetime) = parse_token(&body).unwrap();
        assert_eq!(token, "eyJ");
        assert!(lifetime <= Duration::from_secs(600) && lifetime >= Duration::from_secs(590));
        assert!(parse_token(r#"{"error":"invalid_request"}"#).is_err());
    }
}
