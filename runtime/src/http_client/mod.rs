//! The HTTP client settings components share (`prometheus.scrape`, the
//! endpoints of `prometheus.remote_write`, `remote.http`): authentication
//! (basic, bearer, `authorization`, OAuth 2), proxy, TLS, redirects and
//! HTTP/2, as one `reqwest` client and the headers it adds.

pub mod expiring;
pub mod fetch;
mod oauth2;
pub mod tls;

use std::sync::Arc;
use std::time::Duration;

use river_analyzer::value::Secret;

use crate::args::Args;
use crate::error::{Error, Result};
use oauth2::OAuth2;

/// A client and the credentials it sends with each request.
#[derive(Clone)]
pub struct HttpClient {
    pub http: reqwest::Client,
    basic_auth: Option<(String, Option<String>)>,
    /// The whole `Authorization` header (bearer tokens included).
    authorization: Option<String>,
    oauth2: Option<Arc<OAuth2>>,
}

/// A client builder with the settings of `args` but credentials: what the
/// main client and the OAuth 2 token client have in common. Redirects and
/// HTTP/2 are settings of the main client only (`top`); the token client
/// follows redirects and may use HTTP/2.
fn client_builder(args: &Args, timeout: Duration, top: bool) -> Result<reqwest::ClientBuilder> {
    let mut builder = reqwest::Client::builder().timeout(timeout);
    if top && !args.get("follow_redirects")? {
        builder = builder.redirect(reqwest::redirect::Policy::none());
    }
    let http2 = !top || args.get("enable_http2")?;
    if !http2 {
        builder = builder.http1_only();
    }
    builder = proxy(args, builder)?;
    if let Some(tls) = args.block("tls_config") {
        builder = tls::apply(tls, builder, http2)?;
    }
    Ok(builder)
}

