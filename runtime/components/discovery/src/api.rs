//! A JSON API asked with the shared HTTP client (Consul's, Nomad's): the
//! URL with its query, the request with its credentials, and the answer
//! read, every failure an error that names the URL.

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
    let response =
        client.authorize(request).await?.send().await.map_err(|e| remote(with_causes(&e)))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| remote(with_causes(&e)))?;
    if !status.is_success() {
        return Err(remote(format!("{status}: {}", String::from_utf8_lossy(&body).trim())));
    }
    serde_json::from_slice(&body).map_err(|e| remote(format!("unexpected answer: {e}")))
}
