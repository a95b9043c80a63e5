//! Fetching a target: over HTTP with the scrape's client settings, or, for
//! the memory address, from this process's own routes without a socket.

use std::time::Duration;

use axum::body::Body;
use river_analyzer::value::Secret;
use tower::ServiceExt;

use super::target::Target;
use super::Settings;
use crate::args::Args;
use crate::component::Ctx;

const ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

pub struct Client {
    http: reqwest::Client,
    basic_auth: Option<(String, Option<String>)>,
    bearer: Option<String>,
    authorization: Option<(String, String)>,
}

impl Client {
    pub fn from_args(args: &Args, timeout: Duration) -> Result<Client, String> {
        let mut builder = reqwest::Client::builder().timeout(timeout);
        if !args.get_or("follow_redirects", true)? {
            builder = builder.redirect(reqwest::redirect::Policy::none());
        }
        if let Some(proxy) = args.get::<String>("proxy_url")? {
            builder =
                builder.proxy(reqwest::Proxy::all(&proxy).map_err(|e| format!("proxy_url: {e}"))?);
        }
        if let Some(tls) = args.block("tls_config") {
            if tls.get_or("insecure_skip_verify", false)? {
                builder = builder.danger_accept_invalid_certs(true);
            }
            let ca = match tls.get::<String>("ca_pem")? {
                Some(pem) => Some(pem.into_bytes()),
                None => tls.get::<String>("ca_file")?.map(|f| read(&f)).transpose()?,
            };
            if let Some(ca) = ca {
                let cert =
                    reqwest::Certificate::from_pem(&ca).map_err(|e| format!("tls_config: {e}"))?;
                builder = builder.add_root_certificate(cert);
            }
        }
        let basic_auth = match args.block("basic_auth") {
            Some(auth) => {
                let password = match auth.get::<Secret>("password")? {
                    Some(secret) => Some(secret.0.to_string()),
                    None => {
                        auth.get::<String>("password_file")?.map(|f| read_text(&f)).transpose()?
                    }
                };
                Some((auth.get_or("username", String::new())?, password))
            }
            None => None,
        };
        let bearer = match args.get::<Secret>("bearer_token")? {
            Some(secret) => Some(secret.0.to_string()),
            None => args.get::<String>("bearer_token_file")?.map(|f| read_text(&f)).transpose()?,
        };
        let authorization = match args.block("authorization") {
            Some(auth) => {
                let kind = auth.get_or("type", "Bearer".to_owned())?;
                let credentials = match auth.get::<Secret>("credentials")? {
                    Some(secret) => secret.0.to_string(),
                    None => auth
                        .get::<String>("credentials_file")?
                        .map(|f| read_text(&f))
                        .transpose()?
                        .unwrap_or_default(),
                };
                Some((kind, credentials))
            }
            None => None,
        };
        let http = builder.build().map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Client { http, basic_auth, bearer, authorization })
    }

    /// The body and whether it is OpenMetrics.
    pub async fn fetch(
        &self,
        ctx: &Ctx,
        target: &Target,
        settings: &Settings,
    ) -> Result<(String, bool), String> {
        let timeout_header = format!("{}", settings.timeout.as_secs_f64());
        if target.address == ctx.globals.memory_addr {
            return in_process(ctx, target, settings, &timeout_header).await;
        }
        let mut request = self
            .http
            .get(target.url())
            .header("Accept", ACCEPT)
            .header("User-Agent", concat!("flow-runtime/", env!("CARGO_PKG_VERSION")))
            .header("X-Prometheus-Scrape-Timeout-Seconds", &timeout_header);
        if let Some((user, password)) = &self.basic_auth {
            request = request.basic_auth(user, password.as_ref());
        }
        if let Some(token) = &self.bearer {
            request = request.bearer_auth(token);
        }
        if let Some((kind, credentials)) = &self.authorization {
            request = request.header("Authorization", format!("{kind} {credentials}"));
        }
        let response = request.send().await.map_err(|e| describe(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("server returned HTTP status {status}"));
        }
        let openmetrics = is_openmetrics(response.headers().get("content-type"));
        let bytes = response.bytes().await.map_err(|e| describe(&e))?;
        check_size(bytes.len(), settings)?;
        let body = String::from_utf8(bytes.to_vec())
            .map_err(|_| "the response is not UTF-8".to_owned())?;
        Ok((body, openmetrics))
    }
}

/// A request to this process's own routes.
async fn in_process(
    ctx: &Ctx,
    target: &Target,
    settings: &Settings,
    timeout_header: &str,
) -> Result<(String, bool), String> {
    let router = ctx.globals.router.get().ok_or("the HTTP server is not ready yet")?.clone();
    let request = axum::http::Request::get(&target.path_and_query)
        .header("X-Prometheus-Scrape-Timeout-Seconds", timeout_header)
        .body(Body::empty())
        .map_err(|e| e.to_string())?;
    let response = tokio::time::timeout(settings.timeout, router.oneshot(request))
        .await
        .map_err(|_| "the scrape timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("server returned HTTP status {}", response.status()));
    }
    let openmetrics = is_openmetrics(response.headers().get("content-type"));
    let bytes =
        axum::body::to_bytes(response.into_body(), usize::MAX).await.map_err(|e| e.to_string())?;
    check_size(bytes.len(), settings)?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), openmetrics))
}

fn is_openmetrics(content_type: Option<&reqwest::header::HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/openmetrics-text"))
}

fn check_size(len: usize, settings: &Settings) -> Result<(), String> {
    if settings.body_size_limit > 0 && len > settings.body_size_limit {
        return Err(format!(
            "body_size_limit exceeded: the response has {len} bytes, the limit is {}",
            settings.body_size_limit
        ));
    }
    Ok(())
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the scrape timed out".into()
    } else if error.is_connect() {
        format!("cannot connect: {error}")
    } else {
        error.to_string()
    }
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn read_text(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .map_err(|e| format!("cannot read {path}: {e}"))
}