impl HttpClient {
    pub fn from_args(args: &Args, timeout: Duration) -> Result<HttpClient> {
        let builder = client_builder(args, timeout, true)?;
        let oauth2 = match args.block("oauth2") {
            Some(block) => Some(Arc::new(OAuth2::from_args(block, timeout)?)),
            None => None,
        };
        let basic_auth = match args.block("basic_auth") {
            Some(auth) => {
                Some((auth.get("username")?, secret_or_file(auth, "password", "password_file")?))
            }
            None => None,
        };
        let authorization = match args.block("authorization") {
            Some(auth) => {
                // As the reference's client: an empty type means Bearer.
                let kind: String = auth.get("type")?;
                let kind = if kind.is_empty() { "Bearer".to_owned() } else { kind };
                let credentials =
                    secret_or_file(auth, "credentials", "credentials_file")?.unwrap_or_default();
                Some(format!("{kind} {credentials}"))
            }
            None => secret_or_file(args, "bearer_token", "bearer_token_file")?
                .map(|t| format!("Bearer {t}")),
        };
        let http = builder
            .build()
            .map_err(|e| Error::invalid(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpClient { http, basic_auth, authorization, oauth2 })
    }

    /// A client that sends no credentials of its own (for transports the
    /// shared settings do not apply to, such as a Docker Engine's unix
    /// socket).
    pub fn plain(http: reqwest::Client) -> HttpClient {
        HttpClient { http, basic_auth: None, authorization: None, oauth2: None }
    }

    /// The client with this basic authentication instead of its own (for
    /// settings outside the shared block, such as Consul's deprecated
    /// `username` and `password`).
    pub fn with_basic_auth(mut self, username: String, password: Option<String>) -> HttpClient {
        self.basic_auth = Some((username, password));
        self
    }

    /// Adds the credentials to a request (fetching an OAuth 2 token first
    /// when the current one is about to expire).
    pub async fn authorize(
        &self,
        mut request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder> {
        if let Some((user, password)) = &self.basic_auth {
            request = request.basic_auth(user, password.as_ref());
        }
        if let Some(value) = &self.authorization {
            request = request.header("Authorization", value);
        }
        if let Some(oauth2) = &self.oauth2 {
            request = request.bearer_auth(oauth2.token().await?);
        }
        Ok(request)
    }
}

/// `proxy_url` with `no_proxy` and `proxy_connect_header`; the
/// environment's proxy settings only when `proxy_from_environment` is set
/// (reqwest would read them by default). Both at once is refused, as the
/// reference refuses it.
fn proxy(args: &Args, builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
    let from_environment = args.get("proxy_from_environment")?;
    if let Some(url) = args.opt::<String>("proxy_url")? {
        if from_environment {
            let message = "cannot be set together with proxy_from_environment";
            return Err(args.invalid("proxy_url", message).into());
        }
        let mut proxy =
            reqwest::Proxy::all(&url).map_err(|e| args.invalid("proxy_url", e.to_string()))?;
        if let Some(hosts) = args.opt::<String>("no_proxy")? {
            proxy = proxy.no_proxy(reqwest::NoProxy::from_string(&hosts));
        }
        let connect: indexmap::IndexMap<String, Vec<Secret>> = args.get("proxy_connect_header")?;
        if !connect.is_empty() {
            proxy = proxy.headers(
                header_map(&connect).map_err(|m| args.invalid("proxy_connect_header", m))?,
            );
        }
        return Ok(builder.proxy(proxy));
    }
    Ok(if from_environment { builder } else { builder.no_proxy() })
}

/// Headers with several values each, as `proxy_connect_header` gives them.
fn header_map(
    headers: &indexmap::IndexMap<String, Vec<Secret>>,
) -> Result<reqwest::header::HeaderMap, String> {
    let mut map = reqwest::header::HeaderMap::new();
    for (name, values) in headers {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("{name:?} is not a header name"))?;
        for value in values {
            let value = reqwest::header::HeaderValue::from_str(&value.0)
                .map_err(|_| format!("a value of {name} is not valid"))?;
            map.append(name.clone(), value);
        }
    }
    Ok(map)
}

/// PEM text given inline or in a file; both at once is refused.
pub(crate) fn pem_or_file(args: &Args, pem: &str, file: &str) -> Result<Option<Vec<u8>>> {
    match (args.opt::<String>(pem)?, args.opt::<String>(file)?) {
        (Some(_), Some(_)) => {
            Err(args.invalid(file, format!("cannot be set together with {pem}")).into())
        }
        (Some(text), None) => Ok(Some(text.into_bytes())),
        (None, Some(f)) => read(&f).map(Some),
        (None, None) => Ok(None),
    }
}

/// A secret given inline or in a file (trimmed, read now); both at once
/// is refused, as the reference refuses it.
pub(crate) fn secret_or_file(args: &Args, inline: &str, file: &str) -> Result<Option<String>> {
    match (args.opt::<Secret>(inline)?, args.opt::<String>(file)?) {
        (Some(_), Some(_)) => {
            Err(args.invalid(file, format!("cannot be set together with {inline}")).into())
        }
        (Some(secret), None) => Ok(Some(secret.0.to_string())),
        (None, Some(f)) => read(&f).map(|b| Some(String::from_utf8_lossy(&b).trim().to_owned())),
        (None, None) => Ok(None),
    }
}

fn read(path: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::file(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use river_analyzer::Value;

    fn args(pairs: &[(&str, &str)]) -> Args {
        let attrs = pairs.iter().map(|(k, v)| ((*k).to_owned(), Value::String((*v).into())));
        Args::new(attrs.collect(), Vec::new())
    }

    #[test]
    fn a_value_and_its_file_together_are_refused() {
        let both = args(&[("password", "p"), ("password_file", "/nonexistent")]);
        let error = secret_or_file(&both, "password", "password_file").unwrap_err();
        assert_eq!(error, Error::setting("password_file", "cannot be set together with password"));
        let inline = args(&[("password", "p")]);
        assert_eq!(secret_or_file(&inline, "password", "password_file").unwrap().unwrap(), "p");
        let proxies = args(&[("proxy_url", "http://127.0.0.1:1")]);
        let mut both = proxies.clone();
        both.attrs.insert("proxy_from_environment".into(), Value::Bool(true));
        assert!(proxy(&proxies, reqwest::Client::builder()).is_ok());
        let error = proxy(&both, reqwest::Client::builder()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "proxy_url: cannot be set together with proxy_from_environment"
        );
    }
}
