//! The remote-config API (grafana/agent-remote-config, `agent.v1`):
//! `AgentService.GetConfig` over the Connect protocol, a unary POST of a
//! protobuf `GetConfigRequest` to `{url}/agent.v1.AgentService/GetConfig`,
//! answered with a `GetConfigResponse` (or a JSON error with `code` and
//! `message`).

use std::collections::BTreeMap;

use crate::error::Error;
use crate::http_client::HttpClient;

/// `agent.v1.GetConfigRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetConfigRequest {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(btree_map = "string, string", tag = "2")]
    pub metadata: BTreeMap<String, String>,
}

/// `agent.v1.GetConfigResponse`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetConfigResponse {
    #[prost(string, tag = "1")]
    pub content: String,
}

/// Asks the API at `url` for the config of agent `request.id`.
pub async fn get_config(
    client: &HttpClient,
    url: &str,
    request: &GetConfigRequest,
) -> Result<String, Error> {
    use prost::Message;
    let endpoint = format!("{}/agent.v1.AgentService/GetConfig", url.trim_end_matches('/'));
    let post = client
        .http
        .post(&endpoint)
        .header("Content-Type", "application/proto")
        .header("Connect-Protocol-Version", "1")
        .body(request.encode_to_vec());
    let response = client
        .authorize(post)
        .await?
        .send()
        .await
        .map_err(|e| Error::remote(&endpoint, crate::error::with_causes(&e)))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| Error::remote(&endpoint, e))?;
    if !status.is_success() {
        return Err(Error::remote(&endpoint, connect_error(status, &body)));
    }
    GetConfigResponse::decode(body.as_ref())
        .map(|r| r.content)
        .map_err(|e| Error::remote(&endpoint, format!("not a GetConfigResponse: {e}")))
}

/// A Connect error's code and message, or the HTTP status.
fn connect_error(status: reqwest::StatusCode, body: &[u8]) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| parsed.as_ref()?.get(name)?.as_str().map(str::to_owned);
    match (field("code"), field("message")) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code,
        _ => format!("answered {status}"),
    }
}
