//! The `oauth2` block: tokens from `token_url` by the client-credentials
//! grant, kept until shortly before they expire and shared by every
//! request of the client.

use std::time::Duration;

use super::expiring::Expiring;
use super::{client_builder, secret_or_file};
use crate::args::Args;
use crate::error::{Error, Result};

pub struct OAuth2 {
    /// A client with the block's own proxy and TLS settings.
    http: reqwest::Client,
    token_url: String,
    client_id: String,
    client_secret: String,
    /// The form fields of the token request besides the credentials.
    form: Vec<(String, String)>,
    token: Expiring<String>,
}

/// A token is fetched again this long before it expires.
const EARLY: Duration = Duration::from_secs(10);

/// How long a token without `expires_in` is used.
const NO_EXPIRY: Duration = Duration::from_secs(3600);

impl OAuth2 {
    pub fn from_args(block: &Args, timeout: Duration) -> Result<OAuth2> {
        let token_url: String = block.get("token_url")?;
        if token_url.is_empty() {
            return Err(block.invalid("token_url", "is required").into());
        }
        let scopes: Vec<String> = block.get("scopes")?;
        let params: indexmap::IndexMap<String, String> = block.get("endpoint_params")?;
        let mut form = vec![("grant_type".to_owned(), "client_credentials".to_owned())];
        if !scopes.is_empty() {
            form.push(("scope".to_owned(), scopes.join(" ")));
        }
        form.extend(params);
        let http = client_builder(block, timeout, false)?
            .build()
            .map_err(|e| Error::invalid(format!("oauth2: cannot build the HTTP client: {e}")))?;
        Ok(OAuth2 {
            http,
            token_url,
            client_id: block.get("client_id")?,
            client_secret: secret_or_file(block, "client_secret", "client_secret_file")?
                .unwrap_or_default(),
            form,
            token: Expiring::new(EARLY),
        })
    }

    /// A valid access token, fetched when there is none or it is about to
    /// expire.
    pub async fn token(&self) -> Result<String> {
        self.token.get(|| self.fetch()).await
    }

    async fn fetch(&self) -> Result<(String, Duration)> {
        // Encoded before any await: the serializer is not `Send`.
        let body =
            form_urlencoded::Serializer::new(String::new()).extend_pairs(&self.form).finish();
        let response = self
            .http
            .post(&self.token_url)
            .basic_auth(&self.client_id, Some(&self.client_secret))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| Error::remote(&self.token_url, format!("cannot reach it: {e}")))?;
        let status = response.status();
        let body = response.text().await.map_err(|e| Error::remote(&self.token_url, e))?;
        if !status.is_success() {
            return Err(Error::remote(
                &self.token_url,
                format!("answered {status}: {}", body.trim()),
            ));
        }
        parse_token(&body).map_err(|message| Error::remote(&self.token_url, message))
    }
}

/// `access_token` and its lifetime from a token response.
fn parse_token(body: &str) -> std::result::Result<(String, Duration), String> {
    let json: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("the token response: {e}"))?;
    let token = json["access_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .ok_or("the token response has no access_token")?;
    let lifetime = json["expires_in"].as_u64().map_or(NO_EXPIRY, Duration::from_secs);
    Ok((token.to_owned(), lifetime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_responses_are_read_with_their_lifetime() {
        let (token, lifetime) =
            parse_token(r#"{"access_token":"abc","token_type":"Bearer","expires_in":60}"#).unwrap();
        assert_eq!((token.as_str(), lifetime), ("abc", Duration::from_secs(60)));
        assert_eq!(parse_token(r#"{"access_token":"x"}"#).unwrap().1, NO_EXPIRY);
        assert!(parse_token(r#"{"error":"invalid_client"}"#)
            .unwrap_err()
            .contains("no access_token"));
        assert!(parse_token("<html>").is_err());
    }
}
