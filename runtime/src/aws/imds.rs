//! The EC2 instance metadata service, as the SDKs ask it: a session token
//! first (IMDSv2), each read without one when the service gives none
//! (IMDSv1). It tells an instance its region and its role's keys.
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT` replaces its address, and
//! `AWS_EC2_METADATA_DISABLED=true` turns it off.

use std::time::Duration;

use serde_json::Value;

use super::env;
use super::sign::Keys;
use crate::error::{with_causes, Error};

const ADDRESS: &str = "http://169.254.169.254";
/// Off EC2 nothing answers: the SDKs give up after a second too.
const TIMEOUT: Duration = Duration::from_secs(1);

/// The service's address, or why it is not asked.
fn address() -> Result<String, String> {
    if env("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Err("the instance metadata service is off (AWS_EC2_METADATA_DISABLED)".into());
    }
    let address = env("AWS_EC2_METADATA_SERVICE_ENDPOINT").unwrap_or_else(|| ADDRESS.into());
    Ok(address.trim_end_matches('/').to_owned())
}

/// The text at `path` (`/latest/meta-data/...`) of the service at `base`.
pub async fn get(http: &reqwest::Client, base: &str, path: &str) -> Result<String, Error> {
    let token_url = format!("{base}/latest/api/token");
    let token = http
        .put(&token_url)
        .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
        .timeout(TIMEOUT)
        .send()
        .await
        .map_err(|e| Error::remote(&token_url, with_causes(&e)))?;
    // A service that gives no token (IMDSv1 only) is read without one.
    let token = match token.status().is_success() {
        true => token.text().await.ok(),
        false => None,
    };
    let url = format!("{base}{path}");
    let mut request = http.get(&url).timeout(TIMEOUT);
    if let Some(token) = &token {
        request = request.header("x-aws-ec2-metadata-token", token.trim());
    }
    let response = request.send().await.map_err(|e| Error::remote(&url, with_causes(&e)))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| Error::remote(&url, with_causes(&e)))?;
    if !status.is_success() {
        return Err(Error::remote(&url, format!("answered {status}")));
    }
    Ok(text)
}

/// The instance's region, asked at load where no runtime is at hand (a
/// thread of its own waits for the answer, two seconds at most).
pub fn region() -> Result<String, String> {
    let base = address()?;
    let ask = move || -> Result<String, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async {
            let http = reqwest::Client::new();
            let region = get(&http, &base, "/latest/meta-data/placement/region").await;
            region.map(|r| r.trim().to_owned()).map_err(|e| e.to_string())
        })
    };
    match std::thread::spawn(ask).join() {
        Ok(Ok(region)) if !region.is_empty() => Ok(region),
        Ok(Ok(_)) => Err("the instance metadata service gave an empty region".into()),
        Ok(Err(why)) => Err(why),
        Err(_) => Err("asking the instance metadata service failed".into()),
    }
}

/// The keys of the instance's role, and how long they last.
/// The role's keys and when they expire (RFC 3339), as the service says.
pub(crate) async fn role_keys(http: &reqwest::Client) -> Result<(Keys, Option<String>), Error> {
    role_keys_at(http, &address().map_err(Error::invalid)?).await
}

async fn role_keys_at(http: &reqwest::Client, base: &str) -> Result<(Keys, Option<String>), Error> {
    let path = "/latest/meta-data/iam/security-credentials/";
    let roles = get(http, base, path).await?;
    let Some(role) = roles.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return Err(Error::remote(format!("{base}{path}"), "the instance has no role"));
    };
    let path = format!("{path}{role}");
    let text = get(http, base, &path).await?;
    let fail = |why: String| Error::remote(format!("{base}{path}"), why);
    let answer: Value = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
    let field = |name: &str| answer.get(name).and_then(Value::as_str).map(str::to_owned);
    let missing = |name: &str| fail(format!("the answer has no {name}"));
    let keys = Keys {
        access_key: field("AccessKeyId").ok_or_else(|| missing("AccessKeyId"))?,
        secret_key: field("SecretAccessKey").ok_or_else(|| missing("SecretAccessKey"))?,
        session_token: field("Token"),
    };
    Ok((keys, field("Expiration")))
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A metadata service on loopback: with `v2`, every read needs the
    /// token it gives; without, the token path is not found.
    async fn service(v2: bool) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buffer = vec![0u8; 4096];
                let n = socket.read(&mut buffer).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..n]).to_lowercase();
                let path = request.split_whitespace().nth(1).unwrap_or_default().to_owned();
                let token = request.contains("x-aws-ec2-metadata-token: t0k3n");
                let (status, body) = match path.as_str() {
                    "/latest/api/token" if v2 => ("200 OK", "t0k3n".to_owned()),
                    "/latest/meta-data/placement/region" if token || !v2 => {
                        ("200 OK", "eu-central-1".to_owned())
                    }
                    "/latest/meta-data/iam/security-credentials/" => ("200 OK", "web\n".into()),
                    "/latest/meta-data/iam/security-credentials/web" => (
                        "200 OK",
                        r#"{"Code":"Success","AccessKeyId":"ASIAX","SecretAccessKey":"s",
                            "Token":"tok","Expiration":"2001-01-01T00:00:00Z"}"#
                            .to_owned(),
                    ),
                    _ => ("404 Not Found", String::new()),
                };
                let reply = format!(
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            }
        });
        base
    }

    #[tokio::test]
    async fn reads_with_a_token_and_without_one() {
        let http = reqwest::Client::new();
        let path = "/latest/meta-data/placement/region";
        assert_eq!(get(&http, &service(true).await, path).await.unwrap(), "eu-central-1");
        assert_eq!(get(&http, &service(false).await, path).await.unwrap(), "eu-central-1");
        let missing = get(&http, &service(true).await, "/latest/meta-data/nothing").await;
        assert!(missing.unwrap_err().to_string().contains("404"));
    }

    #[tokio::test]
    async fn the_roles_keys_and_their_expiry() {
        let http = reqwest::Client::new();
        let (keys, expiration) = role_keys_at(&http, &service(true).await).await.unwrap();
        assert_eq!((keys.access_key.as_str(), keys.secret_key.as_str()), ("ASIAX", "s"));
        assert_eq!(keys.session_token.as_deref(), Some("tok"));
        assert_eq!(expiration.as_deref(), Some("2001-01-01T00:00:00Z"));
    }
}
