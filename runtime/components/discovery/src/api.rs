//! Asking an HTTP API with the shared client: the URL with its query,
//! the request with its credentials, the answer's checks and body, every
//! failure an error that names the URL and its cause.

use river_runtime::error::{with_causes, Error};
use river_runtime::http_client::HttpClient;

/// `base` and `path`, with `query` when it has pairs.
pub(crate) fn url(base: &str, path: &str, query: &[(&'static str, String)]) -> String {
    let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish();
    match query.as_str() {
        "" => format!("{base}{path}"),
        query => format!("{base}{path}?{query}"),
    }
}

/// Sends `request` (to `url`) with the client's credentials.
pub(crate) async fn send(
    client: &HttpClient,
    request: reqwest::RequestBuilder,
    url: &str,
) -> Result<reqwest::Response, Error> {
    let sent = client.authorize(request).await?.send().await;
    sent.map_err(|e| Error::remote(url, with_causes(&e)))
}

/// The answer's body, once it is a 200 of `application/json`, as
/// Prometheus's HTTP and PuppetDB discoveries require.
pub(crate) async fn json_body(response: reqwest::Response, url: &str) -> Result<Vec<u8>, Error> {
    let remote = |why: String| Error::remote(url, why);
    if response.status() != reqwest::StatusCode::OK {
        return Err(remote(format!("server returned HTTP status {}", response.status())));
    }
    let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    if !kind.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("application/json") {
        return Err(remote(format!("unsupported content type {kind:?}")));
    }
    let body = response.bytes().await.map_err(|e| remote(with_causes(&e)))?;
    Ok(body.to_vec())
}

/// `GET url` with `headers`, its 2xx answer read as JSON.
pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(
    client: &HttpClient,
    url: &str,
    headers: &[(&str, &str)],
) -> Result<T, Error> {
    let remote = |why: String| Error::remote(url, why);
    let mut request = client.http.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = send(client, request, url).await?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| remote(with_causes(&e)))?;
    if !status.is_success() {
        return Err(remote(format!("{status}: {}", String::from_utf8_lossy(&body).trim())));
    }
    serde_json::from_slice(&body).map_err(|e| remote(format!("unexpected answer: {e}")))
}
